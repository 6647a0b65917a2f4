"""A committee member enrols an authenticator app in the browser and signs in with its code."""
import re
import time
from base64 import b32decode

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP, totp
from playwright.sync_api import expect

from awards.models import AuditEvent, Profile, Role


def _code(key, moment):
    generator = TOTP(key)
    generator.time = moment
    return f"{generator.token():06d}"


def test_committee_member_enrols_and_signs_in_with_the_code(page, transactional_db, django_db_serialized_rollback):
    user = get_user_model().objects.create_user(username="ketua", password="sandi-ketua-2025", first_name="Ketua",
                                                    is_staff=True)
    Profile.objects.create(user=user, role=Role.COMMITTEE)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto("/masuk/")
    page.fill("#id_username", "ketua")
    page.fill("#id_password", "sandi-ketua-2025")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    # No app yet: the committee member is sent to enrol one before anything else.
    assert "/akun/faktor-kedua/daftar/" in page.url
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    key = b32decode(secret)
    page.fill("#id_code", f"{totp(key):06d}")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "/akun/faktor-kedua/kode-cadangan/" in page.url
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.click("a.button.primary")
    assert page.url.endswith("/")
    page.goto("/panitia/")
    assert "/panitia/" in page.url and page.locator("h1").count() >= 1

    # Signing in again: password, then the code; a wrong code is refused with a message.
    page.context.clear_cookies()
    page.goto("/masuk/")
    page.fill("#id_username", "ketua")
    page.fill("#id_password", "sandi-ketua-2025")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url.endswith("/masuk/kode/")
    right = _code(key, time.time() + 30)  # this step's code was used to enrol; the app's next one
    page.fill("#id_code", "000000" if right != "000000" else "111111")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    expect(page.locator("[role=alert]")).to_contain_text(re.compile("wrong|salah"))
    time.sleep(1.1)  # the wait django-otp asks for after one wrong code
    page.fill("#id_code", _code(key, time.time() + 30))
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert "/masuk/" not in page.url
    page.goto("/admin/")
    assert "/admin/" in page.url and "/masuk/" not in page.url
    assert list(AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="second_factor")
                .order_by("id").values_list("action", flat=True)) == ["second_factor_enrol", "second_factor_failed"]
    assert violations == []
