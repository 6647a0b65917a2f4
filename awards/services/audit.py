"""The one way a state change is recorded in the audit trail."""
from ..models import AuditEvent


def audit_record(*, actor, action, obj, changes=None, summary=""):
    """Write one audit row for `obj`; call it inside the transaction that made the change.

    `changes` maps a field name to [old, new]; values must be JSON-serialisable (use str() for
    decimals and dates).
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        # No primary key: a sign-in failure for a name no account has (services/signins.py).
        object_id="" if obj.pk is None else str(obj.pk),
        summary=str(summary)[:300],
        changes=changes or {},
    )


def diff_fields(before, after, fields):
    """{field: [old, new]} for the fields whose value differs between two instances (or dicts)."""
    def get(source, name):
        return source.get(name) if isinstance(source, dict) else getattr(source, name)

    changes = {}
    for name in fields:
        old, new = get(before, name), get(after, name)
        if old != new:
            changes[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changes
