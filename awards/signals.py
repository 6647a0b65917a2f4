"""Signal receivers: thin, each calls one service. Connected in AwardsConfig.ready()."""
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .services import signins
from .signins import client_address


def _address(request):
    return getattr(request, "axes_ip_address", None) or client_address(request)


def _refused_while_locked(request):
    # Axes marks a try refused by a lockout before any counting (failures None); a try that was counted and
    # reached the limit carries its count.
    return bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start", None) is None


@receiver(user_logged_in, dispatch_uid="awards_sign_in_audit")
def audit_sign_in(sender, request, user, **kwargs):
    # A sign-in through a page; the test client's force_login() makes no HTTP request (no method).
    if request is None or request.method is None:
        return
    signins.sign_in_record(user=user, address=_address(request))


@receiver(user_login_failed, dispatch_uid="awards_sign_in_failure_audit")
def audit_sign_in_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    username = credentials.get(get_user_model().USERNAME_FIELD)
    signins.sign_in_failure_record(username=username, address=_address(request),
                                   while_locked=_refused_while_locked(request))


@receiver(user_locked_out, dispatch_uid="awards_sign_in_lockout_audit")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    if _refused_while_locked(request):
        return  # already locked: the refusal is its own row
    signins.sign_in_lockout_record(username=username, address=ip_address)
