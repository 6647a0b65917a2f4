"""Small builders for scoring tests: an edition with rounds, stages, criteria, nominees and scores."""
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from awards.models import (
    Assignment,
    Category,
    Conflict,
    Criterion,
    Edition,
    MetricDefinition,
    MetricValue,
    Nomination,
    Nominee,
    Region,
    Round,
    Score,
    Stage,
)

_serial = itertools.count(1)


def province(code="18", name="Lampung"):
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": 1, "type": "provinsi"})
    return region


def regency(code="18.71", name="Kota Bandar Lampung"):
    parent = province(code.split(".")[0])
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": 2, "type": "kota", "parent": parent, "province": parent})
    return region


def edition(year=2025):
    return Edition.objects.get_or_create(year=year, defaults={"name": f"Paritrana {year}"})[0]


def national_round(ed=None):
    return Round.objects.get_or_create(edition=ed or edition(), level="national")[0]


def provincial_round(ed=None, code="18"):
    return Round.objects.get_or_create(edition=ed or edition(), level="provincial", province=province(code))[0]


def category(ed=None, code="kabkota", kind="regency_government", **fields):
    return Category.objects.create(edition=ed or edition(), code=code, name_id=code, name_en=code,
                                   nominee_kind=kind, **fields)


def stage(round_, kind="assessment", weight="1", position=None, **fields):
    position = position or {"screening": 1, "assessment": 2, "interview": 3}[kind]
    return Stage.objects.create(round=round_, kind=kind, position=position, weight=Decimal(weight), **fields)


def metric(code):
    return MetricDefinition.objects.get(code=code)


def metric_criterion(cat, code, rule, metric_code, weight="1", stage_kind="assessment", denominator=None,
                     target_metric=None, **fields):
    for key in ("target_value", "low", "high"):
        if key in fields and fields[key] is not None:
            fields[key] = Decimal(str(fields[key]))
    return Criterion.objects.create(
        category=cat, stage_kind=stage_kind, code=code, name_id=code, name_en=code, kind="metric",
        weight=Decimal(weight), rule=rule, metric=metric(metric_code),
        denominator=metric(denominator) if denominator else None,
        target_metric=metric(target_metric) if target_metric else None, position=next(_serial), **fields)


def judged_criterion(cat, code, weight="1", stage_kind="assessment", scale_min=0, scale_max=100, **fields):
    return Criterion.objects.create(
        category=cat, stage_kind=stage_kind, code=code, name_id=code, name_en=code, kind="judged",
        weight=Decimal(weight), scale_min=Decimal(scale_min), scale_max=Decimal(scale_max),
        position=next(_serial), **fields)


def nominee(code=None, kind="regency_government", name=None):
    n = next(_serial)
    code = code or f"N{n:06d}"
    region = regency()
    employer = f"NPP{code}" if kind in ("business", "umkm") else ""
    return Nominee.objects.create(code=code, kind=kind, name=name or f"Nominee {code}", region=region,
                                  province=region.province, employer_number=employer)


def metrics(person, year=2025, **values):
    """Metric values for a nominee; totals first so the database's 'not above the total' check passes."""
    ordered = sorted(values.items(), key=lambda item: 0 if item[0].endswith("_total") else 1)
    for code, value in ordered:
        if value is not None:
            MetricValue.objects.create(nominee=person, year=year, metric=metric(code), value=Decimal(str(value)))


def nomination(round_, cat, person=None, eligibility="eligible", **fields):
    person = person or nominee(kind=cat.nominee_kind)
    reason = "" if eligibility != "ineligible" else "incomplete documents"
    return Nomination.objects.create(round=round_, category=cat, nominee=person, eligibility=eligibility,
                                     eligibility_reason=reason, **fields)


def reviewer(username=None):
    username = username or f"reviewer{next(_serial)}"
    return get_user_model().objects.create_user(username=username, password="x")


def scores(nom, stage_, user, values, submitted=True):
    """values: {criterion: value}; one assignment for (nomination, stage, reviewer)."""
    assignment, _ = Assignment.objects.get_or_create(nomination=nom, stage=stage_, reviewer=user)
    if submitted:
        assignment.status, assignment.submitted_at = "submitted", timezone.now()
    else:
        assignment.status = "draft"
    assignment.save()
    for crit, value in values.items():
        Score.objects.update_or_create(assignment=assignment, criterion=crit,
                                       defaults={"value": None if value is None else Decimal(str(value))})
    return assignment


def conflict(nom, user):
    return Conflict.objects.create(nomination=nom, reviewer=user, reason="relative works there")
