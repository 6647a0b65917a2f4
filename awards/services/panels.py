"""A round's reviewer panels (a province's Tim Sembilan, the national jury) managed from the workspace:
created, renamed, members added and removed by whoever manages the round; every change audited."""
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import Assignment, Panel, Role, RoundLevel
from ..people import person_name
from .audit import audit_record


class PanelError(Exception):
    """A panel change the award's rules refuse; the message says why."""


def _require_round(acting_user, round_):
    permissions.require(permissions.can_manage_round(acting_user, round_))


def _clean_name(round_, name, *, panel=None):
    name = (name or "").strip()
    if not name:
        raise PanelError(_("Give the panel a name, such as “Tim Sembilan Provinsi Lampung”."))
    if len(name) > Panel._meta.get_field("name").max_length:
        raise PanelError(_("The name is too long: at most 200 characters."))
    taken = Panel.objects.filter(round=round_, name__iexact=name)
    if panel is not None:
        taken = taken.exclude(pk=panel.pk)
    if taken.exists():
        raise PanelError(_("The round already has a panel named “%(name)s”.") % {"name": name})
    return name


def _member_label(user):
    return f"{person_name(user)} ({user.get_username()})"


def panel_member_refusal(round_, user):
    """Why `user` may not sit on a panel of `round_`, or "": an active reviewer, of the round's province
    for a provincial round."""
    profile = getattr(user, "profile", None)
    if not user.is_active:
        return _("%(name)s's account is deactivated.") % {"name": person_name(user)}
    if profile is None or profile.role != Role.REVIEWER:
        return _("%(name)s is not a reviewer: only reviewers sit on a panel.") % {"name": person_name(user)}
    if round_.level == RoundLevel.PROVINCIAL and profile.province_id != round_.province_id:
        return _("%(name)s is a reviewer of another province: a provincial panel takes its own province's "
                 "reviewers.") % {"name": person_name(user)}
    return ""


def _lock(panel):
    return Panel.objects.select_for_update().select_related("round").get(pk=panel.pk)


def panel_create(*, round_, name, acting_user):
    """A new, empty panel of `round_`."""
    _require_round(acting_user, round_)
    with transaction.atomic():
        panel = Panel.objects.create(round=round_, name=_clean_name(round_, name))
        audit_record(actor=acting_user, action="panel_create", obj=panel,
                     changes={"round": [None, str(round_.pk)], "name": [None, panel.name]}, summary=panel.name)
    return panel


def panel_rename(*, panel, name, acting_user):
    _require_round(acting_user, panel.round)
    with transaction.atomic():
        panel = _lock(panel)
        _require_round(acting_user, panel.round)
        name = _clean_name(panel.round, name, panel=panel)
        if name == panel.name:
            return panel
        old, panel.name = panel.name, name
        panel.save(update_fields=["name"])
        audit_record(actor=acting_user, action="panel_change", obj=panel, changes={"name": [old, name]},
                     summary=name)
    return panel


def _members_audit(panel, old, new, acting_user, summary, member):
    audit_record(actor=acting_user, action="panel_members", obj=panel,
                 changes={"members": [sorted(old), sorted(new)]}, summary=summary,
                 summary_params={"panel": panel.name, "names": member})


def panel_member_add(*, panel, user, acting_user):
    """Put a reviewer on the panel (nothing changes if they are on it already)."""
    _require_round(acting_user, panel.round)
    with transaction.atomic():
        panel = _lock(panel)
        _require_round(acting_user, panel.round)
        refusal = panel_member_refusal(panel.round, user)
        if refusal:
            raise PanelError(refusal)
        members = list(panel.members.order_by("pk"))
        if user.pk in {m.pk for m in members}:
            return panel
        panel.members.add(user)
        old = [_member_label(m) for m in members]
        _members_audit(panel, old, [*old, _member_label(user)], acting_user,
                       gettext_lazy("%(panel)s: added: %(names)s"), _member_label(user))
    return panel


def panel_member_remove(*, panel, user, acting_user):
    """Take a reviewer off the panel. Assignments are never removed with a membership: a reviewer with
    assignments in the round who sits on no other panel of it is refused, so that their work (submitted
    or not) is never left with someone outside the round's panels; reassign it first."""
    _require_round(acting_user, panel.round)
    with transaction.atomic():
        panel = _lock(panel)
        _require_round(acting_user, panel.round)
        members = list(panel.members.order_by("pk"))
        if user.pk not in {m.pk for m in members}:
            return panel
        elsewhere = Panel.members.through.objects.filter(panel__round_id=panel.round_id, user_id=user.pk).exclude(
            panel_id=panel.pk).exists()
        work = Assignment.objects.filter(stage__round_id=panel.round_id, reviewer_id=user.pk).count()
        if work and not elsewhere:
            raise PanelError(_("%(name)s has %(count)s assignments in this round: remove or reassign them before "
                               "taking them off the panel.") % {"name": person_name(user), "count": work})
        panel.members.remove(user)
        old = [_member_label(m) for m in members]
        _members_audit(panel, old, [_member_label(m) for m in members if m.pk != user.pk], acting_user,
                       gettext_lazy("%(panel)s: removed: %(names)s"), _member_label(user))
    return panel
