"""The demo edition matches the news report's Lampung figures and can be loaded twice."""
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from awards.models import (
    Assignment,
    AuditEvent,
    Category,
    Criterion,
    MetricValue,
    Nomination,
    Nominee,
    Round,
    Score,
    Stage,
)
from awards.services.demo import demo_seed


def coverage_by_regency():
    values = {}
    for nominee, code, value in MetricValue.objects.filter(
        nominee__kind="regency_government", year=2025, metric__code__in=["workers_total", "workers_protected"]
    ).values_list("nominee__name", "metric__code", "value"):
        values.setdefault(nominee, {})[code] = value
    return {n: 100 * v["workers_protected"] / v["workers_total"] for n, v in values.items()}, values


def test_demo_totals_match_the_report(demo):
    coverage, values = coverage_by_regency()
    assert len(values) == 15
    total = sum(v["workers_total"] for v in values.values())
    protected = sum(v["workers_protected"] for v in values.values())
    assert (total, protected) == (Decimal(2_800_000), Decimal(687_000))
    assert (100 * protected / total).quantize(Decimal("0.1"), ROUND_HALF_UP) == Decimal("24.5")
    province = MetricValue.objects.get(nominee__code="18", metric__code="workers_protected", year=2025)
    assert province.value == Decimal(687_000)
    non_asn = MetricValue.objects.get(nominee__code="18", metric__code="non_asn_protected", year=2025)
    assert non_asn.value == Decimal(49_594)


def test_demo_coverage_order_matches_the_report(demo):
    coverage, _values = coverage_by_regency()
    order = sorted(coverage, key=coverage.get, reverse=True)
    assert order[0] == "Pemerintah Kota Metro"
    assert order[1] == "Pemerintah Kabupaten Lampung Selatan"
    assert order[-1] == "Pemerintah Kota Bandar Lampung"


def test_demo_builds_an_edition_with_rounds_categories_and_criteria(demo):
    assert demo.year == 2025
    assert list(Round.objects.filter(edition=demo).values_list("level", "province_id").order_by("level")) == [
        ("national", None), ("provincial", "18")]
    assert Category.objects.filter(edition=demo).count() == 7
    assert Stage.objects.filter(round__edition=demo).count() == 6
    for category in Category.objects.filter(edition=demo):
        kinds = set(category.criteria.values_list("kind", flat=True))
        assert kinds == {"metric", "judged"}, category.code
    assert Criterion.objects.filter(category__code="pemkab", tie_break_rank=1).get().code == "cakupan"
    assert Nomination.objects.filter(round__level="provincial", category__code="pemkab").count() == 15
    assert Assignment.objects.filter(stage__kind="assessment").count() == 45
    assert Nominee.objects.filter(kind__in=["business", "umkm"], name__contains="(data contoh)").count() == 16


def test_demo_runs_twice_without_duplicates(demo):
    def counts():
        return {model.__name__: model.objects.count() for model in (
            Nominee, MetricValue, Nomination, Assignment, Score, Criterion, Category, Round, Stage)}

    before, events = counts(), AuditEvent.objects.count()
    demo_seed()
    assert counts() == before
    assert AuditEvent.objects.count() == events  # a second run changes nothing, so it audits nothing
    assert not Nomination.objects.values("round", "category", "nominee").annotate(n=Count("id")).filter(n__gt=1)


def test_demo_goes_through_the_services_and_its_audit_trail_shows_it(demo):
    """Every change the demo makes is one a committee member or reviewer made through a service."""
    def audited(action, **filters):
        return AuditEvent.objects.filter(action=action, **filters).values_list("actor__username", flat=True)

    nominations = Nomination.objects.count()
    assert set(audited("nomination_add")) == {"panitia"}
    assert audited("nomination_add").count() == nominations
    assert audited("nomination_screen").count() == nominations
    assert sorted(AuditEvent.objects.filter(action__startswith="stage_").values_list("action", "actor__username")) == [
        ("stage_close", "panitia"), ("stage_open", "panitia"), ("stage_open", "panitia"),
        ("stage_options", "panitia")]
    assert audited("assignment_add").count() == Assignment.objects.count() == 45
    assert sorted(set(audited("assignment_submit"))) == ["penilai2", "penilai3"]
    assert audited("assignment_submit").count() == Assignment.objects.filter(status="submitted").count() == 30
    assert audited("metrics_import").count() == 1
    assert set(audited("profile_set")) == {None, "panitia"}  # the first member is made by the operator
    assert not AuditEvent.objects.filter(actor__isnull=True).exclude(
        action__in=["account_create", "profile_set"]).exists()
