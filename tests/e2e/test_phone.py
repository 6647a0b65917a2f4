"""On a phone (390 × 844 CSS pixels, touch): the reviewer's work list and scoring page and the public results
fit the screen's width (a wide table scrolls inside its own named, focusable box), the work list shows each
assignment's status and deadline without scrolling, and the menu's, the work list's and the scoring page's
links, buttons and fields are at least 44 px tall and wide, the size a finger hits."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse

from awards.models import Assignment, Category, Round, Stage
from awards.services.results import result_freeze, result_publish
from awards.services.stages import stage_close, stage_open
from tests.e2e.conftest import CSP_LISTENER

PHONE = {"width": 390, "height": 844}
TARGET = 44

# The visible links, buttons and form fields under `selector`, with their size. Left out: a link inside a
# sentence (a paragraph, list item or definition with more text than the link), which WCAG 2.5.5 and 2.5.8
# exempt and which could not grow to 44 px without pulling its lines apart (today only the public page's
# "its exact content (JSON)" link in the digest's line); and the skip link, off-screen until focused.
TARGETS = """(selector) => Array.from(document.querySelectorAll(selector)).filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= 0 || el.closest("[hidden]")) return false;
    const text = el.tagName === "A" && el.parentElement.closest("p, li, dd");
    return !(text && text.textContent.trim() !== el.textContent.trim());
}).map((el) => {
    const box = el.getBoundingClientRect();
    return {what: el.outerHTML.slice(0, 100), width: Math.round(box.width), height: Math.round(box.height)};
})"""
CONTROLS = ", ".join(f"{area} {kind}" for area in ("header", "main")
                     for kind in ("a", "button", "select", "input:not([type=hidden])", "textarea", "summary"))

# Every table sits in a box that scrolls sideways, that the keyboard reaches and a screen reader names, and
# that box ends inside the screen.
TABLE_BOXES = """() => Array.from(document.querySelectorAll("main table")).map((table) => {
    const box = table.closest(".table-scroll");
    return box && {tabindex: box.getAttribute("tabindex"), role: box.getAttribute("role"),
                   named: Boolean(box.getAttribute("aria-label") || box.getAttribute("aria-labelledby")),
                   overflow: getComputedStyle(box).overflowX, inside: box.getBoundingClientRect().right <= innerWidth};
})"""
GOOD_BOX = {"tabindex": "0", "role": "region", "named": True, "overflow": "auto", "inside": True}


@pytest.fixture
def phone(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    context.expose_function("reportCspViolation", lambda report: csp_violations.append(report))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert csp_violations == [], "the Content-Security-Policy refused part of a page"


def sign_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "paritrana-demo")
    with page.expect_navigation():
        page.locator("button[type=submit].primary").tap()


def sideways(page):
    """How far the page reaches past the screen's right edge, in CSS pixels (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def small_targets(page):
    return [t for t in page.evaluate(TARGETS, CONTROLS) if t["height"] < TARGET or t["width"] < TARGET]


def serious_violations(page):
    return [f"{v['id']} [{v['impact']}]: " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
            for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]


def test_work_list_shows_status_and_deadline_on_a_phone(phone, e2e_demo):
    sign_in(phone, "penilai1")
    phone.wait_for_url("**/penilaian/")
    assert sideways(phone) == 0
    rows = phone.locator("table.assignment-table tbody tr")
    assert rows.count() == Assignment.objects.filter(reviewer__username="penilai1").count() == 15
    for row in (rows.first, rows.last):
        for cell in ("nominee", "my_status", "deadline"):
            box = row.locator(f"td.cell-{cell}").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cell
    # Each card's cell says its column's name before its value.
    label = "td => getComputedStyle(td, '::before').content"
    assert rows.first.locator("td.cell-my_status").evaluate(label).startswith('"Status saya: "')
    assert rows.first.locator("td.cell-my_status").inner_text() == "Belum dimulai"
    assert rows.first.locator("td.cell-deadline").evaluate(label).startswith('"Tenggat: "')
    assert phone.evaluate(TABLE_BOXES) == [GOOD_BOX]
    assert small_targets(phone) == []
    phone.locator("details.filters summary").tap()  # the filter form, opened
    assert small_targets(phone) == []
    assert sideways(phone) == 0
    assert serious_violations(phone) == []
    # A tap on a card's nominee opens its scoring page.
    with phone.expect_navigation():
        rows.first.locator("td.cell-nominee a").tap()
    assert "/penilaian/" in phone.url and phone.url.rstrip("/").split("/")[-1].isdigit()


def test_scoring_page_fits_a_phone(phone, e2e_demo):
    sign_in(phone, "penilai1")
    assignment = Assignment.objects.get(reviewer__username="penilai1", nomination__nominee__code="18.72")
    phone.goto(reverse("reviewer-assignment", args=[assignment.pk]))
    assert sideways(phone) == 0
    phone.locator("details.metrics-all summary").tap()
    boxes = phone.evaluate(TABLE_BOXES)
    assert len(boxes) == 3 and all(box == GOOD_BOX for box in boxes), boxes
    # The coverage table is wider than the screen: its box scrolls to show the last column.
    coverage = phone.locator(".dossier .table-scroll").first
    assert coverage.evaluate("box => box.scrollWidth > box.clientWidth")
    coverage.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    last = phone.locator(".coverage-table thead th").last.bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"]
    assert sideways(phone) == 0
    assert small_targets(phone) == []
    assert serious_violations(phone) == []


def test_public_results_fit_a_phone(phone, e2e_demo):
    committee = get_user_model().objects.get(username="panitia")
    provincial = Round.objects.get(province__isnull=False)
    stage_close(stage=Stage.objects.get(round=provincial, kind="assessment"), acting_user=committee)
    interview = stage_open(stage=Stage.objects.get(round=provincial, kind="interview"), acting_user=committee)
    interview = stage_close(stage=interview, acting_user=committee)
    snapshot = result_freeze(round_=provincial, category=Category.objects.get(code="pemkab"), stage=interview,
                             acting_user=committee)
    result_publish(snapshot=snapshot, acting_user=committee)
    phone.goto(reverse("public-results"))
    assert phone.locator("section.result ol.winners li").count() == 3
    assert sideways(phone) == 0
    assert small_targets(phone) == []
    assert serious_violations(phone) == []
