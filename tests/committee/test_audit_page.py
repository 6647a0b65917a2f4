"""The audit trail reads in words: actions, objects and people by name, the codes kept as hover titles."""
from django.urls import reverse

from awards.audit_labels import action_label, object_label


def test_action_and_object_labels_cover_services_and_configuration_records(english):
    assert action_label("nomination_screen") == "nomination screened"
    assert action_label("criterion_change") == "criterion changed"
    assert action_label("category_update") == "category changed"
    assert action_label("panel_members") == "panel: members changed"
    assert action_label("nominee_delete") == "nominee deleted"
    assert action_label("something_unknown") == "something_unknown"  # never hides a code it cannot name
    assert object_label("awards.resultsnapshot") == "result snapshot"
    assert object_label("auth.user") == "user"


def test_the_audit_page_shows_words_and_full_names(english, award):
    english.force_login(award.committee)
    page = english.get(reverse("committee-audit") + "?action=assignment_submit").content.decode()
    assert '<span title="assignment_submit">scores submitted</span>' in page
    assert '<span title="awards.assignment">assignment</span>' in page
    assert "Penilai Dua (demo)" in page
    page = english.get(reverse("committee-audit") + "?action=nomination_add").content.decode()
    assert '<span title="nomination_add">nomination added</span>' in page and "Panitia Pusat (demo)" in page
