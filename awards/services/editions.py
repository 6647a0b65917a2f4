"""Setting up an edition: its national round, provincial rounds and the stages of each round."""
from decimal import Decimal

from django.db import transaction

from ..models import Region, Round, RoundLevel, Stage, StageKind
from .audit import audit_record

# Default stage plan (DOMAIN.md, "The process"): screening carries no weight.
DEFAULT_STAGES = [
    (StageKind.SCREENING, 1, Decimal("0")),
    (StageKind.ASSESSMENT, 2, Decimal("60")),
    (StageKind.INTERVIEW, 3, Decimal("40")),
]


def round_ensure(*, edition, province=None, acting_user=None):
    """The edition's national round (province None) or a province's provincial round, with its stages."""
    level = RoundLevel.PROVINCIAL if province is not None else RoundLevel.NATIONAL
    with transaction.atomic():
        round_, created = Round.objects.get_or_create(edition=edition, level=level, province=province)
        for kind, position, weight in DEFAULT_STAGES:
            Stage.objects.get_or_create(round=round_, kind=kind, defaults={"position": position, "weight": weight})
        if created:
            audit_record(actor=acting_user, action="round_create", obj=round_, summary=str(round_))
    return round_


def edition_setup_rounds(*, edition, province_codes=None, acting_user=None):
    """Create the national round and a provincial round per province (all 38 unless given)."""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    if province_codes is not None:
        provinces = provinces.filter(code__in=province_codes)
    rounds = [round_ensure(edition=edition, acting_user=acting_user)]
    rounds += [round_ensure(edition=edition, province=p, acting_user=acting_user) for p in provinces]
    return rounds
