"""A demo user signs in through the browser, in Indonesian, and switches to English."""
from playwright.sync_api import expect


def test_committee_signs_in_and_switches_language(page, e2e_demo, sign_in):
    sign_in("panitia")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("main").inner_text().count("Paritrana Award 2025 (demo)") == 1
    page.select_option("#lang-select", "en")
    with page.expect_navigation():
        page.click(".lang-switch button")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("footer").inner_text().startswith("Paritrana Award")


def test_wrong_password_is_refused_with_a_message(page, e2e_demo):
    page.goto("/masuk/")
    page.fill("#id_username", "panitia")
    page.fill("#id_password", "salah")
    page.click("button[type=submit].primary")
    expect(page.locator("[role=alert]")).to_be_visible()
    assert page.url.endswith("/masuk/")
