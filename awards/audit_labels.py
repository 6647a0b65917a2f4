"""What an audit row's action and object are called for people: the codes stay in the database (stable,
filterable), the audit trail page shows these words in the reader's language."""
from django.apps import apps
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
    name, _sep, verb = action.rpartition("_")
    model = _model(name) if name else None
    if model is None:
        return action
    if verb in VERB_LABELS:
        return str(VERB_LABELS[verb] % {"object": model._meta.verbose_name})
    field = next((f for f in model._meta.many_to_many if f.name == verb), None)
    if field is not None:  # a many-to-many field set: a panel's members, an account's groups
        return str(_("%(object)s: %(field)s changed") % {"object": model._meta.verbose_name,
                                                           "field": field.verbose_name})
    return action
