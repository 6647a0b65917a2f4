"""Every response carries the Content-Security-Policy, and no template needs an inline script or style under it."""
import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "font-src": "'self'", "connect-src": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
    "base-uri": "'self'", "object-src": "'none'",
}


def directives(header):
    """The policy as {directive: sources}; the package writes its directives in no fixed order."""
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_sign_in_page_carries_the_policy(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_public_results_page_carries_the_policy(client, demo):
    response = client.get(reverse("public-results"))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_admin_pages_carry_the_policy_and_render_without_inline_styles(client, committee):
    client.force_login(committee)
    for url in (reverse("admin:index"), reverse("admin:awards_nominee_changelist"),
                reverse("admin:auth_group_changelist")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response["Content-Security-Policy"]) == POLICY
        html = response.content.decode()
        assert "<style" not in html, url
        assert " style=" not in html, url
        assert " onchange=" not in html, url


def test_refused_form_token_is_a_page_in_the_site_layout_under_the_policy(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "panitia", "password": "x"})
    assert response.status_code == 403
    assert directives(response["Content-Security-Policy"]) == POLICY
    html = response.content.decode()
    assert 'id="csrf-failure"' in html
    assert "<style" not in html


INLINE = [
    ("style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("<style> element", re.compile(r"<style[\s>]", re.I)),
    ("event handler attribute", re.compile(r"\son[a-z]+\s*=", re.I)),
    # A script without src; JSON data blocks are data, which the policy does not run.
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)),
]
COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.S)


def test_no_template_has_an_inline_script_style_or_event_handler():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
        found += [(str(path.relative_to(TEMPLATES)), what) for what, pattern in INLINE if pattern.search(text)]
    assert found == []


def test_no_admin_list_turns_off_both_action_bars():
    """Django's change list writes an inline <style> (which the policy refuses) only for a list with neither action
    bar; the one place in Django's admin that would need one."""
    from django.contrib import admin

    assert [type(model_admin).__name__ for model_admin in admin.site._registry.values()
            if not model_admin.actions_on_top and not model_admin.actions_on_bottom] == []
