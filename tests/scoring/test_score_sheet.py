"""Offline jury sheets: validated row by row, all-or-nothing, never silently overwriting a submitted score."""
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from awards.models import Assignment, AuditEvent, Score
from awards.scoring.score_sheet import ScoreSheetError, scores_import

from . import factories as f

pytestmark = pytest.mark.django_db
HEADER = "edition,category,round,stage,reviewer,nominee,criterion,value,submitted\n"


@pytest.fixture
def setup():
    round_ = f.provincial_round()
    category = f.category()
    f.stage(round_, "screening", "0", status="closed")
    f.stage(round_, "assessment", "60", status="closed")
    interview = f.stage(round_, "interview", "40", status="open")
    vision = f.judged_criterion(category, "vision", stage_kind="interview", scale_min=0, scale_max=10)
    practice = f.judged_criterion(category, "practice", stage_kind="interview")
    nomination = f.nomination(round_, category, f.nominee(code="18.71"))
    reviewer = f.reviewer("rina")
    return {"interview": interview, "vision": vision, "practice": practice, "nomination": nomination,
            "reviewer": reviewer, "category": category}


def sheet(*rows):
    return HEADER + "".join(f"2025,kabkota,18,interview,{row}\n" for row in rows)


def test_a_valid_sheet_is_saved_and_submitted(setup):
    result = scores_import(text=sheet("rina,18.71,vision,7.5,yes", "rina,18.71,practice,80,yes"))
    assignment = Assignment.objects.get()
    assert (assignment.status, assignment.stage, assignment.reviewer) == ("submitted", setup["interview"], setup["reviewer"])
    assert sorted((s.criterion.code, s.value) for s in assignment.scores.all()) == [
        ("practice", D("80")), ("vision", D("7.5"))]
    assert (result.scores_created, result.assignments_created, result.assignments_submitted) == (2, 1, 1)
    assert AuditEvent.objects.filter(action="scores_imported").count() == 1


def test_semicolons_and_decimal_commas_from_an_indonesian_spreadsheet(setup):
    text = "\ufeff" + HEADER.replace(",", ";") + "2025;kabkota;18;interview;rina;18.71;vision;7,5;ya\n" \
        "2025;kabkota;18;interview;rina;18.71;practice;80;ya\n"
    scores_import(text=text)
    assert Score.objects.get(criterion__code="vision").value == D("7.5")


def test_every_bad_row_is_named_and_nothing_is_saved(setup):
    f.reviewer("budi")
    text = sheet(
        "rina,18.71,vision,7,yes",
        "nobody,18.71,vision,7,yes",
        "budi,99.99,vision,7,yes",
        "budi,18.71,charisma,7,yes",
        "budi,18.71,vision,11,yes",
        "budi,18.71,practice,abc,yes",
        "budi,18.71,practice,50,perhaps",
    )
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=text)
    assert error.value.errors == [
        "row 3, column reviewer: no user named 'nobody'",
        "row 4, column nominee: nominee '99.99' is not nominated in category kabkota of round 18",
        "row 5, column criterion: 'charisma' is not a judged criterion of category kabkota at the interview stage",
        "row 6, column value: 11 is outside the scale 0-10 of criterion vision",
        "row 7, column value: 'abc' is not a number",
        "row 8, column submitted: 'perhaps' must be yes or no",
    ]
    assert not Score.objects.exists() and not Assignment.objects.exists()


def test_unknown_category_round_and_stage_are_named(setup):
    text = HEADER + "2025,nope,18,interview,rina,18.71,vision,7,yes\n" \
        "2025,kabkota,31,interview,rina,18.71,vision,7,yes\n" \
        "2025,kabkota,18,gala,rina,18.71,vision,7,yes\n"
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=text)
    assert error.value.errors == [
        "row 2, column category: no category 'nope' in edition '2025'",
        "row 3, column round: no round '31' in edition 2025; use \"national\" or a province code",
        "row 4, column stage: round 18 has no stage 'gala'",
    ]


def test_a_missing_column_is_reported_before_any_row(setup):
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text="edition,category,round\n2025,kabkota,18\n")
    assert error.value.errors == ["header: missing column(s) stage, reviewer, nominee, criterion, value, submitted; "
                                  "the header must be: edition,category,round,stage,reviewer,nominee,criterion,value,"
                                  "submitted"]


def test_submitting_needs_every_judged_criterion_of_the_stage(setup):
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=sheet("rina,18.71,vision,7,yes"))
    assert error.value.errors == ["row 2: cannot submit the sheet of rina for nominee 18.71: no value for practice"]
    assert not Assignment.objects.exists()


def test_a_draft_sheet_may_be_partial_and_completed_later(setup):
    scores_import(text=sheet("rina,18.71,vision,7,no"))
    assert Assignment.objects.get().status == "draft"
    scores_import(text=sheet("rina,18.71,vision,7,yes", "rina,18.71,practice,60,yes"))
    assert Assignment.objects.get().status == "submitted"


def test_a_submitted_score_is_never_overwritten_silently(setup):
    scores_import(text=sheet("rina,18.71,vision,7,yes", "rina,18.71,practice,80,yes"))
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=sheet("rina,18.71,vision,9,yes", "rina,18.71,practice,80,yes"))
    assert error.value.errors == ["row 2: rina already submitted the interview scores of nominee 18.71; "
                                  "pass --overwrite-submitted to replace them (the change is audited)"]
    assert Score.objects.get(criterion__code="vision").value == D(7)


def test_importing_the_same_submitted_sheet_again_changes_nothing(setup):
    text = sheet("rina,18.71,vision,7,yes", "rina,18.71,practice,80,yes")
    scores_import(text=text)
    result = scores_import(text=text)
    assert (result.scores_unchanged, result.scores_changed, result.overwritten) == (2, 0, [])


def test_overwriting_a_submitted_score_with_the_flag_is_audited(setup):
    committee = f.reviewer("panitia")
    scores_import(text=sheet("rina,18.71,vision,7,yes", "rina,18.71,practice,80,yes"))
    result = scores_import(text=sheet("rina,18.71,vision,9,yes", "rina,18.71,practice,80,yes"),
                           overwrite_submitted=True, acting_user=committee)
    assert Score.objects.get(criterion__code="vision").value == D(9)
    event = AuditEvent.objects.get(action="submitted_scores_overwritten")
    assert (event.actor, event.object_id, event.changes) == (
        committee, str(result.overwritten[0].pk), {"vision": ["7", "9"]})


def test_a_conflicted_reviewer_cannot_be_imported(setup):
    f.conflict(setup["nomination"], setup["reviewer"])
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=sheet("rina,18.71,vision,7,yes"))
    assert error.value.errors == ["row 2, column reviewer: rina declared a conflict of interest on nominee 18.71"]


def test_a_closed_stage_refuses_scores(setup):
    text = HEADER + "2025,kabkota,18,assessment,rina,18.71,vision,7,yes\n"
    with pytest.raises(ScoreSheetError) as error:
        scores_import(text=text)
    assert error.value.errors == ["row 2, column stage: the assessment stage is closed; reopen it before importing scores"]


def test_import_scores_command(setup, tmp_path, make_user):
    from awards.models import AuditEvent, Role

    make_user("ketua", Role.COMMITTEE)
    path = tmp_path / "sheet.csv"
    path.write_text(sheet("rina,18.71,vision,7,yes", "rina,18.71,practice,80,yes"), encoding="utf-8")
    out = StringIO()
    call_command("import_scores", str(path), stdout=out)
    assert out.getvalue() == ("Imported: 2 new scores, 0 changed, 0 unchanged; 1 new assignments, 1 sheets submitted, "
                              "0 submitted sheets overwritten.\n")
    path.write_text(sheet("rina,18.71,vision,8,yes", "rina,18.71,practice,80,yes"), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_scores", str(path))
    assert str(error.value) == (f"Nothing was imported. Fix these problems in {path}:\n"
                                "  - row 2: rina already submitted the interview scores of nominee 18.71; "
                                "pass --overwrite-submitted to replace them (the change is audited)")
    with pytest.raises(CommandError, match="rina is not a member of the national committee"):
        call_command("import_scores", str(path), "--overwrite-submitted", "--by", "rina", stdout=StringIO())
    call_command("import_scores", str(path), "--overwrite-submitted", "--by", "ketua", stdout=StringIO())
    assert Score.objects.get(criterion__code="vision").value == D(8)
    assert AuditEvent.objects.filter(actor__username="ketua").exists()
