"""The audit trail reads in the reader's language: actions, objects and people by name, summaries translated
when read, changes by field name and value label; filtered by those words; scoped by province."""
import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from awards.audit_labels import action_label, change_rows, object_label, summary_text
from awards.models import AuditEvent
from awards.services.audit import audit_record
from awards.services.stages import stage_close, stage_open
from tests.page_text import offenders, page_text

AWARDS = Path(__file__).resolve().parents[2] / "awards"


def test_action_and_object_labels_cover_services_and_configuration_records(english):
    assert action_label("nomination_screen") == "nomination screened"
    assert action_label("criterion_change") == "criterion changed"
    assert action_label("category_update") == "category changed"
    assert action_label("panel_members") == "panel: members changed"
    assert action_label("user_user_permissions") == "user: user permissions changed"
    assert action_label("nominee_delete") == "nominee deleted"
    assert action_label("something_unknown") == "something_unknown"  # never hides a code it cannot name
    assert object_label("awards.resultsnapshot") == "result snapshot"
    assert object_label("auth.user") == "user"


def _action_codes(tree):
    """The action codes written in a module: string constants given as `action=…`, assigned to `action`,
    or passed to the helpers that take the action positionally (stages._change, the edition file's audit)."""
    codes = set()

    def strings(node):
        return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            codes |= {code for keyword in node.keywords if keyword.arg == "action" for code in strings(keyword.value)}
            if name in ("_change", "audit"):
                codes |= {arg.value for arg in node.args
                          if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "action" for t in node.targets):
            codes |= strings(node.value)
    # A code is <noun>_<verb>; "create" alone is the verb a configuration record's action is built with.
    return {code for code in codes if "_" in code and code.replace("_", "").isalpha() and code.islower()}


def test_every_action_the_code_records_has_a_label(english):
    """An audit action nobody named would show as a code on the trail: every one written in services and
    imports is labelled (configuration records' <model>_<verb> through their model's name)."""
    codes = set()
    for path in [*AWARDS.glob("services/*.py"), *AWARDS.glob("imports/*.py")]:
        codes |= _action_codes(ast.parse(path.read_text(encoding="utf-8")))
    assert len(codes) > 40 and {"assignment_submit", "stage_open", "edition_create", "panel_members"} <= codes
    assert sorted(code for code in codes if action_label(code) == code) == []


def test_every_action_of_the_demo_has_a_label(award):
    assert sorted({a for a in AuditEvent.objects.values_list("action", flat=True) if action_label(a) == a}) == []


def test_the_summary_is_stored_untranslated_and_read_in_each_readers_language(award):
    with translation.override("id"):  # written by an Indonesian reader
        stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    event = AuditEvent.objects.get(action="stage_close", object_id=str(award.stages["assessment"].pk))
    assert event.summary == "%(stage)s: closed with %(count)s unsubmitted assignments"
    assert event.summary_params["count"] == 15
    assert set(event.summary_params["stage"]) == {"id", "en"}
    with translation.override("en"):
        assert event.summary_text() == "2025 · Provincial round Lampung · Assessment: closed with 15 unsubmitted " \
                                       "assignments"
    with translation.override("id"):
        stage = str(award.stages["assessment"])
        assert event.summary_text() == gettext(event.summary) % {"stage": stage, "count": 15}
        assert stage.startswith("2025 ·") and "Provincial" not in stage


def test_a_message_and_its_translated_parameters_follow_the_reader(award):
    observer = award.observer
    event = AuditEvent.objects.get(action="profile_set", object_id=str(observer.profile.pk),
                                   summary_params__isnull=False)
    assert (event.summary, event.summary_params) == (
        "%(user)s: %(role)s", {"user": "pemantau", "role": {"msgid": "Observer (Pemantau)"}})
    with translation.override("en"):
        assert event.summary_text() == "pemantau: Observer (Pemantau)"
    with translation.override("id"):
        assert event.summary_text() == gettext("%(user)s: %(role)s") % {"user": "pemantau",
                                                                         "role": gettext("Observer (Pemantau)")}
        assert gettext("Observer (Pemantau)") != "Observer (Pemantau)"


def test_old_rows_and_plain_text_show_as_written(award):
    old = AuditEvent.objects.create(action="stage_open", object_type="awards.stage", object_id="1",
                                    summary="teks lama · 2024")
    assert (old.summary_params, summary_text(old.summary, old.summary_params)) == (None, "teks lama · 2024")
    typed = audit_record(actor=award.committee, action="stage_reopen", obj=award.stages["assessment"],
                         summary="100% typed by someone")
    assert (typed.summary_params, typed.summary_text()) == (None, "100% typed by someone")
    with pytest.raises(ValueError):  # parameters need a message marked for translation
        audit_record(actor=award.committee, action="stage_reopen", obj=award.stages["assessment"],
                     summary="%(x)s", summary_params={"x": 1})


def test_changes_read_by_field_name_and_value_label(english, award):
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    closed = AuditEvent.objects.get(action="stage_close", object_id=str(award.stages["assessment"].pk))
    assert change_rows(closed) == [("status", "Open", "Closed")]
    added = AuditEvent.objects.filter(action="nomination_add").first()
    assert change_rows(added) == [("screening", "—", "Not yet screened")]
    english.force_login(award.committee)
    page = english.get(reverse("committee-audit") + "?action=assignment_add").content.decode()
    assert "reviewer: — → Penilai Satu (demo)" in page  # the reviewer by name, not by account id


def rows(client, query=""):
    return [row.record for row in client.get(reverse("committee-audit") + query).context["table"].paginated_rows]


def test_the_filter_speaks_in_labels_names_and_dates(english, award):
    english.force_login(award.committee)
    page = english.get(reverse("committee-audit")).content.decode()
    assert '<option value="assignment_submit">scores submitted</option>' in page
    assert '<option value="awards.resultsnapshot">result snapshot</option>' in page
    assert 'type="date"' in page
    assert {e.action for e in rows(english, "?action=assignment_submit")} == {"assignment_submit"}
    assert {e.action for e in rows(english, "?action=create&object_type=awards.criterion")} == {"criterion_create"}
    reviewer = award.users["penilai2"]
    assert {e.actor for e in rows(english, "?actor=" + reviewer.last_name + "+" + reviewer.first_name)} == {reviewer}
    today = timezone.localdate()
    assert rows(english, f"?since={today + timedelta(days=1)}") == []
    assert rows(english, f"?until={today - timedelta(days=1)}") == []
    assert len(rows(english, f"?since={today}&until={today}")) == 50


def test_a_provincial_committee_reads_its_own_provinces_events_only(client, award):
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    national = award.national.stages.get(kind="screening")
    stage_open(stage=national, acting_user=award.committee)
    client.force_login(award.provincial_committee)
    events = rows(client, "?action=stage_open")
    assert events and all(e.object_id != str(national.pk) for e in events)
    assert [e.object_id for e in rows(client, "?action=stage_close")] == [
        str(award.stages["assessment"].pk), str(award.stages["screening"].pk)]
    assert rows(client, f"?actor={award.committee.username}&object_type=awards.round") == [
        e for e in rows(client, "?object_type=awards.round")]
    assert all(e.object_id == str(award.provincial.pk) for e in rows(client, "?object_type=awards.round"))
    client.force_login(award.other_province_committee)
    assert rows(client) == [] and rows(client, "?action=stage_close") == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_code_none_or_iso_timestamp_on_the_audit_trail(client, award, language):
    from awards.services.results import result_freeze

    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["assessment"],
                  acting_user=award.committee)
    client.force_login(award.committee)
    client.cookies["django_language"] = language
    found = {}
    for number in range(1, 1 + AuditEvent.objects.count() // 50 + 1):
        pieces = page_text(client.get(reverse("committee-audit") + f"?page={number}").content.decode()).pieces
        found[number] = [offender for offender in offenders(pieces) if offender.startswith("code:")]
    assert found == {number: [] for number in found}
