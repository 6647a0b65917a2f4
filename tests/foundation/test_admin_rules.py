"""The admin cannot go around the rules: data with a lifecycle is read-only there, configuration and
accounts change only through their services, with an audit row naming old → new."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape

from awards.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Category,
    Conflict,
    Nomination,
    Nominee,
    Panel,
    Profile,
    ResultSnapshot,
    Role,
    Round,
    RoundLevel,
    Score,
    Stage,
    StageKind,
    StageStatus,
)
from awards.services.records import record_values
from tests.foundation.admin_forms import admin_form_data


def _url(obj, view):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}",
                   args=[obj.pk] if view in ("change", "delete") else [])


def _provincial():
    return Round.objects.get(level=RoundLevel.PROVINCIAL)


def _lifecycle_rows(committee):
    """One row of each kind with a lifecycle, as the issue found them: a submitted score in a closed stage,
    a declared conflict, a screened nomination, a frozen result and an audit row."""
    from awards.services.results import result_freeze
    from awards.services.reviews import assignment_declare_conflict
    from awards.services.stages import stage_close

    round_ = _provincial()
    assessment = round_.stages.get(kind=StageKind.ASSESSMENT)
    pending = Assignment.objects.filter(stage=assessment).exclude(status=AssignmentStatus.SUBMITTED).select_related(
        "reviewer").first()
    assignment_declare_conflict(assignment=pending, reason="Kerabat pejabat daerah", acting_user=pending.reviewer)
    score = Score.objects.filter(assignment__status=AssignmentStatus.SUBMITTED, value__isnull=False).first()
    category = score.assignment.nomination.category
    stage_close(stage=assessment, acting_user=committee)
    snapshot = result_freeze(round_=round_, category=category, stage=assessment, acting_user=committee)
    return [score, score.assignment, Conflict.objects.get(), score.assignment.nomination,
            Stage.objects.get(pk=assessment.pk), ResultSnapshot.objects.get(pk=snapshot.pk), AuditEvent.objects.first()]


@pytest.mark.parametrize("as_superuser", [False, True])
def test_admin_refuses_to_change_or_delete_data_with_a_lifecycle(client, committee, as_superuser):
    rows = _lifecycle_rows(committee)
    if as_superuser:
        committee.is_superuser = True
        committee.save()
    assert committee.groups.filter(name="Panitia Pusat").exists() and committee.is_staff
    client.force_login(committee)
    before = {(type(row), row.pk): record_values(type(row).objects.get(pk=row.pk)) for row in rows}
    audit_count = AuditEvent.objects.count()
    for row in rows:
        change = client.get(_url(row, "change"))
        assert change.status_code == 200, row  # still viewable, saying where the data changes
        assert escape(str(admin.site._registry[type(row)].workspace_note)) in change.content.decode(), row
        data = {**admin_form_data(change), "value": "99", "status": "open", "eligibility": "ineligible",
                "eligibility_reason": "x", "digest": "0" * 64, "summary": "x"}
        assert client.post(_url(row, "change"), data).status_code == 403, row
        assert client.post(_url(row, "delete"), {"post": "yes"}).status_code == 403, row
        bulk = client.post(_url(row, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk],
                                                     "post": "yes"})
        assert bulk.status_code in (200, 302), row
        actions = client.get(_url(row, "changelist")).context["action_form"]
        assert actions is None or "delete_selected" not in [name for name, _label in actions.fields["action"].choices]
    after = {(type(row), row.pk): record_values(type(row).objects.get(pk=row.pk)) for row in rows}
    assert after == before
    assert AuditEvent.objects.count() == audit_count


def test_admin_add_result_page_is_refused_not_a_server_error(client, committee):
    client.force_login(committee)
    url = reverse("admin:awards_resultsnapshot_add")
    assert client.get(url).status_code == 403
    round_ = _provincial()
    response = client.post(url, {"round": round_.pk, "category": Category.objects.first().pk, "content": "{}",
                                 "digest": "0" * 64})
    assert response.status_code == 403
    assert ResultSnapshot.objects.count() == 0


def test_admin_configuration_change_is_audited_old_to_new(client, committee):
    client.force_login(committee)
    category = Category.objects.get(code="pemkab")
    page = client.get(_url(category, "change"))
    data = admin_form_data(page)
    data["awards_count"] = "2"
    criterion_prefix = next(key[:-len("-code")] for key, value in data.items()
                            if key.endswith("-code") and value == category.criteria.order_by("pk").first().code)
    data[f"{criterion_prefix}-name_en"] = "Commitment, renamed"
    response = client.post(_url(category, "change"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    category.refresh_from_db()
    assert category.awards_count == 2
    event = AuditEvent.objects.get(action="category_change", object_id=str(category.pk))
    assert (event.actor, event.changes) == (committee, {"awards_count": ["3", "2"]})
    criterion = category.criteria.order_by("pk").first()
    event = AuditEvent.objects.get(action="criterion_change", object_id=str(criterion.pk))
    assert event.actor == committee
    assert event.changes["name_en"][1] == "Commitment, renamed"


def test_admin_panel_members_are_audited(client, committee):
    client.force_login(committee)
    panel = Panel.objects.get()
    leaving = panel.members.get(username="penilai3")
    data = admin_form_data(client.get(_url(panel, "change")))
    data["members"] = [str(pk) for pk in panel.members.exclude(pk=leaving.pk).values_list("pk", flat=True)]
    assert client.post(_url(panel, "change"), data).status_code == 302
    assert not panel.members.filter(pk=leaving.pk).exists()
    event = AuditEvent.objects.filter(action="panel_members", object_id=str(panel.pk)).first()
    assert event.actor == committee
    assert event.changes == {"members": [["penilai1", "penilai2", "penilai3"], ["penilai1", "penilai2"]]}
    assert "penilai3" in event.summary_text()


def test_admin_stage_options_change_through_the_service_and_never_the_status(client, committee):
    client.force_login(committee)
    interview = _provincial().stages.get(kind=StageKind.INTERVIEW)
    data = {**admin_form_data(client.get(_url(interview, "change"))), "weight": "50", "status": "open"}
    assert client.post(_url(interview, "change"), data).status_code == 302
    interview.refresh_from_db()
    assert (interview.weight, interview.status) == (50, StageStatus.DRAFT)
    event = AuditEvent.objects.get(action="stage_options", object_id=str(interview.pk))
    assert (event.actor, event.changes) == (committee, {"weight": ["40.0000", "50"]})
    # A closed stage's options no longer change.
    screening = _provincial().stages.get(kind=StageKind.SCREENING)
    assert screening.status == StageStatus.CLOSED
    data = {**admin_form_data(client.get(_url(screening, "change"))), "weight": "0", "calibrate": "on"}
    assert client.post(_url(screening, "change"), data).status_code == 403
    screening.refresh_from_db()
    assert not screening.calibrate


def test_admin_delete_of_configuration_that_award_data_depends_on_is_refused_with_a_message(client, committee):
    client.force_login(committee)
    nominee = Nomination.objects.select_related("nominee").first().nominee
    page = client.get(_url(nominee, "delete"))
    assert page.status_code == 200 and page.context["protected"]
    assert client.post(_url(nominee, "delete"), {"post": "yes"}).status_code in (200, 403)
    category = Category.objects.get(code="pemkab")
    response = client.post(_url(category, "changelist"), {"action": "delete_selected",
                                                          "_selected_action": [category.pk], "post": "yes"})
    assert response.status_code in (200, 403)
    assert Nominee.objects.filter(pk=nominee.pk).exists() and Category.objects.filter(pk=category.pk).exists()
    # A nominee added here, audited, and deleted again while nothing depends on it, audited with its values.
    from awards.models import Region

    village = Region.objects.filter(level=4).exclude(code__in=Nominee.objects.values("code")).first()
    response = client.post(reverse("admin:awards_nominee_add"), {
        "code": village.code, "kind": "village", "name": f"Desa {village.name}", "region": village.code,
        "province": village.province_id, "employer_number": "", "size": "", "sector": ""})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    spare = Nominee.objects.get(code=village.code)
    event = AuditEvent.objects.get(action="nominee_create", object_id=str(spare.pk))
    assert (event.actor, event.changes["code"], event.changes["kind"]) == (committee, [None, village.code],
                                                                          [None, "village"])
    assert client.post(_url(spare, "delete"), {"post": "yes"}).status_code == 302
    assert not Nominee.objects.filter(pk=spare.pk).exists()
    event = AuditEvent.objects.get(action="nominee_delete", object_id=str(spare.pk))
    assert (event.actor, event.changes["code"]) == (committee, [spare.code, None])


def test_admin_making_a_reviewer_a_national_committee_member_is_audited(client, committee):
    client.force_login(committee)
    profile = Profile.objects.get(user__username="penilai1")
    data = {**admin_form_data(client.get(_url(profile, "change"))), "role": Role.COMMITTEE, "province": ""}
    assert client.post(_url(profile, "change"), data).status_code == 302
    profile.refresh_from_db()
    assert (profile.role, profile.province_id) == (Role.COMMITTEE, None)
    event = AuditEvent.objects.filter(action="profile_set", object_id=str(profile.pk), actor=committee).first()
    assert event.changes == {"role": ["reviewer", "committee"], "province": ["18", None]}


def test_admin_refuses_a_reviewer_without_a_province(client, committee):
    client.force_login(committee)
    profile = Profile.objects.get(user__username="pemantau")
    data = {**admin_form_data(client.get(_url(profile, "change"))), "role": Role.REVIEWER, "province": ""}
    response = client.post(_url(profile, "change"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["province"]
    profile.refresh_from_db()
    assert profile.role == Role.OBSERVER


def test_staff_outside_the_national_committee_cannot_change_configuration(client, demo):
    member = get_user_model().objects.get(username="panitia_lampung")
    member.is_staff = True
    member.save()
    member.groups.add(Group.objects.get(name="Panitia Pusat"))  # every model permission, but not the role
    client.force_login(member)
    category = Category.objects.get(code="pemkab")
    data = {**admin_form_data(client.get(_url(category, "change"))), "awards_count": "1"}
    assert client.post(_url(category, "change"), data).status_code == 403
    assert client.post(_url(category, "delete"), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:awards_edition_add")).status_code == 403
    profile = Profile.objects.get(user__username="penilai1")
    assert client.post(_url(profile, "change"), {"role": Role.COMMITTEE, "province": ""}).status_code == 403
    category.refresh_from_db()
    profile.refresh_from_db()
    assert (category.awards_count, profile.role) == (3, Role.REVIEWER)
    assert not AuditEvent.objects.filter(actor=member).exists()


def test_admin_inline_delete_of_a_category_with_nominations_is_refused_with_a_message(client, committee):
    client.force_login(committee)
    category = Category.objects.get(code="pemprov")
    assert category.nominations.exists()
    edition = category.edition
    data = admin_form_data(client.get(_url(edition, "change")))
    prefix = next(key[:-len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(category.pk))
    data[f"{prefix}-DELETE"] = "on"
    audit_count = AuditEvent.objects.count()
    response = client.post(_url(edition, "change"), data, follow=True)
    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]][0].startswith(str(category))
    assert Category.objects.filter(pk=category.pk).exists()
    assert AuditEvent.objects.count() == audit_count


def test_admin_keeps_how_a_criterion_scores_once_its_stage_opened_like_the_edition_file(client, committee):
    """The demo's assessment stage is open in Lampung: the pemkab assessment criteria no longer change how
    they score, nor go; the interview criteria (a draft stage everywhere) still may."""
    client.force_login(committee)
    client.cookies["django_language"] = "en"
    criterion = Category.objects.get(code="pemkab").criteria.get(code="komitmen")
    before, events = record_values(criterion), AuditEvent.objects.count()
    data = {**admin_form_data(client.get(_url(criterion, "change"))), "weight": "5"}
    page = client.post(_url(criterion, "change"), data, follow=True).content.decode()
    assert escape("Criterion komitmen is scored at a stage that has opened in round(s) 18: how it scores (weight) "
                  "can no longer change; its names, guidance and order still can") in page
    metric = Category.objects.get(code="pemkab").criteria.get(code="cakupan")  # no scores protect it
    page = client.post(_url(metric, "delete"), {"post": "yes"}, follow=True).content.decode()
    assert escape("Criterion cakupan is scored at a stage that has opened in round(s) 18: it can no longer be "
                  "removed") in page
    assert Category.objects.get(code="pemkab").criteria.filter(code="cakupan").exists()
    criterion.refresh_from_db()
    assert (record_values(criterion), AuditEvent.objects.count()) == (before, events)
    interview = Category.objects.get(code="pemkab").criteria.get(code="wawancara-komitmen")
    data = {**admin_form_data(client.get(_url(interview, "change"))), "weight": "60"}
    assert client.post(_url(interview, "change"), data).status_code == 302
    interview.refresh_from_db()
    assert interview.weight == 60
    assert AuditEvent.objects.get(action="criterion_change", object_id=str(interview.pk)).changes == {
        "weight": ["50.0000", "60"]}


def test_admin_keeps_how_an_open_stage_scores_but_lets_its_deadline_move(client, committee):
    client.force_login(committee)
    client.cookies["django_language"] = "en"
    assessment = _provincial().stages.get(kind=StageKind.ASSESSMENT)
    assert assessment.status == StageStatus.OPEN
    data = {**admin_form_data(client.get(_url(assessment, "change"))), "weight": "80", "aggregation": "median"}
    page = client.post(_url(assessment, "change"), data, follow=True).content.decode()
    assert escape("The stage has opened: how it scores (weight, aggregation) no longer changes") in page
    assessment.refresh_from_db()
    assert (assessment.weight, assessment.aggregation) == (60, "mean")
    data = {**admin_form_data(client.get(_url(assessment, "change"))), "deadline_1": "17:00:00"}
    assert client.post(_url(assessment, "change"), data).status_code == 302
    assert list(AuditEvent.objects.filter(action="stage_options", object_id=str(assessment.pk))
                .values_list("changes", flat=True)[0]) == ["deadline"]


def test_admin_refuses_to_delete_a_panel_whose_members_have_work_in_its_round(client, committee):
    client.force_login(committee)
    client.cookies["django_language"] = "en"
    panel = Panel.objects.get()
    page = client.post(_url(panel, "delete"), {"post": "yes"}, follow=True).content.decode()
    assert escape(f"{panel} cannot be deleted: its members have assignments in its round.") in page
    assert Panel.objects.filter(pk=panel.pk).exists()


def test_a_refusal_in_the_admin_is_a_page_in_the_users_language(client, committee):
    client.force_login(committee)
    snapshot_add = reverse("admin:awards_resultsnapshot_add")
    page = client.get(snapshot_add)
    assert page.status_code == 403
    text = page.content.decode()
    assert '<html lang="id">' in text
    assert "nothing was changed" not in text  # Indonesian by default
    client.cookies["django_language"] = "en"
    text = client.get(snapshot_add).content.decode()
    assert "Your account may not open this page or make this change here; nothing was changed." in text
    assert "they change in the workspace" in text
