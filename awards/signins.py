"""The sign-in limits' policy on top of django-axes: two limits (per username+address, per address),
the client address behind the TLS proxy, and when a lockout ends."""
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Max, Sum


def client_address(request):
    """The address that connected to the first trusted proxy: the TRUSTED_PROXY_COUNT-th entry from the right
    of X-Forwarded-For (entries left of it are the client's own claims); REMOTE_ADDR with no proxy."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def _limits():
    # The same order as AXES_LOCKOUT_PARAMETERS: username+address, then address.
    return (settings.AXES_FAILURE_LIMIT, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)


class SignInAttemptHandler(AxesDatabaseHandler):
    """Axes compares one failure count with one limit (AXES_FAILURE_LIMIT). Here each lockout parameter
    has its own limit, so the count reported reaches AXES_FAILURE_LIMIT as soon as either group reaches
    its own: five failures for one name from one address, or thirty from one address for any names."""

    def get_failures(self, request, credentials=None):
        pair, address = (attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
                         for attempts in self.get_user_attempts(request, credentials))
        pair_limit, address_limit = _limits()
        if address >= address_limit:
            return max(pair, pair_limit)
        return pair

    def locked_until(self, request, credentials=None):
        """When the lockout of this request ends: the last counted failure of each exhausted group plus the
        cool-off (attempts while locked are not counted, so this time holds); None when not locked."""
        cool_off = get_cool_off(request)
        ends = []
        for attempts, limit in zip(self.get_user_attempts(request, credentials), _limits(), strict=True):
            totals = attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            if (totals["n"] or 0) >= limit:
                ends.append(totals["last"] + cool_off)
        return max(ends, default=None)
