"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""
import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
    # browser steps are still plain synchronous calls. Set only once a browser test runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation of every document the browser opens to the test.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile || location.href}:${event.lineNumber}`));"""


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy refused while a browser test ran; the page fixture fails on any."""
    return []


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.expose_function("reportCspViolation", lambda report: csp_violations.append(report))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", lambda message: "Content Security Policy" in message.text and csp_violations.append(message.text))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert csp_violations == [], "the Content-Security-Policy refused part of a page"


@pytest.fixture
def e2e_demo(transactional_db, django_db_serialized_rollback):
    from awards.services.demo import demo_seed

    return demo_seed()


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    """The browser signs in as people do: committee members with their authenticator app's code."""
    settings.PARITRANA_REQUIRE_SECOND_FACTOR = True


def current_code(user):
    """The code the account's authenticator app shows now, or the next one when this time step's code was
    used already (a second sign-in within 30 s; the server accepts one step ahead)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    if device.last_t > totp.t():  # this step's code and the next one's are used: wait for the next step
        time.sleep(device.t0 + device.last_t * device.step - time.time() + 0.1)
    totp.time = max(time.time(), device.t0 + (device.last_t + 1) * device.step)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def sign_in(page):
    def sign_in(username, password="paritrana-demo"):
        from django.contrib.auth import get_user_model

        page.goto("/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("button[type=submit].primary")
        if "/masuk/kode/" in page.url:  # an account with an authenticator app (the demo's committee)
            page.fill("#id_code", current_code(get_user_model().objects.get(username=username)))
            with page.expect_navigation():
                page.click("button[type=submit].primary")
        assert "/masuk/" not in page.url, "sign-in failed"

    return sign_in
