"""Accounts and their award roles: created, changed and deactivated (never deleted) by the national
committee, each change audited; a password change is recorded as changed, never with its hash.

From the workspace a committee invites people (the account has no password until they set one through
the emailed link), edits and deactivates them: the national committee any committee, provincial
committee, reviewer or observer account, a provincial committee only its own province's reviewers."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import Profile, Role
from ..people import person_name
from .audit import audit_record, diff_fields
from .records import record_relations_set

ACCOUNT_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")
# The roles that work in one province, and those that work in none.
PROVINCIAL_ROLES = (Role.PROVINCIAL_COMMITTEE, Role.REVIEWER)
PROFILE_FIELDS = ("role", "province", "language")


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
    return _account_write(user=user, acting_user=acting_user)


def _account_write(*, user, acting_user, action=None):
    """account_save() without its access check: the caller has checked the scope."""
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
        audit_record(actor=acting_user, action=action or ("account_create" if creating else "account_change"),
                     obj=user, changes=changes, summary=user.get_username())
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


def profile_set(*, user, role, province, acting_user, language=None):
    """Give the account its award role and, for a provincial role, its province (and, when given, the
    language the award writes to them in); audited old → new."""
    require_account_access(acting_user)
    return _profile_write(user=user, role=role, province=province, language=language, acting_user=acting_user)


def _profile_write(*, user, role, province, language, acting_user):
    """profile_set() without its access check: the caller has checked the scope."""
    problem = profile_problem(role=role, province=province)
    if problem:
        raise AccountError(problem)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        creating = profile is None
        if creating:
            profile = Profile(user=user)
        before = {"role": None, "province": None, "language": None} if creating else {
            "role": profile.role, "province": profile.province_id, "language": profile.language}
        profile.role, profile.province = role, province
        if language is not None:
            profile.language = language
        fields = PROFILE_FIELDS if language is not None else ("role", "province")
        changes = diff_fields(before, {"role": role, "province": province.pk if province else None,
                                       "language": profile.language}, fields)
        if not changes:
            return profile
        profile.save()
        audit_record(actor=acting_user, action="profile_set", obj=profile, changes=changes,
                     summary=gettext_lazy("%(user)s: %(role)s"),
                     summary_params={"user": user.get_username(), "role": Role(profile.role).label})
    return profile


def account_own_password_set(*, user, password, by_reset_link=False, by_invitation=False):
    """The account holder sets their own password: from the password page (knowing the old one), through
    an emailed reset link, or through their invitation's link; the audit row says only that it changed,
    and how."""
    action = ("account_invitation_accept" if by_invitation else "account_password_reset" if by_reset_link
              else "account_password")
    return _password_set(user=user, password=password, actor=None, action=action)


# The workspace's account management: invite, edit, deactivate, reactivate, invite again.

def can_manage_accounts(user):
    """The national committee manages accounts; a provincial committee its own province's reviewers."""
    return permissions.is_committee_member(user)


def manageable_roles(acting_user):
    """The roles `acting_user` may give an account from the workspace."""
    if permissions.is_committee(acting_user):
        return [Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE, Role.REVIEWER, Role.OBSERVER]
    if permissions.role_of(acting_user) == Role.PROVINCIAL_COMMITTEE:
        return [Role.REVIEWER]
    return []


def account_in_scope(acting_user, user):
    """Whether `acting_user` may manage the existing account `user` from the workspace. Only a superuser
    manages a superuser's account."""
    if user.is_superuser and not acting_user.is_superuser:
        return False
    if permissions.is_committee(acting_user):
        return True
    profile = getattr(user, "profile", None)
    return (permissions.role_of(acting_user) == Role.PROVINCIAL_COMMITTEE and profile is not None
            and profile.role == Role.REVIEWER and profile.province_id == permissions.province_of(acting_user))


def _require_role_in_scope(acting_user, role, province):
    """A provincial committee invites and keeps reviewers of its own province only: anything else is refused."""
    permissions.require(can_manage_accounts(acting_user))
    if role not in manageable_roles(acting_user):
        raise PermissionDenied(_("You may not give an account the role “%(role)s”.")
                               % {"role": Role(role).label if role in Role.values else role})
    if not permissions.is_committee(acting_user) and (province is None
                                                       or province.pk != permissions.province_of(acting_user)):
        raise PermissionDenied(_("You manage the reviewers of your own province only."))


def _clean_email(email, *, except_user=None):
    email = (email or "").strip()
    if not email:
        raise AccountError(_("Enter the person's email address: the invitation is sent there."))
    try:
        validate_email(email)
    except ValidationError as error:
        raise AccountError(_("“%(email)s” is not an email address.") % {"email": email}) from error
    taken = get_user_model().objects.filter(email__iexact=email, is_active=True)
    if except_user is not None:
        taken = taken.exclude(pk=except_user.pk)
    if taken.exists():
        raise AccountError(_("An active account already uses the email address %(email)s.") % {"email": email})
    return email


def _clean_names(first_name, last_name):
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name and not last_name:
        raise AccountError(_("Enter the person's name: reviewers and committee members are shown by full name."))
    return first_name, last_name


def account_invite(*, first_name, last_name, email, role, province, language="id", username="", acting_user):
    """Create an account for a person and email them an invitation to set their password.

    The account has no usable password until they follow the link. Without `username` the email address
    (lower-cased) is the user name: people remember it, and it is unique among accounts in use."""
    _require_role_in_scope(acting_user, role, province)
    first_name, last_name = _clean_names(first_name, last_name)
    User = get_user_model()
    with transaction.atomic():
        email = _clean_email(email)
        username = (username or "").strip() or email.lower()
        if User.objects.filter(username__iexact=username).exists():
            raise AccountError(_("The user name %(username)s is taken: type another one.") % {"username": username})
        user = User(username=username, first_name=first_name, last_name=last_name, email=email, is_active=True)
        user.set_unusable_password()
        _account_write(user=user, acting_user=acting_user, action="account_invite")
        _profile_write(user=user, role=role, province=province, language=language, acting_user=acting_user)
        _invitation_send(user=user, acting_user=acting_user)
    return user


def _invitation_send(*, user, acting_user):
    from .messages import invitation_send  # the messages service imports the account models

    return invitation_send(user=user, acting_user=acting_user)


def _lock_in_scope(user, acting_user):
    """The account, locked, with its profile; PermissionDenied when it is not `acting_user`'s to manage."""
    permissions.require(can_manage_accounts(acting_user))
    user = (get_user_model().objects.select_for_update(of=("self",)).select_related("profile__province")
            .get(pk=user.pk))
    permissions.require(account_in_scope(acting_user, user))
    return user


def account_update(*, user, first_name, last_name, email, role, province, language, acting_user):
    """Change an account's names, email address, role, province and language; audited old → new (one row
    for the account, one for its role, province and language, each only when something changed)."""
    with transaction.atomic():
        user = _lock_in_scope(user, acting_user)
        _require_role_in_scope(acting_user, role, province)
        if user.pk == acting_user.pk and role != permissions.role_of(acting_user):
            raise AccountError(_("You cannot change your own role: ask another committee member."))
        user.first_name, user.last_name = _clean_names(first_name, last_name)
        user.email = _clean_email(email, except_user=user)
        _account_write(user=user, acting_user=acting_user)
        _profile_write(user=user, role=role, province=province, language=language, acting_user=acting_user)
    return user


def _active_set(*, user, active, acting_user):
    with transaction.atomic():
        user = _lock_in_scope(user, acting_user)
        if user.pk == acting_user.pk:
            raise AccountError(_("You cannot deactivate your own account: ask another committee member."))
        if user.is_active == active:
            return user
        if active and user.email:
            _clean_email(user.email, except_user=user)
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=acting_user, action="account_reactivate" if active else "account_deactivate", obj=user,
                     changes={"is_active": [str(not active), str(active)]},
                     summary=f"{person_name(user)} ({user.get_username()})")
    return user


def account_deactivate(*, user, acting_user):
    """The account can no longer sign in; it stays, with its work and its audit rows (never deleted). Its
    panel memberships and assignments stay as they are: the committee reassigns them if needed."""
    return _active_set(user=user, active=False, acting_user=acting_user)


def account_reactivate(*, user, acting_user):
    """The account may sign in again (refused if another active account has taken its email address)."""
    return _active_set(user=user, active=True, acting_user=acting_user)


def invitation_pending(user):
    """Whether the person has not set a password yet (an invitation is still open)."""
    return not user.has_usable_password()


def account_invitation_resend(*, user, acting_user):
    """Email the invitation again to an active account that has not set its password yet; audited."""
    with transaction.atomic():
        user = _lock_in_scope(user, acting_user)
        if not user.is_active:
            raise AccountError(_("The account is deactivated: reactivate it before inviting the person again."))
        if not invitation_pending(user):
            raise AccountError(_("%(name)s has already set a password: no invitation is needed.")
                               % {"name": person_name(user)})
        if not user.email:
            raise AccountError(_("The account has no email address: add one first."))
        audit_record(actor=acting_user, action="account_invitation_resend", obj=user,
                     changes={"email": [None, user.email]}, summary=f"{person_name(user)} ({user.get_username()})")
        _invitation_send(user=user, acting_user=acting_user)
    return user
