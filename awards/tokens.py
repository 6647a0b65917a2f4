"""The single-use link of an invitation to set one's password.

Like a password-reset link it is bound to the account's password and last sign-in, so it stops working
once it has been used; it has a salt of its own (a reset link is no invitation, and the reverse) and
lasts PARITRANA_INVITATION_DAYS instead of the reset link's PASSWORD_RESET_TIMEOUT."""
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "paritrana.invitation"

    def check_token(self, user, token):
        if not (user and token and user.is_active):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks]):
            return False
        return self._num_seconds(self._now()) - timestamp <= settings.PARITRANA_INVITATION_DAYS * 24 * 3600


invitation_tokens = InvitationTokenGenerator()
