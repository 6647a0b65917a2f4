"""Reads for the audit trail page beyond its rows: the names of the rows its changes point at."""
from collections import defaultdict

from django.db import models

from ..audit_labels import related_model
from ..people import person_name

# How a related row is named, and what naming it reads besides the row itself.
NAMES = {
    "auth.user": (person_name, ()),
    "awards.region": (lambda region: region.name, ()),
    "awards.metricdefinition": (lambda metric: metric.label, ()),
    "awards.criterion": (lambda criterion: criterion.name, ()),
    "awards.round": (str, ("edition", "province")),
    "awards.stage": (str, ("round__edition", "round__province")),
    "awards.nomination": (str, ("nominee", "category")),
    "awards.resultsnapshot": (str, ("category", "round__edition", "round__province")),
}


def audit_related_names(events):
    """{(model label, stored key): name} for the rows the events' changes name by key (a reviewer, a round,
    a province), in the active language: one query per kind of row, however many events."""
    wanted = defaultdict(set)
    for event in events:
        for name, pair in (event.changes or {}).items():
            model = related_model(event.object_type, name)
            if model is not None:
                wanted[model].update(str(value) for value in pair if value not in (None, "")
                                     and not isinstance(value, (list, dict)))
    names = {}
    for model, keys in wanted.items():
        if isinstance(model._meta.pk, models.IntegerField):
            keys = {key for key in keys if key.isdigit()}
        if not keys:
            continue
        label = model._meta.label_lower
        name_of, needs = NAMES.get(label, (str, ()))
        for row in model._default_manager.select_related(*needs).filter(pk__in=keys):
            names[label, str(row.pk)] = name_of(row)
    return names
