"""Builders for committee tests: a ranking group of any size in the demo's Lampung provincial round."""
from decimal import Decimal

from django.utils import timezone

from awards.models import (
    Assignment,
    AssignmentStatus,
    Category,
    Criterion,
    Eligibility,
    MetricDefinition,
    MetricValue,
    Nomination,
    Nominee,
    Region,
    Score,
)


def ranking_group(award, size, *, code="uji", reviewers=("penilai1", "penilai2", "penilai3"), uniform=False):
    """A category with one metric and one judged assessment criterion and `size` eligible nominations,
    each scored (submitted) by every reviewer; with `uniform`, every nomination has the same data."""
    category = Category.objects.create(edition=award.edition, code=code, name_id=f"Uji {size}",
                                       name_en=f"Test {size}", nominee_kind="regency_government", position=99)
    metrics = {m.code: m for m in MetricDefinition.objects.filter(code__in=["workers_total", "workers_protected"])}
    Criterion.objects.create(category=category, stage_kind="assessment", code="cakupan", name_id="Cakupan",
                             name_en="Coverage", kind="metric", weight=Decimal(60), rule="linear",
                             metric=metrics["workers_protected"], denominator=metrics["workers_total"],
                             low=Decimal(0), high=Decimal(100), tie_break_rank=1)
    judged = Criterion.objects.create(category=category, stage_kind="assessment", code="komitmen",
                                      name_id="Komitmen", name_en="Commitment", kind="judged", weight=Decimal(40))
    stage = award.stages["assessment"]
    regions = list(Region.objects.filter(province_id="18", level=4).order_by("code")[:size])
    now = timezone.now()
    nominations = []
    for i, region in enumerate(regions):
        nominee = Nominee.objects.create(code=f"{code}-{i:04d}", kind="regency_government", name=f"Nominee {code} {i:04d}",
                                         region=region, province_id="18")
        MetricValue.objects.create(nominee=nominee, year=award.edition.year, metric=metrics["workers_total"],
                                   value=Decimal(1000))
        MetricValue.objects.create(nominee=nominee, year=award.edition.year, metric=metrics["workers_protected"],
                                   value=Decimal(500 if uniform else 100 + 7 * i % 900))
        nomination = Nomination.objects.create(round=award.provincial, category=category, nominee=nominee,
                                               eligibility=Eligibility.ELIGIBLE)
        for j, username in enumerate(reviewers):
            assignment = Assignment.objects.create(nomination=nomination, stage=stage, reviewer=award.users[username],
                                                   status=AssignmentStatus.SUBMITTED, submitted_at=now)
            Score.objects.create(assignment=assignment, criterion=judged, value=Decimal(70 if uniform else 50 + (i * 3 + j * 11) % 50))
        nominations.append(nomination)
    return category, nominations
