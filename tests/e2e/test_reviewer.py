"""A demo reviewer scores an assignment in the browser: draft, confirm, submit; another reviewer gets a 404."""
from playwright.sync_api import expect

from awards.models import Assignment, AssignmentStatus, Score


def penilai1_assignment(code="18.72"):
    return Assignment.objects.get(reviewer__username="penilai1", nomination__nominee__code=code)


def test_reviewer_saves_a_draft_then_submits(page, e2e_demo, sign_in):
    sign_in("penilai1")
    assert page.url.endswith("/penilaian/")
    assert page.locator("#progress").get_attribute("value") == "0"
    assignment = penilai1_assignment()
    page.click(f'tr[data-assignment="{assignment.pk}"] a')
    page.wait_for_url(f"**/penilaian/{assignment.pk}/")
    assert page.locator("#assignment-status").get_attribute("class") == "status status-not_started"
    # Keyboard only: type a value with the Indonesian decimal comma and press Enter to save a draft.
    page.focus("#id_score-komitmen")
    page.keyboard.type("82,5")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#assignment-status")).to_have_class("status status-draft")
    assert page.input_value("#id_score-komitmen") == "82,5"
    # An out-of-scale value comes back with the reason and what was typed.
    page.fill("#id_score-inovasi", "12")
    page.fill("#id_note-inovasi", "Program digital")
    page.click("#submit-scores")
    expect(page.locator("#id_score-inovasi_error")).to_be_visible()
    expect(page.locator("#id_score-inovasi")).to_be_focused()
    assert (page.input_value("#id_score-inovasi"), page.input_value("#id_note-inovasi")) == ("12", "Program digital")
    page.fill("#id_score-inovasi", "8")
    page.click("#submit-scores")
    expect(page.locator("#confirm-panel")).to_be_visible()
    expect(page.locator("#confirm-submit")).to_be_focused()
    with page.expect_navigation():
        page.click("#confirm-submit")
    expect(page.locator("#assignment-status")).to_have_class("status status-submitted")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert dict(Score.objects.filter(assignment=assignment).values_list("criterion__code", "value")) == {
        "komitmen": 82.5, "inovasi": 8}
    page.click(".breadcrumb a")
    page.wait_for_url("**/penilaian/")
    assert page.locator("#progress").get_attribute("value") == "1"
    assert page.locator(f'tr[data-assignment="{assignment.pk}"] .status').get_attribute("class") == (
        "status status-submitted")


def test_second_reviewer_cannot_open_the_assignment(page, e2e_demo, sign_in):
    assignment = penilai1_assignment()
    sign_in("penilai2")
    response = page.goto(f"/penilaian/{assignment.pk}/")
    assert response.status == 404
    response = page.goto(f"/penilaian/{assignment.pk}/konflik/")
    assert response.status == 404
    page.goto("/penilaian/")
    assert page.locator(f'tr[data-assignment="{assignment.pk}"]').count() == 0


def test_scoring_page_fits_a_phone(browser, live_server, e2e_demo):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto("/masuk/")
        page.fill("#id_username", "penilai1")
        page.fill("#id_password", "paritrana-demo")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/penilaian/")
        page.goto(f"/penilaian/{penilai1_assignment().pk}/")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert page.locator("#id_score-komitmen").get_attribute("inputmode") == "decimal"
        box = page.locator("#submit-scores").bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    finally:
        context.close()


def test_typing_survives_a_dropped_connection(page, e2e_demo, sign_in):
    assignment = penilai1_assignment("18.01")
    sign_in("penilai1")
    url = f"/penilaian/{assignment.pk}/"
    page.goto(url)
    assert page.locator("#draft-restored").is_hidden()
    page.fill("#id_score-komitmen", "64")
    page.fill("#id_note-komitmen", "Perbup sudah terbit")

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/penilaian/**", drop_posts)
    page.click("#save-draft")
    page.wait_for_timeout(500)
    page.unroute("**/penilaian/**")
    page.goto(url)
    assert (page.input_value("#id_score-komitmen"), page.input_value("#id_note-komitmen")) == (
        "64", "Perbup sudah terbit")
    assert page.locator("#draft-restored").is_visible()
    assert Score.objects.filter(assignment=assignment).count() == 0
    # Once saved, the page after the redirect drops the browser's copy and shows what the server has.
    with page.expect_navigation():
        page.click("#save-draft")
    assert page.evaluate(f"window.localStorage.getItem('paritrana-scores-{assignment.pk}')") is None
    page.goto(url)
    assert page.locator("#draft-restored").is_hidden()
    assert page.input_value("#id_score-komitmen") == "64"
