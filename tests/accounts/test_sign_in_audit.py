"""Every sign-in, failed sign-in, refusal while locked and lockout is a row of the audit trail, with the name
typed and the client address; never a password."""
import pytest
from django.urls import reverse

from awards.models import AuditEvent, Role

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


def rows():
    return list(AuditEvent.objects.order_by("id").values_list("action", "actor__username", "object_type",
                                                              "object_id", "summary"))


def test_sign_in_is_audited(client, make_user):
    user = make_user("ketua", Role.COMMITTEE)
    sign_in(client, "ketua", "pw-ketua")
    assert rows() == [("sign_in", "ketua", "auth.user", str(user.pk), f"ketua · {ADDRESS}")]


def test_failures_lockout_and_refusals_are_audited(client, make_user):
    user = make_user("ketua", Role.COMMITTEE)
    for _ in range(5):
        sign_in(client, "ketua", "salah-sekali")
    sign_in(client, "ketua", "pw-ketua")
    row = (None, "auth.user", str(user.pk), f"ketua · {ADDRESS}")
    # The lockout is announced while the fifth failure is counted, so its row comes just before that failure's.
    assert rows() == [("sign_in_failed", *row)] * 4 + [
        ("sign_in_lockout", *row), ("sign_in_failed", *row), ("sign_in_refused", *row)]
    assert not AuditEvent.objects.filter(summary__contains="salah").exists()
    assert not AuditEvent.objects.filter(changes__icontains="salah").exists()


def test_failure_for_a_name_no_account_has_is_audited(client, db):
    sign_in(client, "tidak-ada", "wrong")
    assert rows() == [("sign_in_failed", None, "auth.user", "", f"tidak-ada · {ADDRESS}")]


def test_force_login_of_the_tests_is_no_sign_in(client, make_user):
    client.force_login(make_user("ketua", Role.COMMITTEE))
    assert rows() == []
