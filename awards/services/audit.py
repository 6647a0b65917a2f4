"""The one way a state change is recorded in the audit trail."""
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

from ..models import AuditEvent

OBJECT_SUMMARY = "%(object)s"  # the summary that only names an object (see `audit_record`)


def _msgid(message):
    """The English msgid of a lazy translation (no catalogue is active while it is read)."""
    with translation.override(None):
        return str(message)


def _in_every_language(instance):
    """An object's name in each language of the site: names are built from translated and bilingual parts."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names[code] = str(instance)
    return names


def summary_param(value):
    """A summary parameter as stored: a lazy translation as {"msgid": …}, a model instance as its name in every
    language ({"id": …, "en": …}), a number as it is, anything else as text."""
    if isinstance(value, Promise):
        return {"msgid": _msgid(value)}
    if isinstance(value, models.Model):
        return _in_every_language(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def audit_record(*, actor, action, obj, changes=None, summary="", summary_params=None):
    """Write one audit row for `obj`; call it inside the transaction that made the change.

    `changes` maps a field name to [old, new]; values must be JSON-serialisable (use str() for
    decimals and dates).

    `summary` is what the trail shows in its summary column, in the reader's language:
    - an English message marked with gettext_lazy, with named %(placeholders)s filled from
      `summary_params` (see `summary_param` for what a parameter may be);
    - a model instance: its name, recorded in every language of the site;
    - plain text that reads the same in every language (a user name, a reason someone typed), shown as
      written.
    """
    if isinstance(summary, models.Model):
        text, params = OBJECT_SUMMARY, {"object": summary_param(summary)}
    elif isinstance(summary, Promise):
        text, params = _msgid(summary), {name: summary_param(value) for name, value in (summary_params or {}).items()}
    else:
        if summary_params:
            raise ValueError("summary_params need a summary marked for translation (gettext_lazy)")
        text, params = str(summary), None
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        # No primary key: a sign-in failure for a name no account has (services/signins.py).
        object_id="" if obj.pk is None else str(obj.pk),
        summary=text[:300],
        summary_params=params,
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
