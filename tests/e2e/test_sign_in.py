"""A demo user signs in through the browser, in Indonesian, and switches to English."""


def test_committee_signs_in_and_switches_language(page, e2e_demo, sign_in):
    sign_in("panitia")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("main").inner_text().count("Paritrana Award 2025 (demo)") == 1
    page.select_option("#lang-select", "en")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("footer").inner_text().startswith("Paritrana Award")


def test_wrong_password_is_refused_with_a_message(page, e2e_demo):
    page.goto("/masuk/")
    page.fill("#id_username", "panitia")
    page.fill("#id_password", "salah")
    page.click("button[type=submit].primary")
    assert page.locator("[role=alert]").is_visible()
    assert page.url.endswith("/masuk/")
