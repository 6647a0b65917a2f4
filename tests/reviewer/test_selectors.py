"""Reads of the reviewer portal: the dossier's coverage against the category median, progress, blind options."""
from decimal import Decimal

import pytest
from django.http import Http404

from awards.models import Assignment, Conflict, Stage
from awards.selectors.reviews import (
    access_assignment,
    others_visible,
    reviewer_assignments,
    reviewer_progress,
    scoring_page,
)
from awards.services.reviews import assignment_save_scores
from tests.scoring import factories as f

from .factories import reviewer, scoring_setup


@pytest.fixture
def setup(db):
    return scoring_setup(judged=2)


def page_for(setup):
    return scoring_page(access_assignment(setup["reviewer"], setup["assignment"].pk))


def test_coverage_against_the_median_of_the_category_in_the_round_and_the_target(setup):
    # A third, ineligible nomination does not count in the median; an eligible one does.
    third, fourth = f.nominee(), f.nominee()
    f.metrics(third, workers_total=100, workers_protected=100)
    f.metrics(fourth, workers_total=100, workers_protected=40)
    f.nomination(setup["round"], setup["category"], third, eligibility="ineligible")
    f.nomination(setup["round"], setup["category"], fourth)
    [row] = page_for(setup).coverage
    assert (row.definition.code, row.total.code) == ("workers_protected", "workers_total")
    assert (row.part_value, row.total_value, row.ratio) == (Decimal("250.0000"), Decimal("1000.0000"), Decimal(25))
    assert row.median == Decimal(40)  # of 25, 50 and 40
    assert row.target == Decimal("30.0000")
    assert (row.gap_to_median, row.gap_to_target) == (Decimal(-15), Decimal("-5.0000"))


def test_chart_positions_are_in_svg_units(setup):
    page = page_for(setup)
    [bar] = page.chart
    assert (bar.y, bar.width, bar.median_x, bar.target_x) == (0, Decimal("85.0"), Decimal("127.5"), Decimal("102.0"))
    assert page.chart_height == 40


def test_a_ratio_nobody_reports_is_left_out_and_a_missing_total_is_not_reported(setup):
    f.metrics(setup["nomination"].nominee, rt_rw_protected=10)
    page = page_for(setup)
    assert [(r.definition.code, r.ratio, r.median) for r in page.coverage] == [
        ("workers_protected", Decimal(25), Decimal("37.5")), ("rt_rw_protected", None, None)]


def test_metric_criteria_come_from_the_scoring_engine(setup):
    [row] = page_for(setup).metric_criteria
    assert (row.detail.criterion.code, row.detail.value, row.detail.target) == (
        "cakupan", Decimal("25.0000"), Decimal("30.0000"))
    assert row.shown_score == Decimal("83.33")


def test_business_compliance_figures(db):
    setup = scoring_setup(kind="business")
    page = page_for(setup)
    assert [(str(label), value, out_of) for label, value, out_of in page.compliance] == [
        ("Programmes enrolled (JKK, JKM, JHT, JP, JKP)", Decimal("4.0000"), 5),
        ("Months of contributions paid on time", Decimal("11.0000"), 12),
        ("Wages reported (% of actual)", Decimal("95.0000"), 100),
        ("Vulnerable workers protected through CSR", None, None),
    ]


def test_progress_counts_submitted_of_mine_without_conflicts(setup):
    user, stage = setup["reviewer"], setup["stage"]
    other = Assignment.objects.create(nomination=setup["other_nomination"], stage=stage, reviewer=user)
    assignment_save_scores(assignment=other, values={c.id: c.scale_max for c in setup["criteria"]}, notes={},
                           submit=True, acting_user=user)
    Assignment.objects.create(nomination=setup["nomination"], stage=stage, reviewer=reviewer("lain"))
    assert reviewer_progress(user) == {"total": 2, "submitted": 1}
    Conflict.objects.create(nomination=setup["nomination"], reviewer=user, reason="family")
    assert reviewer_progress(user) == {"total": 1, "submitted": 1}
    assert dict(reviewer_assignments(user).values_list("pk", "my_status")) == {
        setup["assignment"].pk: "conflict", other.pk: "submitted"}


@pytest.mark.parametrize(("status", "hide", "visible"), [
    ("open", True, False), ("open", False, True), ("closed", True, True), ("draft", False, True),
])
def test_other_scores_visibility(setup, status, hide, visible):
    Stage.objects.filter(pk=setup["stage"].pk).update(status=status, hide_other_scores=hide)
    assert others_visible(access_assignment(setup["reviewer"], setup["assignment"].pk)) is visible


@pytest.mark.parametrize("pk", ["0", "abc", None])
def test_access_assignment_is_404_for_anything_else(setup, pk):
    with pytest.raises(Http404):
        access_assignment(setup["reviewer"], pk)
    with pytest.raises(Http404):
        access_assignment(reviewer("asing"), setup["assignment"].pk)
