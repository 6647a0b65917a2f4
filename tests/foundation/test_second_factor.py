"""The second factor: signing in with a code after the password, enrolling an authenticator app, recovery
codes, and who must use it before any committee page, admin page or result action."""
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from awards.models import AuditEvent
from awards.services.demo import demo_totp_key
from awards.services.second_factor import (
    RECOVERY_CODE_COUNT,
    SecondFactorError,
    second_factor_enrol,
    second_factor_new_key,
    second_factor_remove,
    totp_code,
)


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.PARITRANA_REQUIRE_SECOND_FACTOR = True


def enrolled(user):
    """`user` with an authenticator app; returns its key and recovery codes."""
    key = second_factor_new_key()
    _device, codes = second_factor_enrol(user=user, key=key, code=totp_code(key), acting_user=user)
    return key, codes


def next_code(key):
    """The app's code one step ahead: enrolment used this step's code, and a code works once."""
    import time

    return totp_code(key, at=time.time() + 30)


def sign_in_with_password(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def actions(user):
    return list(AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="second_factor")
                .order_by("id").values_list("action", flat=True))


@pytest.mark.parametrize("url_name", ["committee", "admin:index", "committee-audit"])
def test_committee_member_without_an_app_is_sent_to_enrol(client, roles, url_name):
    client.force_login(roles["committee"])
    url = reverse(url_name)
    response = client.get(url)
    assert (response.status_code, response.url) == (302, reverse("second-factor-enrol") + "?" + urlencode({"next": url}))


def test_provincial_committee_member_without_an_app_is_sent_to_enrol(client, roles):
    client.force_login(roles["provincial_committee"])
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("second-factor-enrol"))


def test_enrolled_committee_member_not_verified_is_sent_to_the_code_page(client, roles):
    enrolled(roles["committee"])
    client.force_login(roles["committee"])
    for url in (reverse("committee"), reverse("admin:index")):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, reverse("login-code") + "?" + urlencode({"next": url}))
    # Replacing the app needs the code first, too.
    assert client.get(reverse("second-factor-enrol")).url.startswith(reverse("login-code"))


def test_a_result_action_is_refused_before_verification(client, roles):
    client.force_login(roles["committee"])
    response = client.post(reverse("committee-snapshot-publish", args=[1]))
    assert response.status_code == 302 and response.url.startswith(reverse("second-factor-enrol"))


def test_reviewer_and_observer_are_not_required(client, roles):
    client.force_login(roles["reviewer"])
    assert client.get(reverse("reviewer-assignments")).status_code == 200
    client.force_login(roles["observer"])
    assert client.get(reverse("committee")).status_code == 200


def test_sign_in_pages_language_and_public_results_stay_open(client, roles):
    client.force_login(roles["committee"])
    assert client.get(reverse("public-results")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/hasil/"})
    assert (response.status_code, response.url) == (302, "/hasil/")
    assert client.get(reverse("second-factor-enrol")).status_code == 200


def test_sign_in_asks_for_the_code_after_the_password(client, committee):
    response = sign_in_with_password(client, "panitia", "paritrana-demo")
    assert (response.status_code, response.url) == (302, reverse("login-code"))
    # Not signed in yet: every page still sends to the sign-in.
    assert client.get(reverse("committee")).url.startswith(reverse("login"))
    response = client.post(reverse("login-code"), {"code": totp_code(demo_totp_key())})
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert client.get(reverse("committee")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_code_step_keeps_the_next_address(client, committee):
    response = client.post(reverse("login") + "?next=/panitia/audit/",
                           {"username": "panitia", "password": "paritrana-demo", "next": "/panitia/audit/"})
    assert response.url == reverse("login-code")
    response = client.post(reverse("login-code"), {"code": totp_code(demo_totp_key())})
    assert response.url == "/panitia/audit/"


def test_an_account_without_an_app_signs_in_with_its_password(client, roles):
    response = sign_in_with_password(client, "r", "pw-r")
    assert (response.status_code, response.url) == (302, reverse("home"))


def test_a_reviewer_who_enrolled_must_enter_the_code(client, roles):
    key, _codes = enrolled(roles["reviewer"])
    assert sign_in_with_password(client, "r", "pw-r").url == reverse("login-code")
    response = client.post(reverse("login-code"), {"code": next_code(key)})
    assert response.status_code == 302
    assert client.get(reverse("reviewer-assignments")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_audited(client, committee):
    sign_in_with_password(client, "panitia", "paritrana-demo")
    response = client.post(reverse("login-code"), {"code": "000000" if totp_code(demo_totp_key()) != "000000"
                                                   else "111111"})
    assert response.status_code == 200
    assert "Kode itu salah atau sudah dipakai" in response.text or "That code is wrong" in response.text
    assert actions(committee)[-1] == "second_factor_failed"
    assert "_auth_user_id" not in client.session
    # Right after a wrong code, the next try waits (django-otp's throttle) and says for how long.
    response = client.post(reverse("login-code"), {"code": totp_code(demo_totp_key())})
    assert response.status_code == 200 and response.context["form"].errors["code"][0].startswith(
        ("Too many wrong codes", "Terlalu banyak"))


def test_a_recovery_code_works_once(client, roles):
    user = roles["committee"]
    _key, codes = enrolled(user)
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    sign_in_with_password(client, "c", "pw-c")
    response = client.post(reverse("login-code"), {"code": codes[0].upper()})
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert client.get(reverse("committee")).status_code == 200
    client.post(reverse("logout"))
    sign_in_with_password(client, "c", "pw-c")
    response = client.post(reverse("login-code"), {"code": codes[0]})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert actions(user) == ["second_factor_enrol", "second_factor_recovery_used", "second_factor_failed"]
    assert AuditEvent.objects.filter(action="second_factor_recovery_used").get().changes == {
        "recovery_codes": [None, str(RECOVERY_CODE_COUNT - 1)]}


def test_a_code_from_the_app_works_once(client, roles):
    key, _codes = enrolled(roles["committee"])
    sign_in_with_password(client, "c", "pw-c")
    assert client.post(reverse("login-code"), {"code": next_code(key)}).status_code == 302
    client.post(reverse("logout"))
    sign_in_with_password(client, "c", "pw-c")
    assert client.post(reverse("login-code"), {"code": next_code(key)}).status_code == 200


def test_enrolling_shows_the_qr_code_and_secret_then_the_recovery_codes_once(client, roles):
    user = roles["provincial_committee"]
    client.force_login(user)
    response = client.get(reverse("second-factor-enrol") + "?next=/panitia/")
    page = response.text
    assert page.count("<svg") == 1 and "<path" in page
    key = client.session["second_factor_key"]
    assert totp_code(key)  # the secret on the page is the session's key, in base32 groups
    from base64 import b32encode
    from binascii import unhexlify
    assert b32encode(unhexlify(key)).decode()[:4] in response.context["secret"]
    response = client.post(reverse("second-factor-enrol"), {"code": totp_code(key), "next": "/panitia/"})
    assert (response.status_code, response.url) == (302, reverse("second-factor-recovery-codes"))
    response = client.get(reverse("second-factor-recovery-codes"))
    assert len(response.context["codes"]) == RECOVERY_CODE_COUNT and response.context["next"] == "/panitia/"
    assert client.get(reverse("second-factor-recovery-codes")).url == reverse("second-factor")  # shown once
    # The session that enrolled is verified.
    assert client.get(reverse("committee")).status_code == 200
    assert actions(user) == ["second_factor_enrol"]


def test_a_wrong_code_at_enrolment_is_refused_and_audited(client, roles):
    user = roles["committee"]
    client.force_login(user)
    client.get(reverse("second-factor-enrol"))
    key = client.session["second_factor_key"]
    wrong = "123456" if totp_code(key) != "123456" else "654321"
    response = client.post(reverse("second-factor-enrol"), {"code": wrong})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert actions(user) == ["second_factor_failed"]
    assert client.get(reverse("committee")).url.startswith(reverse("second-factor-enrol"))


def test_committee_members_cannot_remove_their_app_reviewers_can(client, roles):
    enrolled(roles["committee"])
    with pytest.raises(SecondFactorError):
        second_factor_remove(user=roles["committee"], acting_user=roles["committee"])
    enrolled(roles["reviewer"])
    assert second_factor_remove(user=roles["reviewer"], acting_user=roles["reviewer"]) is True
    assert actions(roles["reviewer"]) == ["second_factor_enrol", "second_factor_remove"]


def test_enrolling_again_replaces_the_app_and_its_recovery_codes(roles):
    user = roles["committee"]
    _key, old_codes = enrolled(user)
    key, new_codes = enrolled(user)
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [key]
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(new_codes)
    assert AuditEvent.objects.filter(action="second_factor_enrol").order_by("id").last().changes["second_factor"] == [
        "authenticator app", "authenticator app"]


def test_status_page_shows_the_state(client, roles):
    client.force_login(roles["reviewer"])
    response = client.get(reverse("second-factor"))
    assert response.context["enrolled"] is False and response.context["required"] is False


def test_demo_committee_accounts_have_the_published_app_and_a_second_seed_changes_nothing(demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from awards.services.demo import demo_seed

    assert sorted(TOTPDevice.objects.filter(key=demo_totp_key()).values_list("user__username", flat=True)) == [
        "panitia", "panitia_lampung"]
    events = AuditEvent.objects.count()
    demo_seed()
    assert AuditEvent.objects.count() == events


def test_demo_code_prints_the_current_code(demo, capsys):
    call_command("demo_code", "panitia_lampung")
    assert capsys.readouterr().out.strip() == totp_code(demo_totp_key())


def test_demo_code_refuses_outside_development(demo, settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("demo_code", "panitia")


def test_the_suite_default_turns_the_second_factor_off(client, roles, settings):
    settings.PARITRANA_REQUIRE_SECOND_FACTOR = False
    client.force_login(roles["committee"])
    assert client.get(reverse("committee")).status_code == 200
    assert get_user_model().objects.get(username="c").is_staff
