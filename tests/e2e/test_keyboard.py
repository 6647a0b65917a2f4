"""A reviewer signs in, opens an assignment, scores it, saves a draft and submits with the keyboard alone
(Tab, Shift+Tab, Enter, Space and typing); every control the keyboard lands on shows its focus ring."""
from playwright.sync_api import expect

from awards.models import Assignment, AssignmentStatus, Score

# What has the keyboard focus, and whether it shows: it matches :focus-visible and draws an outline.
FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim().slice(0, 60),
            visible: el.matches(":focus-visible") && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
}"""


def tab_to(page, selector, key="Tab", limit=80):
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus; every stop on the way
    must show its focus (past the page's last control the focus leaves the page: the body has it here)."""
    for _ in range(limit + 1):
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        assert focused["visible"] or focused["tag"] == "body", f"focus is not visible on {focused}"
    raise AssertionError(f"{key} never reached {selector}")


def test_reviewer_scores_and_submits_with_the_keyboard_alone(page, e2e_demo):
    assignment = Assignment.objects.get(reviewer__username="penilai1", nomination__nominee__code="18.72")
    page.goto("/masuk/")
    tab_to(page, "#id_username")  # where the sign-in page puts the focus
    page.keyboard.type("penilai1")
    page.keyboard.press("Tab")
    page.keyboard.type("paritrana-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/penilaian/")

    # The work list: Tab to the assignment's link, Enter opens its scoring page.
    tab_to(page, f'tr[data-assignment="{assignment.pk}"] a')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/penilaian/{assignment.pk}/")

    # Scores and a note typed; a slip corrected by going back with Shift+Tab (which selects the value).
    tab_to(page, "#id_score-komitmen")
    page.keyboard.type("82,5")
    page.keyboard.press("Tab")
    page.keyboard.type("Perda perlindungan pekerja rentan")
    tab_to(page, "#id_score-inovasi")
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    tab_to(page, "#id_score-inovasi", key="Shift+Tab", limit=1)
    page.keyboard.type("8")
    tab_to(page, "#save-draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#assignment-status")).to_have_class("status status-draft")
    assert dict(Score.objects.filter(assignment=assignment).values_list("criterion__code", "value")) == {
        "komitmen": 82.5, "inovasi": 8}

    # Submit with Space; the confirmation takes the focus, and Enter confirms.
    tab_to(page, "#submit-scores")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.locator("#confirm-submit")).to_be_focused()
    assert page.evaluate(FOCUSED)["visible"]
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#assignment-status")).to_have_class("status status-submitted")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert Score.objects.get(assignment=assignment, criterion__code="komitmen").note == (
        "Perda perlindungan pekerja rentan")

    # Back to the work list by the keyboard: the assignment shows as submitted.
    tab_to(page, ".breadcrumb a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/penilaian/")
    expect(page.locator(f'tr[data-assignment="{assignment.pk}"] .status')).to_have_class("status status-submitted")
    assert page.locator("#progress").get_attribute("value") == "1"
