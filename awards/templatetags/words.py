"""{% load words %}: a stored code as the words a reader knows, in the active language ({{ c.rule|label:"rule" }})."""
from django import template

from ..models import (
    CriterionKind,
    Eligibility,
    MetricUnit,
    NomineeKind,
    Role,
    RoundLevel,
    Rule,
    StageKind,
    StageStatus,
)
from ..tables import FLAG_LABELS

register = template.Library()

LABELS = {
    "rule": dict(Rule.choices), "stage": dict(StageKind.choices), "stage_status": dict(StageStatus.choices),
    "level": dict(RoundLevel.choices), "nominee_kind": dict(NomineeKind.choices), "role": dict(Role.choices),
    "unit": dict(MetricUnit.choices), "criterion_kind": dict(CriterionKind.choices),
    "eligibility": dict(Eligibility.choices), "flag": FLAG_LABELS,
}


@register.filter
def label(code, kind):
    """The label of `code` among the `kind` codes (see LABELS); the code itself if it has none."""
    return LABELS[kind].get(code, code)
