"""Reads for the workspace's account and panel pages, scoped to the user."""
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Prefetch, Value, When
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import Panel, Role, RoundLevel


def accounts_visible_to(user):
    """The accounts `user` manages from the workspace: every account for the national committee (a
    superuser's only to a superuser), its own province's reviewers for a provincial committee."""
    accounts = (get_user_model().objects.select_related("profile__province")
                .annotate(password_set=Case(When(password__startswith="!", then=Value(False)), default=Value(True),
                                            output_field=BooleanField()))
                .order_by("first_name", "last_name", "username"))
    if permissions.is_committee(user):
        return accounts if user.is_superuser else accounts.filter(is_superuser=False)
    if permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE:
        return accounts.filter(is_superuser=False, profile__role=Role.REVIEWER,
                               profile__province_id=permissions.province_of(user))
    return accounts.none()


def access_account(user, account_id):
    """An account `user` manages, or 404 (an account outside the scope is not named)."""
    return get_object_or_404(accounts_visible_to(user), pk=account_id)


def round_reviewers(round_):
    """The active reviewers who may sit on the round's panels, by name: the province's for a provincial round."""
    reviewers = (get_user_model().objects.filter(is_active=True, profile__role=Role.REVIEWER)
                 .select_related("profile__province").order_by("first_name", "last_name", "username"))
    if round_.level == RoundLevel.PROVINCIAL:
        reviewers = reviewers.filter(profile__province_id=round_.province_id)
    return reviewers


def round_panels_with_members(round_):
    """The round's panels, each with its members by name (two queries)."""
    members = get_user_model().objects.select_related("profile").order_by("first_name", "last_name", "username")
    return list(Panel.objects.filter(round=round_).order_by("name")
                .prefetch_related(Prefetch("members", queryset=members)))


def round_panel(round_, panel_id):
    """A panel of `round_` (whose access the caller checked), or 404."""
    return get_object_or_404(Panel.objects.select_related("round"), pk=panel_id, round=round_)


def reviewer_choice(round_, user_id):
    """A reviewer the panel page offers (active, in the round's province), or None."""
    return round_reviewers(round_).filter(pk=user_id).first() if str(user_id).isdigit() else None


def panel_member(panel, user_id):
    """A member of `panel`, or 404."""
    return get_object_or_404(panel.members.select_related("profile"), pk=user_id if str(user_id).isdigit() else 0)
