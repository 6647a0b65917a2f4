"""The second factor: an authenticator app (TOTP) and ten single-use recovery codes per account.

django-otp keeps the devices and does the cryptography, replay protection and throttling; this module
decides who must have one and owns every write: enrolment, removal and each code checked, all audited.
"""
import math
import time
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ..permissions import is_committee_member
from .audit import audit_record

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


class SecondFactorError(Exception):
    """A second-factor change refused; the message says why."""


@dataclass
class CodeCheck:
    """What checking one code found: the device that accepted it, or how long to wait before trying again."""

    device: object = None
    wait_seconds: int = 0


def second_factor_required(user):
    """Who can change results must use a second factor: national and provincial committee members, and staff
    and superusers (they reach the admin). Reviewers and observers may."""
    if not user or not user.is_authenticated:
        return False
    return user.is_staff or is_committee_member(user)


def second_factor_enrolled(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_recovery_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_new_key():
    """A new random secret (20 bytes, hex as django-otp stores it); kept in the session until confirmed."""
    return random_hex(20)


def second_factor_secret_text(key):
    """The secret as an authenticator app takes it typed in: base32, in groups of four."""
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def second_factor_config_url(*, user, key):
    """The otpauth:// address the QR code carries."""
    return TOTPDevice(user=user, key=key).config_url


def totp_code(key, at=None):
    """The 6-digit code of `key` at time `at` (now); for the demo's command and the tests."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def _replace_devices(user, *, key, recovery_codes, last_t=-1):
    """Delete the account's devices and create the authenticator and its recovery codes; returns the
    authenticator. Callers are in a transaction and audit."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=last_t)
    if recovery_codes:
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in recovery_codes)
    return device


def second_factor_enrol(*, user, key, code, acting_user):
    """Enrol (or replace) the account's authenticator app once `code` proves the app holds `key`.

    Returns (device, recovery codes); the codes are shown once and stored only as django-otp keeps them.
    A wrong code is audited and refused with SecondFactorError."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    entered = "".join(str(code).split())
    if not (entered.isdigit() and len(entered) == 6 and totp.verify(int(entered), tolerance=1)):
        with transaction.atomic():
            audit_record(actor=acting_user, action="second_factor_failed", obj=user, summary=user.get_username(),
                         changes={"step": [None, "enrolment"]})
        raise SecondFactorError(_("That code is not the one your authenticator app shows now. Check that the "
                                  "phone's clock is right and enter the newest code."))
    recovery_codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        before = second_factor_enrolled(user)
        device = _replace_devices(user, key=key, recovery_codes=recovery_codes, last_t=totp.t())
        audit_record(actor=acting_user, action="second_factor_enrol", obj=user, summary=user.get_username(),
                     changes={"second_factor": ["authenticator app" if before else None, "authenticator app"],
                              "recovery_codes": [None, str(RECOVERY_CODE_COUNT)]})
    return device, recovery_codes


def second_factor_remove(*, user, acting_user):
    """Remove the account's authenticator and recovery codes; refused for those who must use one."""
    if second_factor_required(user):
        raise SecondFactorError(_("Committee members must sign in with an authenticator app: enrol a new one "
                                  "instead of removing it."))
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
        if removed:
            audit_record(actor=acting_user, action="second_factor_remove", obj=user, summary=user.get_username(),
                         changes={"second_factor": ["authenticator app", None]})
    return bool(removed)


def second_factor_demo_ensure(*, user, key, acting_user):
    """The demo's published authenticator for `user` (no recovery codes); nothing changes, nothing is
    audited when the account already has exactly it."""
    devices = list(TOTPDevice.objects.filter(user=user))
    if len(devices) == 1 and devices[0].key == key and devices[0].confirmed \
            and not StaticDevice.objects.filter(user=user).exists():
        return devices[0]
    with transaction.atomic():
        device = _replace_devices(user, key=key, recovery_codes=[])
        audit_record(actor=acting_user, action="second_factor_enrol", obj=user, summary=user.get_username(),
                     changes={"second_factor": ["authenticator app" if devices else None,
                                                "authenticator app (published demo secret)"]})
    return device


def second_factor_check(*, user, code):
    """Check a 6-digit code from the authenticator app, or a recovery code (used up by this check).

    Returns a CodeCheck: its device when accepted; otherwise every wrong code is audited, and while
    django-otp throttles the account after wrong codes, `wait_seconds` says how long until the next try."""
    entered = "".join(str(code).split()).lower()
    model = TOTPDevice if entered.isdigit() and len(entered) == 6 else StaticDevice
    with transaction.atomic():
        devices = list(model.objects.filter(user=user, confirmed=True).select_for_update())
        for device in devices:
            allowed, data = device.verify_is_allowed()
            if not allowed:
                locked_until = (data or {}).get("locked_until")
                wait = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
                return CodeCheck(wait_seconds=max(wait, 1))
            if device.verify_token(entered):
                if model is StaticDevice:
                    audit_record(actor=user, action="second_factor_recovery_used", obj=user,
                                 summary=user.get_username(),
                                 changes={"recovery_codes": [None, str(device.token_set.count())]})
                return CodeCheck(device=device)
        audit_record(actor=user, action="second_factor_failed", obj=user, summary=user.get_username(),
                     changes={"step": [None, "sign-in"]})
    return CodeCheck()
