"""A round's panels managed from the workspace: created, renamed, members added and removed by whoever
manages the round, every change audited; a provincial panel takes its own province's reviewers only."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.models import Assignment, AuditEvent, Panel, Region, Role
from awards.services.accounts import account_invite
from awards.services.panels import (
    PanelError,
    panel_create,
    panel_member_add,
    panel_member_remove,
    panel_rename,
)


def reviewer(award, email, province="18", first_name="Juri"):
    return account_invite(first_name=first_name, last_name=email.split("@")[0], email=email, role=Role.REVIEWER,
                          province=Region.objects.get(pk=province), language="id", acting_user=award.committee)


def test_a_panel_is_created_renamed_and_filled_with_audit(award):
    juri = reviewer(award, "andi@example.org", first_name="Andi")
    panel = panel_create(round_=award.provincial, name=" Tim Wawancara ", acting_user=award.provincial_committee)
    panel_rename(panel=panel, name="Tim Wawancara Lampung", acting_user=award.provincial_committee)
    panel_member_add(panel=panel, user=juri, acting_user=award.provincial_committee)
    panel_member_add(panel=panel, user=juri, acting_user=award.provincial_committee)  # already on it: no change
    panel_member_remove(panel=panel, user=juri, acting_user=award.committee)
    panel.refresh_from_db()
    assert (panel.name, list(panel.members.all())) == ("Tim Wawancara Lampung", [])
    assert [(e.action, e.actor.username, e.changes) for e in AuditEvent.objects.filter(
        object_type="awards.panel", object_id=str(panel.pk)).order_by("id")] == [
        ("panel_create", "panitia_lampung", {"round": [None, str(award.provincial.pk)], "name": [None, "Tim Wawancara"]}),
        ("panel_change", "panitia_lampung", {"name": ["Tim Wawancara", "Tim Wawancara Lampung"]}),
        ("panel_members", "panitia_lampung", {"members": [[], ["Andi andi (andi@example.org)"]]}),
        ("panel_members", "panitia", {"members": [["Andi andi (andi@example.org)"], []]}),
    ]


def test_panel_names_are_required_and_unique_in_the_round(award):
    with pytest.raises(PanelError, match="Give the panel a name"):
        panel_create(round_=award.provincial, name="  ", acting_user=award.committee)
    with pytest.raises(PanelError, match="already has a panel named"):
        panel_create(round_=award.provincial, name="tim sembilan provinsi lampung", acting_user=award.committee)


def test_a_provincial_panel_takes_active_reviewers_of_its_province_only(award):
    panel = Panel.objects.get(round=award.provincial)
    with pytest.raises(PanelError, match="reviewer of another province"):
        panel_member_add(panel=panel, user=reviewer(award, "b@example.org", province="31"),
                         acting_user=award.committee)
    with pytest.raises(PanelError, match="not a reviewer"):
        panel_member_add(panel=panel, user=award.observer, acting_user=award.committee)
    inactive = reviewer(award, "c@example.org")
    inactive.is_active = False
    inactive.save()
    with pytest.raises(PanelError, match="deactivated"):
        panel_member_add(panel=panel, user=inactive, acting_user=award.committee)
    national = panel_create(round_=award.national, name="Dewan Juri Nasional", acting_user=award.committee)
    panel_member_add(panel=national, user=reviewer(award, "d@example.org", province="31"),
                     acting_user=award.committee)  # the national jury takes reviewers of any province
    assert national.members.count() == 1


def test_a_provincial_committee_cannot_touch_another_provinces_or_the_national_panels(award):
    lampung_panel = Panel.objects.get(round=award.provincial)
    national = panel_create(round_=award.national, name="Dewan Juri Nasional", acting_user=award.committee)
    juri = reviewer(award, "e@example.org")
    for attempt in (
            lambda: panel_create(round_=award.provincial, name="X", acting_user=award.other_province_committee),
            lambda: panel_rename(panel=lampung_panel, name="X", acting_user=award.other_province_committee),
            lambda: panel_member_add(panel=lampung_panel, user=juri, acting_user=award.other_province_committee),
            lambda: panel_member_remove(panel=lampung_panel, user=award.reviewer,
                                        acting_user=award.other_province_committee),
            lambda: panel_create(round_=award.national, name="X", acting_user=award.provincial_committee),
            lambda: panel_member_add(panel=national, user=juri, acting_user=award.provincial_committee),
            lambda: panel_create(round_=award.provincial, name="X", acting_user=award.observer),
            lambda: panel_create(round_=award.provincial, name="X", acting_user=award.reviewer),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert set(Panel.objects.values_list("name", flat=True)) == {"Tim Sembilan Provinsi Lampung", "Dewan Juri Nasional"}
    assert award.reviewer in lampung_panel.members.all()


def test_removing_a_member_with_work_in_the_round_is_refused_and_keeps_the_assignments(award):
    panel = Panel.objects.get(round=award.provincial)
    work = Assignment.objects.filter(reviewer=award.reviewer, stage__round=award.provincial).count()
    assert work > 0
    with pytest.raises(PanelError, match=f"has {work} assignments in this round"):
        panel_member_remove(panel=panel, user=award.reviewer, acting_user=award.committee)
    # On a second panel of the round they stay a member of the round's panels: the removal goes through.
    second = panel_create(round_=award.provincial, name="Tim Wawancara", acting_user=award.committee)
    panel_member_add(panel=second, user=award.reviewer, acting_user=award.committee)
    panel_member_remove(panel=panel, user=award.reviewer, acting_user=award.committee)
    assert Assignment.objects.filter(reviewer=award.reviewer, stage__round=award.provincial).count() == work


# -- the page ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("committee", 200), ("provincial_committee", 200), ("other_province_committee", 403), ("observer", 403),
    ("reviewer", 403)])
def test_the_panels_page_is_for_whoever_manages_the_round(client, award, who, status):
    client.force_login(getattr(award, who))
    url = reverse("committee-panels", args=[award.provincial.id])
    panel = Panel.objects.get(round=award.provincial)
    assert client.get(url).status_code == status
    expected_post = 302 if status == 200 else status
    assert client.post(url, {"name": f"Tim {who}"}).status_code == expected_post
    action = reverse("committee-panel-action", args=[award.provincial.id, panel.id, "ubah-nama"])
    assert client.post(action, {"name": f"Tim Sembilan {who}"}).status_code == expected_post
    assert Panel.objects.filter(round=award.provincial, name__endswith=who).count() == (2 if status == 200 else 0)


def test_the_national_panels_page_is_the_national_committees(client, award):
    client.force_login(award.provincial_committee)
    assert client.get(reverse("committee-panels", args=[award.national.id])).status_code == 403
    client.force_login(award.committee)
    assert client.get(reverse("committee-panels", args=[award.national.id])).status_code == 200


def test_members_are_added_and_removed_by_full_name_on_the_page(english, award):
    juri = reviewer(award, "andi@example.org", first_name="Andi")
    reviewer(award, "jkt@example.org", province="31", first_name="Budi")
    english.force_login(award.provincial_committee)
    url = reverse("committee-panels", args=[award.provincial.id])
    response = english.get(url)
    assert [r.username for r in response.context["reviewers"]] == [
        "andi@example.org", "penilai2", "penilai1", "penilai3"]
    page = response.content.decode()
    assert "Penilai Satu (demo)" in page and "Andi andi" in page and "Budi" not in page
    panel = Panel.objects.get(round=award.provincial)
    add = reverse("committee-panel-action", args=[award.provincial.id, panel.id, "tambah"])
    assert english.post(add, {"reviewer": juri.pk}).status_code == 302
    assert juri in panel.members.all()
    budi = Panel.members.rel.model.objects.get(username="jkt@example.org")
    response = english.post(add, {"reviewer": budi.pk}, follow=True)
    assert "Choose a reviewer of this round from the list." in response.content.decode()
    remove = reverse("committee-panel-action", args=[award.provincial.id, panel.id, "keluarkan"])
    response = english.post(remove, {"reviewer": award.reviewer.pk}, follow=True)
    assert "assignments in this round" in response.content.decode()
    assert english.post(remove, {"reviewer": juri.pk}).status_code == 302
    assert juri not in panel.members.all()
    assert english.post(remove, {"reviewer": budi.pk}).status_code == 404  # not a member
    assert english.post(reverse("committee-panel-action", args=[award.provincial.id, panel.id, "hapus"])
                        ).status_code == 404


def test_another_rounds_panel_is_not_found_through_this_round(client, award):
    national = panel_create(round_=award.national, name="Dewan Juri Nasional", acting_user=award.committee)
    client.force_login(award.provincial_committee)
    url = reverse("committee-panel-action", args=[award.provincial.id, national.id, "ubah-nama"])
    assert client.post(url, {"name": "Diambil alih"}).status_code == 404
    national.refresh_from_db()
    assert national.name == "Dewan Juri Nasional"


def panels_page_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return sum(len(panel.members.all()) for panel in response.context["panels"])


def test_the_panels_page_query_count_does_not_grow_with_panels_or_members(client, award,
                                                                         django_assert_max_num_queries):
    client.force_login(award.committee)
    url = reverse("committee-panels", args=[award.provincial.id])
    assert panels_page_queries(client, url, django_assert_max_num_queries, 7) == 3
    for n in range(3):
        panel = panel_create(round_=award.provincial, name=f"Tim {n}", acting_user=award.committee)
        for k in range(3):
            panel_member_add(panel=panel, user=reviewer(award, f"j{n}{k}@example.org"), acting_user=award.committee)
    assert panels_page_queries(client, url, django_assert_max_num_queries, 7) == 12
