"""Sign-in limits: five failures lock one name from one address for a quarter of an hour; other names and
other addresses go on; thirty failures lock an address; the lock page says when to try again."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from awards.models import Role

pytestmark = pytest.mark.django_db

ATTACKER, OFFICE = "203.0.113.7", "198.51.100.20"


def sign_in(client, username, password, address=ATTACKER):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=ATTACKER):
    for _ in range(times):
        response = sign_in(client, username, "wrong", address)
    return response


@pytest.fixture
def accounts(make_user):
    return make_user("ketua", Role.COMMITTEE), make_user("anggota", Role.COMMITTEE)


def test_four_failures_leave_the_account_open(client, accounts):
    assert fail(client, "ketua", 4).status_code == 200
    assert sign_in(client, "ketua", "pw-ketua").status_code == 302


def test_right_password_refused_while_locked_saying_when(client, accounts):
    response = fail(client, "ketua", 5)
    assert response.status_code == 429

    response = sign_in(client, "ketua", "pw-ketua")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    until = timezone.localtime(response.context["until"])
    assert timedelta(minutes=14) < until - timezone.now() <= timedelta(minutes=15)
    assert response.context["minutes"] == 15
    assert until.strftime("%H.%M") in response.content.decode()  # Indonesian: "14.30" (paritrana/formats/id)
    assert {"accounts/locked_out.html", "base.html"} <= {t.name for t in response.templates}


def test_page_of_the_lock_speaks_indonesian_by_default_and_english_when_chosen(client, accounts):
    fail(client, "ketua", 5)
    assert sign_in(client, "ketua", "pw-ketua").content.decode().count('<html lang="id">') == 1
    client.cookies["django_language"] = "en"
    assert "Try again after" in sign_in(client, "ketua", "pw-ketua").content.decode()


def test_tries_while_locked_do_not_extend_the_lock(client, accounts):
    fail(client, "ketua", 5)
    first = sign_in(client, "ketua", "wrong").context["until"]
    assert sign_in(client, "ketua", "wrong").context["until"] == first
    assert AccessAttempt.objects.get(username="ketua").failures_since_start == 5


def test_another_account_from_the_same_address_is_unaffected(client, accounts):
    fail(client, "ketua", 5)
    assert sign_in(client, "anggota", "pw-anggota").status_code == 302


def test_the_same_account_from_another_address_is_unaffected(client, accounts):
    fail(client, "ketua", 5, address=ATTACKER)
    assert sign_in(client, "ketua", "pw-ketua", address=OFFICE).status_code == 302


def test_after_the_cool_off_the_account_signs_in(client, accounts):
    fail(client, "ketua", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert sign_in(client, "ketua", "pw-ketua").status_code == 302


def test_guessing_at_every_name_locks_the_address_not_the_committee(client, accounts):
    for number in range(30):
        sign_in(client, f"nama{number}", "wrong")
    assert sign_in(client, "ketua", "pw-ketua").status_code == 429  # that address is stopped
    assert sign_in(client, "ketua", "pw-ketua", address=OFFICE).status_code == 302  # the committee is not


def test_the_client_address_is_the_one_the_proxy_appended(settings, client, accounts):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):  # the attacker forges a different first entry each time
        client.post(reverse("login"), {"username": "ketua", "password": "wrong"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = client.post(reverse("login"), {"username": "ketua", "password": "pw-ketua"}, REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR=ATTACKER)
    assert response.status_code == 429


def test_authenticate_with_a_request_is_limited_too(accounts):
    request = RequestFactory().post("/masuk/", REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        assert authenticate(request, username="ketua", password="wrong") is None
    request = RequestFactory().post("/masuk/", REMOTE_ADDR=ATTACKER)
    assert authenticate(request, username="ketua", password="pw-ketua") is None
    request = RequestFactory().post("/masuk/", REMOTE_ADDR=OFFICE)
    assert authenticate(request, username="ketua", password="pw-ketua") == accounts[0]


def test_force_login_still_works(client, accounts):
    client.force_login(accounts[0])
    assert client.get(reverse("password_change")).status_code == 200
