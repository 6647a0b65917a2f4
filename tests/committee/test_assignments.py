"""Assignments by hand, by panel and automatically; loads, conflicts, caps and the progress dashboard."""
import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils.html import escape

from awards.models import Assignment, AuditEvent, Category, Conflict, Nomination
from awards.services.assignments import AssignmentError, assignment_add, assignments_auto, assignments_bulk
from awards.services.stages import stage_close


def test_automatic_assignment_balances_load_under_the_cap_and_skips_conflicts(award):
    desa = Category.objects.get(code="desa")
    first = Nomination.objects.filter(round=award.provincial, category=desa).order_by("nominee__code").first()
    Conflict.objects.create(nomination=first, reviewer=award.users["penilai1"], reason="kerabat")
    outcome = assignments_auto(round_=award.provincial, category=desa, stage=award.stages["assessment"],
                               per_nomination=2, cap=21, acting_user=award.committee)
    assert (len(outcome.created), outcome.short) == (16, [])
    counts = dict(Assignment.objects.filter(nomination__category=desa).values_list("reviewer__username")
                  .order_by("reviewer__username").annotate(n=Count("id")))
    assert counts == {"penilai1": 6, "penilai2": 5, "penilai3": 5}
    assert set(Assignment.objects.filter(nomination=first).values_list("reviewer__username", flat=True)) == {
        "penilai2", "penilai3"}
    assert AuditEvent.objects.filter(action="assignment_auto").count() == 16
    again = assignments_auto(round_=award.provincial, category=desa, stage=award.stages["assessment"],
                             per_nomination=2, cap=21, acting_user=award.committee)
    assert (again.created, again.short) == ([], [])


def test_automatic_assignment_reports_nominations_it_cannot_staff(award):
    umk = Category.objects.get(code="umk")
    outcome = assignments_auto(round_=award.provincial, category=umk, stage=award.stages["assessment"],
                               per_nomination=3, cap=16, acting_user=award.committee)
    # Each reviewer already has 15 pemkab assignments at the stage: one more each, then the cap.
    assert len(outcome.created) == 3
    assert len(outcome.short) == 5
    with pytest.raises(AssignmentError, match="no panel"):
        assignments_auto(round_=award.national, category=award.pemkab, stage=award.national.stages.get(kind="assessment"),
                         per_nomination=1, cap=1, acting_user=award.committee)


def test_bulk_assigns_a_panel_once(award):
    umk = Category.objects.get(code="umk")
    panel = award.provincial.panels.get()
    assert len(assignments_bulk(panel=panel, category=umk, stage=award.stages["assessment"],
                                acting_user=award.provincial_committee).created) == 18
    assert assignments_bulk(panel=panel, category=umk, stage=award.stages["assessment"],
                            acting_user=award.provincial_committee).created == []


def test_by_hand_only_panel_members_without_conflict_on_open_stages(award):
    nomination = Nomination.objects.filter(round=award.provincial, category__code="umk").first()
    outsider = get_user_model().objects.create_user(username="juri_luar")
    with pytest.raises(AssignmentError, match="not a member of a panel"):
        assignment_add(nomination=nomination, stage=award.stages["assessment"], reviewer=outsider,
                       acting_user=award.committee)
    Conflict.objects.create(nomination=nomination, reviewer=award.users["penilai2"], reason="pemilik")
    with pytest.raises(AssignmentError, match="conflict of interest"):
        assignment_add(nomination=nomination, stage=award.stages["assessment"], reviewer=award.users["penilai2"],
                       acting_user=award.committee)
    assignment = assignment_add(nomination=nomination, stage=award.stages["assessment"],
                                reviewer=award.users["penilai1"], acting_user=award.committee)
    assert (assignment.reviewer, assignment.status) == (award.users["penilai1"], "not_started")
    with pytest.raises(AssignmentError, match="already assigned"):
        assignment_add(nomination=nomination, stage=award.stages["assessment"], reviewer=award.users["penilai1"],
                       acting_user=award.committee)
    with pytest.raises(AssignmentError, match="screening"):
        assignment_add(nomination=nomination, stage=award.stages["screening"], reviewer=award.users["penilai1"],
                       acting_user=award.committee)
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    award.stages["assessment"].refresh_from_db()
    with pytest.raises(AssignmentError, match="closed"):
        assignment_add(nomination=nomination, stage=award.stages["assessment"], reviewer=award.users["penilai3"],
                       acting_user=award.committee)


def test_assignment_pages_show_load_and_assign(english, award):
    english.force_login(award.provincial_committee)
    umk = Category.objects.get(code="umk")
    url = reverse("committee-assignments", args=[award.provincial.id])
    loads = english.get(url).context["loads"]
    assert [(load["username"], load["stages"]["assessment"]) for load in loads] == [
        ("penilai1", (15, 0)), ("penilai2", (15, 15)), ("penilai3", (15, 15))]
    response = english.post(reverse("committee-assignment-action", args=[award.provincial.id, "auto"]),
                            {"category": umk.id, "stage": award.stages["assessment"].id, "per_nomination": "1",
                             "cap": "17"}, follow=True)
    assert "6 assignments made." in response.content.decode()
    english.post(reverse("committee-assignment-action", args=[award.provincial.id, "hand"]),
                 {"category": umk.id, "stage": award.stages["assessment"].id, "nominee": "DEMO-UM-001",
                  "reviewer": "penilai3"})
    loads = english.get(url).context["loads"]
    assert [load["stages"]["assessment"][0] for load in loads] == [17, 17, 18]


def test_progress_counts_submissions_and_links_flags(english, award):
    english.force_login(award.observer)
    response = english.get(reverse("committee-progress", args=[award.provincial.id]))
    progress = response.context["progress"]
    assert [(r["stage__kind"], r["submitted"], r["open"]) for r in progress["per_stage"]] == [("assessment", 30, 15)]
    assert [(r["reviewer__username"], r["submitted"], r["open"]) for r in progress["per_reviewer"]] == [
        ("penilai1", 0, 15), ("penilai2", 15, 0), ("penilai3", 15, 0)]
    assert [(r["nomination__nominee__province_id"], r["submitted"], r["open"]) for r in progress["per_province"]] == [
        ("18", 30, 15)]
    from awards.scoring import default_stage, rank_group
    from awards.selectors.committee import categories_of_round, stages_of_round

    # The flags the page lists are the engine's, for every category at the round's default stage.
    stage = default_stage(stages_of_round(award.provincial))
    flags = [(category, stage, row) for category in categories_of_round(award.provincial)
             for row in rank_group(category, award.provincial, stage).rows if row.flags]
    flagged = {(category.code, "incomplete" in row.flags) for category, _stage, row in flags}
    # Categories without any submitted judged score are incomplete in every row.
    assert ("umk", True) in flagged and ("desa", True) in flagged
    page = response.content.decode()
    first = flags[0]
    assert reverse("committee-explanation", args=[award.provincial.id, first[0].id, first[2].nomination_id]) in page
    # Every flagged row is listed, with its link, its category and nominee (escaped) and its flags in words.
    from awards.tables import FLAG_LABELS

    category, stage, row = flags[-1]
    link = reverse("committee-explanation", args=[award.provincial.id, category.id, row.nomination_id])
    words = "".join(f'<span class="flag flag-{code}">{FLAG_LABELS[code]}</span>' for code in row.flags)
    assert (f'<li><a href="{link}?tahap={stage.id}">{escape(category.name)} · {escape(row.nominee_name)}</a> — '
            f"{words}</li>") in page
    assert page.count('<span class="flag flag-') == sum(len(r.flags) for _c, _s, r in flags)


def test_progress_escapes_nominee_names_in_the_flags(english, award):
    from awards.models import Nominee

    Nominee.objects.filter(code="18.72").update(name="Kota <b>Metro</b> & co")
    english.force_login(award.committee)
    page = english.get(reverse("committee-progress", args=[award.provincial.id])).content.decode()
    assert "Kota &lt;b&gt;Metro&lt;/b&gt; &amp; co</a>" in page and "<b>Metro</b>" not in page


def test_committee_sees_a_declared_conflict_on_the_progress_page(english, award):
    from awards.models import Assignment
    from awards.services.reviews import assignment_declare_conflict

    assignment = Assignment.objects.select_related("nomination__nominee").get(
        reviewer__username="penilai1", nomination__nominee__code="18.72", stage__kind="assessment")
    assignment_declare_conflict(assignment=assignment, reason="Saudara kandung bekerja di Pemkot Metro",
                                acting_user=assignment.reviewer)
    english.force_login(award.committee)
    response = english.get(reverse("committee-progress", args=[award.provincial.id]))
    conflicts = response.context["conflicts"]
    assert [(c.reviewer.username, c.nomination.nominee.code, c.reason) for c in conflicts] == [
        ("penilai1", "18.72", "Saudara kandung bekerja di Pemkot Metro")]
    assert "Saudara kandung bekerja di Pemkot Metro" in response.content.decode()


@pytest.fixture
def fourth_reviewer(award):
    from awards.models import Panel, Profile, Role
    from awards.services.panels import panel_member_add

    user = get_user_model().objects.create_user(username="penilai4", first_name="Wayan", last_name="Sudarsa")
    Profile.objects.create(user=user, role=Role.REVIEWER, province_id="18")
    panel_member_add(panel=Panel.objects.get(round=award.provincial), user=user, acting_user=award.committee)
    return user


def test_a_conflicted_assignment_is_given_to_another_reviewer_from_the_progress_page(english, award, fourth_reviewer):
    from awards.services.reviews import assignment_declare_conflict

    assignment = Assignment.objects.get(reviewer__username="penilai1", nomination__nominee__code="18.72",
                                        stage__kind="assessment")
    assignment_declare_conflict(assignment=assignment, reason="Keluarga", acting_user=assignment.reviewer)
    english.force_login(award.provincial_committee)
    page = english.get(reverse("committee-progress", args=[award.provincial.id])).content.decode()
    url = reverse("committee-assignment-reassign", args=[award.provincial.id, assignment.id])
    assert f'action="{url}"' in page and "Wayan Sudarsa" in page

    response = english.post(url, {"reviewer": fourth_reviewer.id})

    assert response.status_code == 302
    new = Assignment.objects.get(reviewer=fourth_reviewer, nomination=assignment.nomination, stage=assignment.stage)
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # the conflicted one stays, with its conflict
    assert AuditEvent.objects.filter(action="assignment_reassign", object_id=str(new.pk)).exists()
    again = english.post(url, {"reviewer": fourth_reviewer.id}, follow=True)
    assert "Wayan Sudarsa is already assigned to this nomination." in again.content.decode()


def test_reassigning_moves_drafts_away_but_never_submitted_scores(award, fourth_reviewer):
    from awards.models import AssignmentStatus, Score
    from awards.services.assignments import assignment_reassign

    submitted = Assignment.objects.filter(stage__round=award.provincial, stage__kind="assessment",
                                          status=AssignmentStatus.SUBMITTED).first()
    with pytest.raises(AssignmentError, match="submitted scores are not moved"):
        assignment_reassign(assignment=submitted, reviewer=fourth_reviewer, acting_user=award.committee)
    draft = Assignment.objects.filter(stage__round=award.provincial, stage__kind="assessment").exclude(
        status=AssignmentStatus.SUBMITTED).exclude(nomination__assignments__reviewer=fourth_reviewer).first()
    draft_scores = list(Score.objects.filter(assignment=draft).values_list("criterion_id", "value"))
    new = assignment_reassign(assignment=draft, reviewer=fourth_reviewer, acting_user=award.committee)
    assert not Assignment.objects.filter(pk=draft.pk).exists()
    removed = AuditEvent.objects.get(action="assignment_remove", object_id=str(draft.pk))
    assert {k: v[0] for k, v in removed.changes.items() if k != "reviewer"} == {
        str(c): str(v) if v is not None else None for c, v in draft_scores}
    assert (new.reviewer, new.status) == (fourth_reviewer, "not_started")


@pytest.mark.parametrize("username", ["panitia_jakarta", "pemantau", "penilai2"])
def test_reassigning_is_refused_out_of_scope(client, award, fourth_reviewer, username):
    assignment = Assignment.objects.filter(stage__round=award.provincial).first()
    client.force_login(award.users[username])
    url = reverse("committee-assignment-reassign", args=[award.provincial.id, assignment.id])
    assert client.post(url, {"reviewer": fourth_reviewer.id}).status_code == 403
    assert not Assignment.objects.filter(reviewer=fourth_reviewer).exists()


def test_the_assignments_page_lists_each_assignment_and_filters_by_reviewer(english, award):
    english.force_login(award.provincial_committee)
    url = reverse("committee-assignments", args=[award.provincial.id])
    reviewer = award.users["penilai2"]
    page = english.get(url, {"reviewer": reviewer.id, "stage": "assessment"}).content.decode()
    shown = Assignment.objects.filter(stage__round=award.provincial, reviewer=reviewer, stage__kind="assessment")
    assert page.count('data-assignment="') == min(shown.count(), 50) > 0
    some = shown.first()
    assert reverse("committee-assignment", args=[award.provincial.id, some.id]) in page
    assert "Remove or reassign…" in page


def test_an_assignment_is_removed_from_its_page_after_a_confirmation_but_never_once_submitted(english, award):
    from awards.models import AssignmentStatus

    english.force_login(award.provincial_committee)
    draft = Assignment.objects.filter(stage__round=award.provincial, stage__kind="assessment").exclude(
        status=AssignmentStatus.SUBMITTED).first()
    page = english.get(reverse("committee-assignment", args=[award.provincial.id, draft.id])).content.decode()
    assert 'id="remove-form"' in page and 'id="reassign-form"' in page
    remove = reverse("committee-assignment-remove", args=[award.provincial.id, draft.id])

    unconfirmed = english.post(remove, follow=True).content.decode()
    assert "Tick the box to confirm the removal." in unconfirmed
    assert Assignment.objects.filter(pk=draft.pk).exists()

    done = english.post(remove, {"confirm": "1"}, follow=True).content.decode()
    assert "is no longer assigned to" in done
    assert not Assignment.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="assignment_remove", object_id=str(draft.pk)).count() == 1
    twice = english.post(remove, {"confirm": "1"}, follow=True)
    assert twice.status_code == 200 and "This assignment was removed already." in twice.content.decode()

    submitted = Assignment.objects.filter(stage__round=award.provincial, status=AssignmentStatus.SUBMITTED).first()
    page = english.get(reverse("committee-assignment", args=[award.provincial.id, submitted.id])).content.decode()
    assert 'id="remove-form"' not in page and "submitted scores are neither removed" in page
    refused = english.post(reverse("committee-assignment-remove", args=[award.provincial.id, submitted.id]),
                           {"confirm": "1"}, follow=True).content.decode()
    assert "submitted scores are not removed" in refused
    assert Assignment.objects.filter(pk=submitted.pk, status=AssignmentStatus.SUBMITTED).exists()


def test_an_assignment_is_given_to_another_reviewer_from_its_page(english, award, fourth_reviewer):
    from awards.models import AssignmentStatus

    english.force_login(award.committee)
    draft = Assignment.objects.filter(stage__round=award.provincial, stage__kind="assessment").exclude(
        status=AssignmentStatus.SUBMITTED).exclude(nomination__assignments__reviewer=fourth_reviewer).first()
    page = english.get(reverse("committee-assignment", args=[award.provincial.id, draft.id])).content.decode()
    assert "Wayan Sudarsa" in page and f'<option value="{draft.reviewer_id}">' not in page
    response = english.post(reverse("committee-assignment-reassign", args=[award.provincial.id, draft.id]),
                            {"reviewer": fourth_reviewer.id, "back": "assignments"})
    assert response["Location"] == reverse("committee-assignments", args=[award.provincial.id])
    assert Assignment.objects.filter(nomination=draft.nomination, stage=draft.stage, reviewer=fourth_reviewer).exists()


def test_an_assignment_page_is_refused_outside_the_round_and_to_those_who_only_read(english, award):
    assignment = Assignment.objects.filter(stage__round=award.provincial).first()
    url = reverse("committee-assignment", args=[award.provincial.id, assignment.id])
    remove = reverse("committee-assignment-remove", args=[award.provincial.id, assignment.id])
    for user in (award.observer, award.other_province_committee, award.reviewer):
        english.force_login(user)
        assert english.get(url).status_code == 403
        assert english.post(remove, {"confirm": "1"}).status_code == 403
    english.force_login(award.committee)
    # Another round's address with this assignment's id: not found, nothing removed.
    assert english.get(reverse("committee-assignment", args=[award.national.id, assignment.id])).status_code in (403, 404)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    english.force_login(award.observer)
    listing = english.get(reverse("committee-assignments", args=[award.provincial.id])).content.decode()
    assert 'data-assignment="' in listing and "Remove or reassign…" not in listing
