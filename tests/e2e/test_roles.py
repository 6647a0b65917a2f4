"""Each role from sign-in to its main task by clicking only — no address typed after the sign-in page —
on a desktop and on a phone, in Indonesian (the site's default)."""
import pytest
from playwright.sync_api import expect

from awards.models import Assignment, AssignmentStatus, Message, Score

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized_page(request, page):
    page.set_viewport_size(SIZES[request.param])
    return page


def click(page, selector):
    """Click a link or button as a person does (scrolled into view, visible, enabled), then wait for the page."""
    target = page.locator(selector).first
    expect(target).to_be_visible()
    with page.expect_navigation():
        target.click()


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_committee_removes_an_assignment_made_by_mistake(sized_page, e2e_demo, sign_in):
    page = sized_page
    sign_in("panitia")
    # Home: the open assessment stage of Lampung needs attention; its assignments are one click away.
    expect(page.locator("#attention")).to_be_visible()
    click(page, '#attention a[href$="/penugasan/"]')
    row = page.locator("#assignment-list tr:has(.status-not_started)").first
    assignment_id = int(row.get_attribute("data-assignment"))
    click(page, f'#assignment-list tr[data-assignment="{assignment_id}"] a[href$="/penugasan/{assignment_id}/"]')
    # Every panel member is on this nomination already: nobody to give it to, the page says so.
    expect(page.locator("#reassign-form a[href$='/panel/']")).to_be_visible()
    page.locator("#remove-form input[name=confirm]").check()
    click(page, "#remove-form button[type=submit]")
    expect(page.locator(".message.success")).to_be_visible()
    assert not Assignment.objects.filter(pk=assignment_id).exists()
    assert page.locator(f'#assignment-list tr[data-assignment="{assignment_id}"]').count() == 0


def test_the_provincial_committee_reminds_a_late_reviewer(sized_page, e2e_demo, sign_in):
    page = sized_page
    sign_in("panitia_lampung")
    click(page, '#attention a[href$="/kemajuan/"]')
    click(page, '#per-reviewer a[href*="/ingatkan/?penilai="]')
    expect(page.locator(".mail-preview").first).to_be_visible()
    click(page, "#remind-send")
    expect(page.locator(".message.success")).to_be_visible()
    assert Message.objects.filter(kind="manual_reminder").count() == 1


def test_the_observer_reads_a_leaderboard_and_an_explanation(sized_page, e2e_demo, sign_in):
    page = sized_page
    sign_in("pemantau")
    click(page, '#rounds li:has-text("Lampung") a')
    click(page, '#categories a[href*="/peringkat/"]')
    expect(page.locator("#leaderboard-lines")).to_be_visible()
    expect(page.locator("tr.line-award")).to_have_count(1)
    click(page, "table tbody tr[data-nomination] td a")
    expect(page.locator("#round-score")).to_be_visible()


def test_the_reviewer_scores_and_goes_on_to_the_next_nomination(sized_page, e2e_demo, sign_in):
    page = sized_page
    sign_in("penilai1")
    assert page.url.endswith("/penilaian/")
    first = page.locator("tr:has(.status-not_started)").first
    assignment_id = int(first.get_attribute("data-assignment"))
    click(page, f'tr[data-assignment="{assignment_id}"] a[href$="/penilaian/{assignment_id}/"]')
    assert no_sideways_scroll(page)
    fields = page.locator("input[id^=id_score-]").all()
    assert fields
    for field in fields:
        # The scale the page states beside the field ("Skala 1–10"): its top value is within it.
        scale = page.locator(f"#{field.get_attribute('id')}-scale").inner_text()
        field.fill(scale.rsplit("–", 1)[1].strip())
    click(page, "#save-next")
    assert f"/penilaian/{assignment_id}/" not in page.url and "/penilaian/" in page.url
    expect(page.locator("#assignment-status")).to_be_visible()
    assert Assignment.objects.get(pk=assignment_id).status == AssignmentStatus.DRAFT
    assert Score.objects.filter(assignment_id=assignment_id).exclude(value=None).count() == len(fields)
