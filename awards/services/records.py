"""Configuration records (editions, categories, criteria, rounds, panels, metric definitions, nominees,
regions) saved or deleted outside their own pages, as the admin does: national committee only,
validated, one transaction, audited with old → new."""
import json

from django.db import transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import (
    Assignment,
    AuditEvent,
    Category,
    Conflict,
    Criterion,
    Edition,
    MetricDefinition,
    MetricValue,
    Nomination,
    Nominee,
    Panel,
    ResultSnapshot,
    Round,
    Score,
    Stage,
    StageStatus,
)
from .audit import audit_record
from .standings import standings_changed

# Data with a lifecycle: changed only by the services that own it, never removed along with the
# configuration it hangs from.
LIFECYCLE_MODELS = (Nomination, Assignment, Score, Conflict, ResultSnapshot, AuditEvent)


def _rankings_touched(instance):
    """Mark the standings a configuration record feeds as changed (services/standings.py)."""
    if isinstance(instance, Criterion):
        standings_changed(categories=[instance.category_id])
    elif isinstance(instance, Category):
        standings_changed(editions=[instance.edition_id])  # a new category's groups are created too
    elif isinstance(instance, Stage):
        standings_changed(rounds=[instance.round_id])
    elif isinstance(instance, Round):
        standings_changed(editions=[instance.edition_id])
    elif isinstance(instance, Edition):
        standings_changed(editions=[instance.pk])
    elif isinstance(instance, MetricValue):
        standings_changed(years=[instance.year])
    elif isinstance(instance, (MetricDefinition, Nominee)):
        standings_changed()  # every group that reads it


class RecordError(Exception):
    """A configuration change the award's rules refuse; the message says why."""


def require_configuration_access(acting_user):
    """Configuration is the national committee's (superusers count as it); a provincial committee runs
    its province's round but does not change the award's rules."""
    permissions.require(permissions.is_committee(acting_user))


def record_values(instance):
    """{field name: stored value} of the instance's concrete fields (foreign keys as their ids)."""
    return {field.name: field.value_from_object(instance) for field in instance._meta.concrete_fields}


def _text(value):
    if value is None:
        return None
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else str(value)


def _action(instance, verb):
    return f"{instance._meta.model_name}_{verb}"


def validation_text(error):
    """One line of a ValidationError's messages, for an admin message or a command's output."""
    return " ".join(error.messages)


def rule_refusal(instance, *, deleting=False):
    """Why the award's rules refuse this change of `instance`, or "": how a criterion scores is fixed once
    its stage has opened (the edition file's rule), and a panel whose members have work in its round stays."""
    from .editions import criterion_scoring_refusal

    if isinstance(instance, Criterion):
        return criterion_scoring_refusal(instance, deleting=deleting)
    if isinstance(instance, Panel) and deleting and Assignment.objects.filter(
            stage__round_id=instance.round_id, reviewer__in=instance.members.all()).exists():
        return _("%(panel)s cannot be deleted: its members have assignments in its round.") % {"panel": instance}
    return ""


def record_save(*, instance, acting_user):
    """Create `instance` or save its changes; audited with every changed field as [old, new].

    Returns the changes ({} when nothing changed: then no audit row is written)."""
    require_configuration_access(acting_user)
    model = type(instance)
    creating = instance._state.adding
    with transaction.atomic():
        before = {} if creating else record_values(model._default_manager.select_for_update().get(pk=instance.pk))
        instance.full_clean()
        refusal = rule_refusal(instance)
        if refusal:
            raise RecordError(refusal)
        after = record_values(instance)
        changes = {name: [_text(before.get(name)), _text(value)] for name, value in after.items()
                   if creating and value not in (None, "") or not creating and before[name] != value}
        if not changes and not creating:
            return {}
        instance.save()
        if creating:
            changes.setdefault(model._meta.pk.name, [None, _text(instance.pk)])
        audit_record(actor=acting_user, action=_action(instance, "create" if creating else "change"),
                     obj=instance, changes=changes, summary=instance)
        _rankings_touched(instance)
    return changes


def record_relations_set(*, instance, field, values, acting_user, check=require_configuration_access):
    """Set a many-to-many field (a panel's members, a group's permissions) to `values`; the audit row
    names the members before and after, and those added and removed in its summary."""
    check(acting_user)
    manager = getattr(instance, field)
    with transaction.atomic():
        old = {related.pk: str(related) for related in manager.all()}
        new = {related.pk: str(related) for related in values}
        added = [new[pk] for pk in new.keys() - old.keys()]
        removed = [old[pk] for pk in old.keys() - new.keys()]
        if not added and not removed:
            return {}
        manager.set(list(values))
        if added and removed:
            summary = gettext_lazy("added: %(added)s; removed: %(removed)s")
        else:
            summary = gettext_lazy("added: %(added)s") if added else gettext_lazy("removed: %(removed)s")
        changes = {field: [sorted(old.values()), sorted(new.values())]}
        audit_record(actor=acting_user, action=_action(instance, field), obj=instance, changes=changes,
                     summary=summary, summary_params={"added": ", ".join(sorted(added)),
                                                      "removed": ", ".join(sorted(removed))})
    return changes


class _Cascade(Collector):
    """Every row a delete would remove, one by one (no fast deletes), so that each can be looked at."""

    def can_fast_delete(self, *args, **kwargs):
        return False


def record_blockers(instances):
    """The rows that stand in the way of deleting `instances`: rows that protect them, and award data
    with a lifecycle (nominations, scores, results, audit, a stage that has opened) that would go too."""
    if not instances:
        return []
    cascade = _Cascade(using=instances[0]._state.db or "default")
    try:
        cascade.collect(instances)
    except (ProtectedError, RestrictedError) as error:
        return list(getattr(error, "protected_objects", None) or error.restricted_objects)
    blockers = []
    for model, rows in cascade.data.items():
        if issubclass(model, LIFECYCLE_MODELS):
            blockers.extend(rows)
        elif issubclass(model, Stage):
            blockers.extend(stage for stage in rows if stage.status != StageStatus.DRAFT)
    return blockers


def describe_blockers(instance, blockers):
    counts = {}
    for row in blockers:
        name = str(row._meta.verbose_name_plural)
        counts[name] = counts.get(name, 0) + 1
    return _("%(object)s cannot be deleted: award data depends on it (%(what)s). Change the data "
             "through the workspace instead.") % {
        "object": instance, "what": get_text_list([f"{name}: {count}" for name, count in sorted(counts.items())],
                                                   _("and"))}


def record_delete(*, instance, acting_user):
    """Delete a configuration record that no award data depends on; the audit row keeps its values."""
    require_configuration_access(acting_user)
    with transaction.atomic():
        blockers = record_blockers([instance])
        if blockers:
            raise RecordError(describe_blockers(instance, blockers))
        refusal = rule_refusal(instance, deleting=True)
        if refusal:
            raise RecordError(refusal)
        changes = {name: [_text(value), None] for name, value in record_values(instance).items()
                   if value not in (None, "")}
        audit_record(actor=acting_user, action=_action(instance, "delete"), obj=instance, changes=changes,
                     summary=instance)
        _rankings_touched(instance)
        instance.delete()

