"""What an audit row says, in the reader's language: its action and object (the codes stay in the database,
stable and filterable), its summary (an English message and its parameters, translated when read) and its
changes (fields by their names, values by their labels)."""
import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "account_create": _("account created"),
    "account_change": _("account changed"),
    "account_password": _("password changed"),
    "account_password_reset": _("password reset by an emailed link"),
    "account_invitation_accept": _("password chosen through the invitation link"),
    "sign_in": _("signed in"),
    "sign_in_failed": _("sign-in failed"),
    "sign_in_refused": _("sign-in refused while locked"),
    "sign_in_lockout": _("sign-in locked after repeated failures"),
    "profile_set": _("role and province set"),
    "account_invite": _("person invited (account created)"),
    "account_invitation_resend": _("invitation sent again"),
    "account_deactivate": _("account deactivated"),
    "account_reactivate": _("account reactivated"),
    "second_factor_enrol": _("authenticator app enrolled"),
    "second_factor_remove": _("authenticator app removed"),
    "second_factor_failed": _("wrong sign-in code"),
    "second_factor_recovery_used": _("recovery code used"),
    "round_create": _("round created"),
    "stage_open": _("stage opened"),
    "stage_close": _("stage closed"),
    "stage_reopen": _("stage reopened"),
    "stage_options": _("stage options changed"),
    "metrics_import": _("metrics imported"),
    "nomination_add": _("nomination added"),
    "nominations_import": _("nominations imported"),
    "nomination_screen": _("nomination screened"),
    "nomination_advance": _("nomination advanced to the national round"),
    "advancement_tie_decision": _("tie at the advancement boundary decided"),
    "assignment_add": _("reviewer assigned"),
    "assignment_bulk": _("panel assigned"),
    "assignment_auto": _("reviewers assigned automatically"),
    "assignment_reassign": _("nomination given to another reviewer"),
    "assignment_remove": _("assignment removed (its draft scores with it)"),
    "assignment_scores_save": _("scores saved as a draft"),
    "assignment_submit": _("scores submitted"),
    "submitted_scores_overwrite": _("submitted scores replaced"),
    "conflict_declare": _("conflict of interest declared"),
    "result_freeze": _("result frozen"),
    "result_correct": _("result corrected"),
    "result_publish": _("result published"),
}
# Configuration records name their action <model>_<verb> (services/records.py, services/editions.py).
VERB_LABELS = {
    "create": _("%(object)s created"),
    "change": _("%(object)s changed"),
    "update": _("%(object)s changed"),
    "delete": _("%(object)s deleted"),
}


def _model(label_or_name):
    """The model an object type (`awards.criterion`) or model name (`criterion`) names, or None."""
    if "." in label_or_name:
        try:
            return apps.get_model(label_or_name)
        except (LookupError, ValueError):
            return None
    for app_label in ("awards", "auth"):
        try:
            return apps.get_model(app_label, label_or_name)
        except LookupError:
            continue
    return None


def object_label(object_type):
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def action_label(action):
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    for at in (i for i, char in enumerate(action) if char == "_"):  # <model>_<verb>; a field may hold "_" too
        model = _model(action[:at])
        verb = action[at + 1:]
        if model is None:
            continue
        if verb in VERB_LABELS:
            return str(VERB_LABELS[verb] % {"object": model._meta.verbose_name})
        field = next((f for f in model._meta.many_to_many if f.name == verb), None)
        if field is not None:  # a many-to-many field set: a panel's members, an account's groups
            return str(_("%(object)s: %(field)s changed") % {"object": model._meta.verbose_name,
                                                               "field": field.verbose_name})
    return action


# Filtering by what happened to a configuration record, whatever its kind (the object filter names the kind).
RECORD_VERBS = {
    "create": (_("record created"), ("_create",)),
    "change": (_("record changed"), ("_change", "_update")),
    "delete": (_("record deleted"), ("_delete",)),
}


def _audited_models():
    """The models an audit row can be about: the award's (but the audit trail itself and the stored standings,
    which are computed, never changed by anyone) and accounts and groups."""
    awards = [model for model in apps.get_app_config("awards").get_models()
              if model._meta.model_name not in ("auditevent", "standing", "standinggroup")]
    return awards + [apps.get_model("auth", "user"), apps.get_model("auth", "group")]


def _by_label(choices):
    return sorted(choices, key=lambda choice: str(choice[1]).casefold())


def action_choices():
    """The action filter's choices in the reader's language, sorted by label: what the award's services do,
    then what can happen to any configuration record (with the object filter: "criterion" and "changed")."""
    relations = [f"{model._meta.model_name}_{field.name}" for model in _audited_models()
                 for field in model._meta.many_to_many]
    return [
        (_("What happened"), _by_label([(code, action_label(code)) for code in [*ACTION_LABELS, *relations]])),
        (_("Configuration records"), [(verb, label) for verb, (label, _suffixes) in RECORD_VERBS.items()]),
    ]


def action_lookup(value):
    """The Q condition of an action filter choice."""
    if value in RECORD_VERBS:
        condition = models.Q()
        for suffix in RECORD_VERBS[value][1]:
            condition |= models.Q(action__endswith=suffix)
        return condition
    return models.Q(action=value)


def object_choices():
    return _by_label([(model._meta.label_lower, model._meta.verbose_name) for model in _audited_models()])


def _parameter(value):
    """A stored summary parameter in the active language (see services.audit.summary_param)."""
    if not isinstance(value, dict):
        return value
    if "msgid" in value:
        return gettext(value["msgid"])
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return value.get(language, value.get(settings.LANGUAGE_CODE, next(iter(value.values()), "")))


def summary_text(summary, params):
    """An audit row's summary in the active language. Without parameters (None) it is text as written."""
    if params is None:
        return summary
    if not params:
        return gettext(summary)
    values = {name: _parameter(value) for name, value in params.items()}
    try:
        return gettext(summary) % values
    except (KeyError, TypeError, ValueError):  # a translation whose placeholders do not match the message's
        return summary % values


# Changes under a name that is not a field of the object's model.
CHANGE_LABELS = {
    "step": _("step"),
    "second_factor": _("second factor"),
    "recovery_codes": _("recovery codes"),
    "reason": _("reason"),
    "category": _("category"),
    "tied": _("tied nominations"),
    "chosen": _("nominations chosen"),
    "nominations": _("nominations"),
    "edition": _("edition"),
    "round": _("round"),
    "file": _("file"),
    "sha256": _("file fingerprint (SHA-256)"),
    "rows": _("rows"),
    "nominees_new": _("new nominees"),
    "nominees_changed": _("nominees changed"),
    "nominees_unchanged": _("nominees unchanged"),
    "values_new": _("new values"),
    "values_changed": _("values changed"),
    "values_unchanged": _("values unchanged"),
    "values_removed": _("values removed"),
}
# Words the services store as values (stable, in English) and what a reader sees instead.
VALUE_WORDS = {
    "password": {"set": _("set"), "changed": _("changed"), "unusable": _("none (cannot sign in with a password)"),
                 "(not recorded)": _("(not recorded)")},
    "second_factor": {"authenticator app": _("authenticator app"),
                      "authenticator app (published demo secret)": _("authenticator app (published demo secret)")},
    "step": {"enrolment": _("setting up the authenticator app"), "sign-in": _("signing in")},
    "round": {"national": _("national")},
}
# Foreign keys whose stored value is not the related row's key: a result's round is its key (a province
# code, or "national"), its category a code, its previous result a digest (services/results.py).
STORED_AS = {
    ("awards.resultsnapshot", "round"): "awards.region",
    ("awards.resultsnapshot", "category"): None,
    ("awards.resultsnapshot", "previous"): None,
    ("awards.resultsnapshot", "supersedes"): None,
}
EMPTY = "—"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _field(model, name):
    try:
        return model._meta.get_field(name) if model is not None else None
    except Exception:  # FieldDoesNotExist, or a name that is no field at all
        return None


def related_model(object_type, name):
    """The model whose key the change `name` of an `object_type` row stores, or None."""
    if (object_type, name) in STORED_AS:
        label = STORED_AS[object_type, name]
        return apps.get_model(label) if label else None
    field = _field(_model(object_type), name)
    if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
        return field.related_model
    return None


def change_label(object_type, name):
    field = _field(_model(object_type), name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    if name in CHANGE_LABELS:
        return str(CHANGE_LABELS[name])
    criterion, _sep, part = name.rpartition(".")  # a reviewer's score or note: <criterion code>.value / .note
    if criterion and part in ("value", "note"):
        message = _("%(criterion)s: score") if part == "value" else _("%(criterion)s: note")
        return str(message % {"criterion": criterion})
    if name.isdigit():  # a draft score removed with its assignment, by criterion id
        return str(_("criterion %(id)s: score") % {"id": name})
    return name


def change_value(object_type, name, value, names=None):
    """One side of a change as a reader reads it; `names` maps (model label, key) to the name of a related row."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(change_value(object_type, name, item, names) for item in value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    text = str(value)
    field = _field(_model(object_type), name)
    related = related_model(object_type, name)
    if related is not None and names and (related._meta.label_lower, text) in names:
        return names[related._meta.label_lower, text]
    if text in VALUE_WORDS.get(name, {}):
        return str(VALUE_WORDS[name][text])
    if field is not None and getattr(field, "flatchoices", None):
        return str({str(key): label for key, label in field.flatchoices}.get(text, text))
    if isinstance(field, models.BooleanField) and text in ("True", "False"):
        return str(_("yes") if text == "True" else _("no"))
    if TIMESTAMP.match(text):
        moment = parse_datetime(text)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return text


def change_rows(event, names=None):
    """[(field name, old, new)] of an audit row's changes, in the reader's language, by field name."""
    return [(change_label(event.object_type, name), change_value(event.object_type, name, pair[0], names),
             change_value(event.object_type, name, pair[1], names))
            for name, pair in sorted((event.changes or {}).items())]
