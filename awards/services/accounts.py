"""Accounts and their award roles: created, changed and deactivated (never deleted) by the national
committee, each change audited; a password change is recorded as changed, never with its hash."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Profile, Role
from .audit import audit_record, diff_fields
from .records import record_relations_set

ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
# The roles that work in one province, and those that work in none.
PROVINCIAL_ROLES = (Role.PROVINCIAL_COMMITTEE, Role.REVIEWER)


class AccountError(Exception):
    """An account change the award's rules refuse; the message says why."""


def require_account_access(acting_user):
    """Accounts, roles and scopes are the national committee's (superusers count as it)."""
    permissions.require(permissions.is_committee(acting_user))


def _require_superuser_for(acting_user, before, user):
    # Superuser status overrides every role and scope: only a superuser grants or withdraws it.
    was = bool(before and before.is_superuser)
    if was != bool(user.is_superuser) and not acting_user.is_superuser:
        raise PermissionDenied(_("Only a superuser grants or withdraws superuser status."))


def account_save(*, user, acting_user):
    """Create the account `user` or save its changed fields (ACCOUNT_FIELDS, password), audited.

    An account is never deleted (audit rows name it); it is deactivated with is_active."""
    require_account_access(acting_user)
    User = get_user_model()
    creating = user._state.adding
    with transaction.atomic():
        before = None if creating else User.objects.select_for_update().get(pk=user.pk)
        _require_superuser_for(acting_user, before, user)
        try:
            user.full_clean()
        except ValidationError as error:
            raise AccountError(" ".join(error.messages)) from error
        if creating:
            changes = {f: [None, str(getattr(user, f))] for f in ACCOUNT_FIELDS if getattr(user, f) not in (None, "")}
            changes["password"] = [None, "set" if user.has_usable_password() else "unusable"]
        else:
            changes = diff_fields(before, user, ACCOUNT_FIELDS)
            if before.password != user.password:
                changes["password"] = ["(not recorded)", "changed" if user.has_usable_password() else "unusable"]
        if not changes:
            return {}
        user.save()
        audit_record(actor=acting_user, action="account_create" if creating else "account_change", obj=user,
                     changes=changes, summary=user.get_username())
    return changes


def account_password_set(*, user, password, acting_user):
    """Set the account's password (None: password sign-in disabled); the audit row says only that it changed."""
    require_account_access(acting_user)
    return _password_set(user=user, password=password, actor=acting_user, action="account_password")


def _password_set(*, user, password, actor, action):
    """Lock the account, set its password (None: unusable) and audit only that it changed."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor if actor is not None else user, action=action, obj=user,
                     changes={"password": ["(not recorded)", "changed" if password is not None else "unusable"]},
                     summary=user.get_username())
    return user


def account_relations_set(*, user, field, values, acting_user):
    """Set the account's groups or its own permissions; the audit row names them before and after."""
    if field not in ("groups", "user_permissions"):
        raise ValueError(field)
    return record_relations_set(instance=user, field=field, values=values, acting_user=acting_user,
                                check=require_account_access)


def profile_problem(*, role, province):
    """Why `role` and `province` do not go together, or "" when they do."""
    if role in PROVINCIAL_ROLES and province is None:
        return _("A provincial committee member or a reviewer works in one province: choose it.")
    if role not in PROVINCIAL_ROLES and province is not None:
        return _("The national committee and observers work in every province: leave the province empty.")
    if province is not None and province.level != 1:
        return _("Choose a province, not a regency, district or village.")
    return ""


def profile_set(*, user, role, province, acting_user):
    """Give the account its award role and, for a provincial role, its province; audited old → new."""
    require_account_access(acting_user)
    problem = profile_problem(role=role, province=province)
    if problem:
        raise AccountError(problem)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        creating = profile is None
        before = {"role": None, "province": None} if creating else {
            "role": profile.role, "province": profile.province_id}
        if creating:
            profile = Profile(user=user)
        profile.role, profile.province = role, province
        changes = diff_fields(before, {"role": role, "province": province.pk if province else None},
                              ["role", "province"])
        if not changes:
            return profile
        profile.save()
        audit_record(actor=acting_user, action="profile_set", obj=profile, changes=changes,
                     summary=_("%(user)s: %(role)s") % {"user": user.get_username(), "role": profile.get_role_display()})
    return profile


def account_own_password_set(*, user, password, by_reset_link=False):
    """The account holder sets their own password: from the password page (knowing the old one) or through
    an emailed reset link; the audit row says only that it changed, and how."""
    return _password_set(user=user, password=password, actor=None,
                         action="account_password_reset" if by_reset_link else "account_password")
