"""The rank command's outputs and errors, and the worked example under examples/ end to end."""
import json
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from awards.models import Category, Round
from awards.scoring import rank_group
from awards.services.stages import stage_close, stage_open

from . import factories as f

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def group():
    round_ = f.provincial_round()
    category = f.category()
    f.stage(round_, "screening", "0", status="closed")
    assessment = f.stage(round_, "assessment", "1", status="open")
    f.metric_criterion(category, "coverage", "target", "workers_protected", denominator="workers_total",
                       target_value=50, weight="3")
    story = f.judged_criterion(category, "story", weight="1", scale_min=0, scale_max=10)
    a = f.nomination(round_, category, f.nominee(code="18.71", name="Kota Bandar Lampung"))
    f.metrics(a.nominee, workers_total=1000, workers_protected=245)
    f.scores(a, assessment, f.reviewer("rina"), {story: 8})
    b = f.nomination(round_, category, f.nominee(code="18.72", name="Kota Metro"))
    f.metrics(b.nominee, workers_total=100, workers_protected=50)
    return category, round_


def rank(*args):
    out = StringIO()
    call_command("rank", "--edition", "2025", "--category", "kabkota", "--round", "18", *args, stdout=out)
    return out.getvalue()


def test_rank_prints_a_table_with_two_decimals(group):
    # 18.72: coverage 50 % of 50 → 100 (w 3), story missing → 300 ÷ 4 = 75.
    # 18.71: coverage 24.5 % → 49 (w 3), story 80 → (147 + 80) ÷ 4 = 56.75.
    assert rank() == (
        "Rank  Nominee code  Nominee              Round score  Stage score: assessment  Flags\n"
        "1     18.72         Kota Metro           75.00        75.00                    incomplete (assessment:story)\n"
        "2     18.71         Kota Bandar Lampung  56.75        56.75\n"
    )


def test_rank_csv_keeps_four_decimals(group):
    assert rank("--format", "csv").splitlines() == [
        "Rank,Nominee code,Nominee,Round score,Stage score: assessment,Flags",
        "1,18.72,Kota Metro,75.0000,75.0000,incomplete (assessment:story)",
        "2,18.71,Kota Bandar Lampung,56.7500,56.7500,",
    ]


def test_rank_json(group):
    data = json.loads(rank("--format", "json"))
    assert [(r["rank"], r["nominee"], r["round_score"], r["flags"], r["missing"]) for r in data["rows"]] == [
        (1, "18.72", "75.0000", ["incomplete"], ["assessment:story"]), (2, "18.71", "56.7500", [], [])]
    assert (data["category"], data["round"], data["stage"]) == ("kabkota", "18", "assessment")


def test_rank_explain_shows_the_breakdown(group):
    assert rank("--explain", "18.71").splitlines() == [
        "Kota Bandar Lampung (18.71): rank 2, round score 56.75",
        "",
        "Stage assessment: score 56.75, weight in the round score 1",
        "  coverage [target metric=workers_protected, denominator=workers_total, target_value=50.0000] weight 3: "
        "score 49.00, 36.75 points of the round score (64.76%)",
        "    value 24.5 (numerator 245, denominator 1000, target 50, group min —, max —)",
        "  story [judged scale_min=0.0000, scale_max=10.0000] weight 1: score 80.00, 20.00 points of the round "
        "score (35.24%)",
        "    rina: raw 8, mapped 80.00, calibrated 80.00",
        "    spread 0.00",
    ]


def test_rank_explain_json(group):
    data = json.loads(rank("--explain", "18.71", "--format", "json"))
    coverage, story = data["stages"][0]["criteria"]
    assert coverage["raw"] == {"value": "24.5000", "numerator": "245.0000", "denominator": "1000.0000",
                               "target": "50.0000", "group_min": None, "group_max": None}
    assert (coverage["score"], coverage["round_points"], story["reviewers"]) == (
        "49.0000", "36.7500", [{"reviewer": "rina", "raw": "8.0000", "mapped": "80.0000", "calibrated": "80.0000"}])


@pytest.mark.parametrize(("args", "message"), [
    (["--category", "nope", "--round", "18"], "Edition 2025 has no category 'nope'."),
    (["--category", "kabkota", "--round", "31"],
     "Edition 2025 has no round '31' (use \"national\" or a province code)."),
    (["--category", "kabkota", "--round", "18", "--stage", "gala"], "Round 18 has no stage 'gala'."),
    (["--category", "kabkota", "--round", "18", "--explain", "00.00"],
     "Nominee 00.00 is not ranked in this group at this stage."),
    (["--category", "kabkota", "--round", "18", "--stage", "screening"],
     "The screening stage has no scores; rank at the assessment or interview stage."),
])
def test_rank_errors_say_what_to_fix(group, args, message):
    with pytest.raises(CommandError) as error:
        call_command("rank", "--edition", "2025", *args)
    assert str(error.value) == message


def test_worked_example_score_sheet_on_the_demo_edition(demo, committee):
    # examples/scores-2025-lampung-interview.csv: three reviewers interview 18.01, 18.72 and 18.10, once the
    # committee has closed the assessment and opened the interview stage.
    category = Category.objects.get(edition__year=2025, code="pemkab")
    round_ = Round.objects.get(edition__year=2025, level="provincial", province_id="18")
    stage_close(stage=round_.stages.get(kind="assessment"), acting_user=committee)
    stage_open(stage=round_.stages.get(kind="interview"), acting_user=committee)
    call_command("import_scores", str(EXAMPLES / "scores-2025-lampung-interview.csv"), "--by", "panitia",
                 stdout=StringIO())
    ranking = rank_group(category, round_, round_.stages.get(kind="interview"))
    rows = {r.nominee_code: r for r in ranking.rows}
    # 18.01: komitmen (85 + 80 + 88) ÷ 3 = 84.3333…, keberlanjutan (78.5 + 74 + 81) ÷ 3 = 77.8333…,
    #        equal weights → 81.0833.
    assert rows["18.01"].stage_scores["interview"] == D("81.0833")
    # 18.72: komitmen 90, 92, 55 → spread 37 > 30: the reviewers disagree.
    assert [(kind, code) for kind, code, _spread in rows["18.72"].disagreements] == [("interview", "wawancara-komitmen")]
    # 18.10: only penilai1 submitted (penilai2's sheet is a draft): 70 and 72 → 71.
    assert rows["18.10"].stage_scores["interview"] == D("71.0000")
