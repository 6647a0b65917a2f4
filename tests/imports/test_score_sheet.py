"""Offline jury sheets: validated row by row, entered through the reviewer service with its checks, all-or-nothing,
never silently overwriting a submitted score."""
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from awards.imports.score_sheet import ScoreSheetError, scores_import
from awards.models import Assignment, AuditEvent, Panel, Role, Score
from awards.services.assignments import assignment_add
from awards.services.reviews import assignment_save_scores
from tests.scoring import factories as f

pytestmark = pytest.mark.django_db
HEADER = "edition,category,round,stage,reviewer,nominee,criterion,value,submitted\n"


@pytest.fixture
def setup(make_user):
    round_ = f.provincial_round()
    lampung = round_.province
    category = f.category()
    f.stage(round_, "screening", "0", status="closed")
    assessment = f.stage(round_, "assessment", "60", status="closed")
    interview = f.stage(round_, "interview", "40", status="open")
    vision = f.judged_criterion(category, "vision", stage_kind="interview", scale_min=0, scale_max=10)
    practice = f.judged_criterion(category, "practice", stage_kind="interview")
    nomination = f.nomination(round_, category, f.nominee(code="18.71"))
    reviewer = make_user("rina", Role.REVIEWER, lampung)
    panel = Panel.objects.create(round=round_, name="Tim Sembilan Lampung")
    panel.members.add(reviewer)
    return {"round": round_, "interview": interview, "assessment": assessment, "vision": vision,
            "practice": practice, "nomination": nomination, "reviewer": reviewer, "category": category,
            "panel": panel, "committee": make_user("ketua", Role.COMMITTEE),
            "provincial": make_user("panitia_lampung", Role.PROVINCIAL_COMMITTEE, lampung)}


def sheet(*rows, stage="interview"):
    return HEADER + "".join(f"2025,kabkota,18,{stage},{row}\n" for row in rows)


FULL = sheet("rina,18.71,vision,7.5,yes", "rina,18.71,practice,80,yes")


def state():
    """Everything a sheet may write, to show that a refused one wrote nothing."""
    return (list(Assignment.objects.order_by("id").values_list("id", "status", "submitted_at")),
            list(Score.objects.order_by("id").values_list("id", "value", "note")),
            AuditEvent.objects.count())


def refused(setup, text, *, by="committee", **options):
    before = state()
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=text, acting_user=setup[by], **options)
    assert state() == before
    return error.value.errors


def test_a_valid_sheet_is_saved_and_submitted(setup):
    result = scores_import(text=FULL, acting_user=setup["committee"])
    assignment = Assignment.objects.get()
    assert (assignment.status, assignment.stage, assignment.reviewer) == ("submitted", setup["interview"], setup["reviewer"])
    assert sorted((s.criterion.code, s.value) for s in assignment.scores.all()) == [
        ("practice", D("80")), ("vision", D("7.5"))]
    assert (result.scores_created, result.assignments_created, result.assignments_submitted) == (2, 1, 1)
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor__username")) == [
        ("assignment_add", "ketua"), ("assignment_submit", "ketua")]


def test_a_valid_sheet_writes_the_rows_and_audit_rows_the_page_would(setup):
    other = f.nomination(setup["round"], setup["category"], f.nominee(code="18.72"))
    by_page = assignment_add(nomination=other, stage=setup["interview"], reviewer=setup["reviewer"],
                             acting_user=setup["committee"])
    assignment_save_scores(assignment=by_page, values={setup["vision"].id: D("7.5"), setup["practice"].id: D(80)},
                           notes={}, submit=True, acting_user=setup["reviewer"])
    scores_import(text=FULL, acting_user=setup["committee"])
    by_sheet = Assignment.objects.get(nomination=setup["nomination"])

    def rows(assignment):
        assignment.refresh_from_db()
        scores = sorted(assignment.scores.values_list("criterion__code", "value", "note"))
        events = []
        for action, object_type, changes in AuditEvent.objects.filter(object_id=str(assignment.pk)).order_by(
                "id").values_list("action", "object_type", "changes"):
            changes.pop("submitted_at", None)
            events.append((action, object_type, changes))
        return assignment.status, scores, events

    assert rows(by_sheet) == rows(by_page)
    assert rows(by_sheet)[2][-1] == ("assignment_submit", "awards.assignment", {
        "practice.value": [None, "80.0000"], "vision.value": [None, "7.5000"], "status": ["not_started", "submitted"]})


def test_semicolons_and_decimal_commas_from_an_indonesian_spreadsheet(setup):
    text = "\ufeff" + HEADER.replace(",", ";") + "2025;kabkota;18;interview;rina;18.71;vision;7,5;ya\n" \
        "2025;kabkota;18;interview;rina;18.71;practice;80;ya\n"
    scores_import(text=text, acting_user=setup["committee"])
    assert Score.objects.get(criterion__code="vision").value == D("7.5")


def test_every_bad_row_is_named_and_nothing_is_saved(setup):
    f.reviewer("budi")
    errors = refused(setup, sheet(
        "rina,18.71,vision,7,yes",
        "nobody,18.71,vision,7,yes",
        "budi,99.99,vision,7,yes",
        "budi,18.71,charisma,7,yes",
        "budi,18.71,vision,11,yes",
        "budi,18.71,practice,abc,yes",
        "budi,18.71,practice,50,perhaps",
        "budi,18.71,practice,50.12345,yes",
    ))
    assert errors == [
        "row 2, column submitted: Enter a value for every criterion before submitting; missing: practice.",
        "row 3, column reviewer: no user named 'nobody'",
        "row 4, column nominee: nominee '99.99' is not nominated in category kabkota of round 18",
        "row 5, column criterion: 'charisma' is not a judged criterion of category kabkota at the interview stage",
        "row 6, column value: vision: enter a value from 0 to 10.",
        "row 7, column value: 'abc' is not a number",
        "row 8, column submitted: 'perhaps' must be yes or no",
        "row 9, column value: practice: use at most 4 decimal places.",
    ]


def test_unknown_category_round_and_stage_are_named(setup):
    text = HEADER + "2025,nope,18,interview,rina,18.71,vision,7,yes\n" \
        "2025,kabkota,31,interview,rina,18.71,vision,7,yes\n" \
        "2025,kabkota,18,gala,rina,18.71,vision,7,yes\n"
    assert refused(setup, text) == [
        "row 2, column category: no category 'nope' in edition '2025'",
        "row 3, column round: no round '31' in edition 2025; use \"national\" or a province code",
        "row 4, column stage: “gala” is not one of: Administrative screening (screening), Assessment (assessment), "
        "Interview (interview).",
    ]


def test_a_stage_may_be_named_as_the_pages_name_it(setup):
    """`Wawancara` or `interview`: the same stage; an unknown one is named with the accepted names."""
    text = HEADER + "2025,kabkota,18,Wawancara,rina,18.71,vision,7,no\n"
    assert refused(setup, text.replace("Wawancara", "gala")) != []
    scores_import(text=text, acting_user=setup["committee"])
    assert Assignment.objects.get().stage.kind == "interview"


def test_a_missing_column_is_reported_before_any_row(setup):
    assert refused(setup, "edition,category,round\n2025,kabkota,18\n") == [
        "header: missing column(s) stage, reviewer, nominee, criterion, value, submitted; the header must be: "
        "edition,category,round,stage,reviewer,nominee,criterion,value,submitted"]


def test_submitting_needs_every_judged_criterion_of_the_stage(setup):
    assert refused(setup, sheet("rina,18.71,vision,7,yes")) == [
        "row 2, column submitted: Enter a value for every criterion before submitting; missing: practice."]


def test_a_draft_sheet_may_be_partial_and_completed_later(setup):
    scores_import(text=sheet("rina,18.71,vision,7,no"), acting_user=setup["committee"])
    assert Assignment.objects.get().status == "draft"
    scores_import(text=sheet("rina,18.71,practice,60,yes"), acting_user=setup["committee"])
    assert Assignment.objects.get().status == "submitted"
    assert dict(Score.objects.values_list("criterion__code", "value")) == {"vision": D(7), "practice": D(60)}


def test_a_submitted_score_is_never_overwritten_silently(setup):
    scores_import(text=FULL, acting_user=setup["committee"])
    assert refused(setup, sheet("rina,18.71,vision,9,yes", "rina,18.71,practice,80,yes")) == [
        "row 2, column submitted: rina already submitted these scores; replacing them needs a reason, kept in the "
        "audit trail. To replace them, a national committee member passes --overwrite-submitted with --reason "
        "(the change is audited)."]


def test_a_submitted_sheet_does_not_go_back_to_draft(setup):
    scores_import(text=FULL, acting_user=setup["committee"])
    assert refused(setup, sheet("rina,18.71,vision,7.5,no", "rina,18.71,practice,80,no"),
                   overwrite_reason="typed in twice") == [
        "row 2, column submitted: rina already submitted these scores; a submitted sheet does not go back to draft."]


def test_importing_the_same_submitted_sheet_again_changes_nothing(setup):
    scores_import(text=FULL, acting_user=setup["committee"])
    before = state()
    result = scores_import(text=FULL, acting_user=setup["committee"])
    assert (result.scores_unchanged, result.scores_changed, result.overwritten) == (2, 0, [])
    assert state() == before


def test_overwriting_a_submitted_score_is_audited_with_the_reason(setup):
    scores_import(text=FULL, acting_user=setup["committee"])
    result = scores_import(text=sheet("rina,18.71,vision,9,yes", "rina,18.71,practice,80,yes"),
                           acting_user=setup["committee"], overwrite_reason="the jury's sheet was mistyped")
    assert Score.objects.get(criterion__code="vision").value == D(9)
    event = AuditEvent.objects.get(action="submitted_scores_overwrite")
    changes = dict(event.changes)
    changes.pop("submitted_at")
    assert (event.actor, event.object_id, changes) == (
        setup["committee"], str(result.overwritten[0].pk),
        {"vision.value": ["7.5000", "9.0000"], "reason": [None, "the jury's sheet was mistyped"]})


def test_a_provincial_committee_may_not_overwrite_submitted_scores(setup):
    scores_import(text=FULL, acting_user=setup["committee"])
    assert refused(setup, sheet("rina,18.71,vision,9,yes", "rina,18.71,practice,80,yes"), by="provincial",
                   overwrite_reason="mistyped") == [
        "row 2, column submitted: rina already submitted these scores; only the national committee may replace them."]


def test_a_provincial_committee_enters_sheets_of_its_own_province(setup):
    scores_import(text=FULL, acting_user=setup["provincial"])
    assert Assignment.objects.get().status == "submitted"


def test_a_provincial_committee_of_another_province_is_refused(setup, make_user):
    other = make_user("panitia_jabar", Role.PROVINCIAL_COMMITTEE, f.province("32", "Jawa Barat"))
    setup["other"] = other
    assert refused(setup, FULL, by="other") == [
        "row 2, column round: panitia_jabar may not manage this round (2025 · Provincial round Lampung): a "
        "provincial committee manages only its own province's provincial round."]


def test_an_observer_is_not_a_reviewer_even_on_a_panel(setup, make_user):
    setup["panel"].members.add(make_user("pemantau", Role.OBSERVER))
    assert refused(setup, sheet("pemantau,18.71,vision,7,yes", "pemantau,18.71,practice,80,yes")) == [
        "row 2, column reviewer: pemantau is not a reviewer (Penilai/Juri): only a reviewer's scores count."]


def test_another_provinces_committee_member_is_not_a_reviewer(setup, make_user):
    make_user("panitia_jabar", Role.PROVINCIAL_COMMITTEE, f.province("32", "Jawa Barat"))
    assert refused(setup, sheet("panitia_jabar,18.71,vision,7,yes", "panitia_jabar,18.71,practice,80,yes")) == [
        "row 2, column reviewer: panitia_jabar is not a reviewer (Penilai/Juri): only a reviewer's scores count."]


def test_a_reviewer_off_the_rounds_panels_is_refused(setup, make_user):
    make_user("dewi", Role.REVIEWER, f.province("32", "Jawa Barat"))
    assert refused(setup, sheet("dewi,18.71,vision,7,yes", "dewi,18.71,practice,80,yes")) == [
        "row 2, column reviewer: dewi is not a member of a panel of this round."]


def test_a_conflicted_reviewer_cannot_be_imported(setup):
    f.conflict(setup["nomination"], setup["reviewer"])
    assert refused(setup, FULL) == [
        "row 2, column reviewer: rina declared a conflict of interest on this nomination: their scores cannot be "
        "entered."]


def test_a_draft_stage_refuses_scores(setup):
    setup["interview"].status = "draft"
    setup["interview"].save()
    assert refused(setup, FULL) == [
        "row 2, column stage: The stage is not open yet: scores cannot be entered."]


def test_a_closed_stage_refuses_scores(setup):
    f.judged_criterion(setup["category"], "plan", stage_kind="assessment")
    assert refused(setup, sheet("rina,18.71,plan,70,yes", stage="assessment")) == [
        "row 2, column stage: The stage is closed: scores can no longer change."]


def test_a_closed_stage_refuses_scores_of_an_existing_assignment_too(setup):
    scores_import(text=sheet("rina,18.71,vision,7,no"), acting_user=setup["committee"])
    setup["interview"].status = "closed"
    setup["interview"].save()
    assert refused(setup, FULL) == [
        "row 2, column stage: The stage is closed: scores can no longer change."]


def test_nobody_outside_the_committee_enters_a_sheet(setup):
    with pytest.raises(PermissionDenied):
        scores_import(text=FULL, acting_user=setup["reviewer"])
    with pytest.raises(PermissionDenied):
        scores_import(text=FULL, acting_user=None)
    assert state() == ([], [], 0)


@pytest.fixture
def sheet_file(setup, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(FULL, encoding="utf-8")
    return path


def test_import_scores_command(setup, sheet_file):
    out = StringIO()
    call_command("import_scores", str(sheet_file), "--by", "ketua", stdout=out)
    assert out.getvalue() == ("Imported: 2 new scores, 0 changed, 0 unchanged; 1 new assignments, 1 sheets submitted, "
                              "0 submitted sheets overwritten.\n")
    assert AuditEvent.objects.filter(action="assignment_submit").get().summary_text() == (
        f"{setup['nomination'].nominee.name} · Interview · score sheet sheet.csv, row 2")
    sheet_file.write_text(sheet("rina,18.71,vision,8,yes", "rina,18.71,practice,80,yes"), encoding="utf-8")
    before = state()
    with pytest.raises(CommandError) as error:
        call_command("import_scores", str(sheet_file), "--by", "ketua")
    assert str(error.value) == (
        f"Nothing was imported. Fix these problems in {sheet_file}:\n"
        "  - row 2, column submitted: rina already submitted these scores; replacing them needs a reason, kept in the "
        "audit trail. To replace them, a national committee member passes --overwrite-submitted with --reason "
        "(the change is audited).")
    assert state() == before
    out = StringIO()
    call_command("import_scores", str(sheet_file), "--overwrite-submitted", "--reason", "mistyped", "--by", "ketua",
                 stdout=out)
    assert out.getvalue() == ("Imported: 0 new scores, 1 changed, 1 unchanged; 0 new assignments, 0 sheets submitted, "
                              "1 submitted sheets overwritten.\n")
    assert Score.objects.get(criterion__code="vision").value == D(8)


@pytest.mark.parametrize("args, message", [
    ([], "Name the committee member this command acts for with --by USERNAME: their role is checked and the audit "
         "trail records them."),
    (["--by", "nobody"], "There is no user 'nobody'."),
    (["--by", "rina"], "rina is not a committee member and may not enter score sheets."),
    (["--by", "panitia_lampung", "--overwrite-submitted", "--reason", "mistyped"],
     "Only the national committee may replace submitted scores; panitia_lampung may not."),
    (["--by", "ketua", "--overwrite-submitted"],
     '--overwrite-submitted needs --reason "...": why the submitted scores are replaced (kept in the audit trail).'),
    (["--by", "ketua", "--reason", "mistyped"], "--reason goes with --overwrite-submitted."),
])
def test_import_scores_command_refusals(setup, sheet_file, args, message):
    with pytest.raises(CommandError) as error:
        call_command("import_scores", str(sheet_file), *args)
    assert str(error.value) == message
    assert state() == ([], [], 0)
