"""Who may do what: role and scope predicates, used by views, commands and selectors alike."""
from django.core.exceptions import PermissionDenied

from .models import Role


def role_of(user):
    """The user's award role, or None (superusers count as the national committee)."""
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.COMMITTEE
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def province_of(user):
    profile = getattr(user, "profile", None)
    return profile.province_id if profile else None


def is_committee(user):
    return role_of(user) == Role.COMMITTEE


def is_committee_member(user):
    """National or provincial committee: may run (part of) the award."""
    return role_of(user) in (Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE)


def can_read_results(user):
    return role_of(user) in (Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE, Role.OBSERVER)


def can_manage_round(user, round_):
    """The national committee manages every round; a provincial committee only its province's provincial round."""
    role = role_of(user)
    if role == Role.COMMITTEE:
        return True
    return role == Role.PROVINCIAL_COMMITTEE and round_.level == "provincial" and round_.province_id == province_of(user)


def can_read_round(user, round_):
    return role_of(user) == Role.OBSERVER or can_manage_round(user, round_)


def require(allowed):
    """Raise PermissionDenied (403) unless `allowed` is true; for views and services."""
    if not allowed:
        raise PermissionDenied


def command_actor(username, *, allowed=is_committee, refusal=None):
    """The user a management command that changes award data acts for (`--by USERNAME`), checked against
    `allowed`; CommandError when no name is given, the name is unknown, or the user is not allowed.

    Commands run on the server by its operator; naming the committee member they act for puts that
    member's role to the test and their name in the audit trail: no change without an actor.
    `refusal` is the message for a user who is not allowed (%(username)s); by default the national
    committee's.
    """
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError
    from django.utils.translation import gettext as _

    if not username:
        raise CommandError(_("Name the committee member this command acts for with --by USERNAME: their role "
                             "is checked and the audit trail records them."))
    user = get_user_model().objects.select_related("profile").filter(username=username).first()
    if user is None:
        raise CommandError(_("There is no user %(username)r.") % {"username": username})
    if not user.is_active:
        raise CommandError(_("The account %(username)s is deactivated.") % {"username": username})
    if not allowed(user):
        message = refusal or _("%(username)s is not a member of the national committee and may not do this.")
        raise CommandError(message % {"username": username})
    return user
