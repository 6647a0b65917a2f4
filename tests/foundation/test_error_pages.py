"""The 404 and 500 pages are the site's own, in its layout and language, with a way back (the demo under
`make run` shows them too; Django's technical pages only with DJANGO_DEBUG=1)."""
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error


def test_a_missing_page_is_the_sites_own_in_indonesian_then_english(client, db):
    response = client.get("/tidak-ada/")
    text = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in text and f'href="{reverse("home")}"' in text
    assert "Halaman tidak ditemukan" in text and "Kembali ke beranda" in text
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()


def test_a_server_error_is_the_sites_own_page_without_needing_the_request(db):
    with translation.override("en"):
        response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in text and "what was being changed was not saved" in text
    assert f'href="{reverse("home")}"' in text

