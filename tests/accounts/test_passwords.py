"""Accounts look after themselves: one's own password changed (audited, saying only that it changed), a
forgotten one reset by an emailed link that works once and expires."""
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from awards.models import AuditEvent, Role
from tests.jobs import run_worker

pytestmark = pytest.mark.django_db

NEW = "Sandi-Baru-2025!x"


@pytest.fixture
def reviewer(make_user, lampung):
    return make_user("penilai", Role.REVIEWER, lampung, email="penilai@example.go.id")


def test_top_bar_links_to_the_password_page(client, reviewer):
    client.force_login(reviewer)
    assert f'href="{reverse("password_change")}"' in client.get(reverse("home"), follow=True).content.decode()


def test_sign_in_page_links_to_the_reset(client):
    assert f'href="{reverse("password_reset")}"' in client.get(reverse("login")).content.decode()


def test_password_page_needs_a_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_own_password_changed_and_audited(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("password_change"), {
        "old_password": "pw-penilai", "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    reviewer.refresh_from_db()
    assert reviewer.check_password(NEW)
    assert client.get(reverse("password_change")).status_code == 200  # still signed in here
    assert list(AuditEvent.objects.values_list("action", "actor__username", "object_id", "changes")) == [
        ("account_password", "penilai", str(reviewer.pk), {"password": ["(not recorded)", "changed"]})]


def test_wrong_old_password_changes_nothing(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    reviewer.refresh_from_db()
    assert reviewer.check_password("pw-penilai")
    assert AuditEvent.objects.count() == 0


def ask_for_reset(client, email="penilai@example.go.id"):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    run_worker()  # the link is sent by a job worker, not by the page


def link_of(message):
    return re.search(r"https?://[^/\s]+(/akun/atur-ulang/\S+/)", message.body).group(1)


def use_link(client, link):
    """Open the emailed link (Django moves the token into the session and redirects) and set NEW."""
    response = client.get(link, follow=True)
    if not response.context["validlink"]:
        return response
    return client.post(response.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})


def test_reset_link_works_once(client, reviewer):
    ask_for_reset(client)
    assert [m.to for m in mail.outbox] == [["penilai@example.go.id"]]
    link = link_of(mail.outbox[0])

    response = use_link(client, link)

    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    reviewer.refresh_from_db()
    assert reviewer.check_password(NEW)
    assert list(AuditEvent.objects.values_list("action", "actor__username", "changes")) == [
        ("account_password_reset", "penilai", {"password": ["(not recorded)", "changed"]})]

    again = use_link(client, link)
    assert again.status_code == 200
    assert again.context["validlink"] is False
    assert AuditEvent.objects.count() == 1


def test_reset_link_fails_after_it_expires(client, reviewer, settings, monkeypatch):
    ask_for_reset(client)
    link = link_of(mail.outbox[0])
    later = default_token_generator._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)

    response = use_link(client, link)

    assert response.context["validlink"] is False
    reviewer.refresh_from_db()
    assert reviewer.check_password("pw-penilai")


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, reviewer):
    ask_for_reset(client, "siapa@example.go.id")
    assert mail.outbox == []


def test_reset_email_in_indonesian_by_default_english_when_chosen(client, reviewer):
    ask_for_reset(client)
    client.cookies["django_language"] = "en"
    ask_for_reset(client)
    indonesian, english = mail.outbox
    assert indonesian.subject == "Atur ulang kata sandi Paritrana"
    assert "choose a new password through this link" in english.body


def test_password_reset_timeout_is_three_days(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 3600
    assert get_user_model().objects.count() == 0
