"""Sign-in, the home page and the language switch."""
from django.urls import reverse


def test_home_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/"


def test_login_page_is_indonesian_first_and_english_on_request(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'lang="id"' in response.content
    assert b"Masuk" in response.content
    client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    response = client.get(reverse("login"))
    assert b'lang="en"' in response.content
    assert b"Sign in" in response.content


def test_demo_user_signs_in_and_sees_the_edition(client, demo):
    response = client.post(reverse("login"), {"username": "panitia", "password": "paritrana-demo"})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Paritrana Award 2025 (demo)" in response.content


def test_browser_language_does_not_override_indonesian(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert b'lang="id"' in response.content
    client.cookies["django_language"] = "en"
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="id-ID")
    assert b'lang="en"' in response.content
