"""Sign-ins in the audit trail: each sign-in, failed sign-in, refusal while locked and lockout is a row,
with the name typed and the client address (never a password)."""
from django.contrib.auth import get_user_model

from .audit import audit_record


def _account(username):
    """The account the name belongs to, or a stand-in (no primary key) for a name no account has."""
    User = get_user_model()
    account = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    return account or User(**{User.USERNAME_FIELD: (username or "")[:150]})


def _summary(username, address):
    return f"{username or '?'} · {address or '?'}"


def sign_in_record(*, user, address):
    audit_record(actor=user, action="sign_in", obj=user, summary=_summary(user.get_username(), address))


def sign_in_failure_record(*, username, address, while_locked):
    """A wrong name or password, or (while_locked) any try refused before its password was checked."""
    audit_record(actor=None, action="sign_in_refused" if while_locked else "sign_in_failed",
                 obj=_account(username), summary=_summary(username, address))


def sign_in_lockout_record(*, username, address):
    audit_record(actor=None, action="sign_in_lockout", obj=_account(username), summary=_summary(username, address))
