"""The committee closes the assessment stage, freezes and publishes a result; the public page shows the
winners to a visitor who is not signed in, in Indonesian and in English."""
from awards.models import ResultSnapshot
from awards.scoring import rank_group
from awards.services.results import content_digest


def test_committee_freezes_and_publishes_and_the_public_sees_the_winners(page, e2e_demo, sign_in, browser,
                                                                          live_server):
    sign_in("panitia")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/panitia/")
    page.get_by_role("link", name="Provincial round Lampung").click()
    page.locator("tr[data-stage=assessment]").get_by_role("link", name="Close…").click()
    assert "assignments are not submitted" in page.locator("#unsubmitted-warning").inner_text()
    page.get_by_role("button", name="Close the stage").click()
    page.wait_for_url("**/panitia/babak/*/")
    assert page.locator("tr[data-stage=assessment] .stage").inner_text() == "Closed"

    page.locator("#categories tr", has_text="Regency/City Government").get_by_role("link", name="Assessment").click()
    first = page.locator("tbody tr").first
    assert first.locator("td").first.inner_text() == "1"
    page.get_by_role("button", name="Freeze the result").click()
    page.wait_for_url("**/panitia/hasil/*/")
    snapshot = ResultSnapshot.objects.get()
    assert page.locator("#digest").inner_text() == snapshot.digest == content_digest(snapshot.content)
    with page.expect_navigation():
        page.locator("#publish").click()
    assert page.locator("#status").inner_text().startswith("Published")

    ranking = rank_group(snapshot.category, snapshot.round, snapshot.stage)
    winners = [row.nominee_name for row in ranking.rows[:3]]
    visitor = browser.new_context(base_url=live_server.url, locale="id-ID")
    public = visitor.new_page()
    public.goto("/hasil/")
    assert public.locator("html").get_attribute("lang") == "id"
    section = public.locator("section.result[data-category=pemkab]")
    assert section.locator("h2").inner_text().startswith("Pemerintah Kabupaten/Kota")
    items = section.locator("ol.winners li")
    assert [text.split(" — ", 1)[1] for text in items.all_inner_texts()] == winners
    public.select_option("#lang-select", "en")
    with public.expect_navigation():
        public.click(".lang-switch button")
    section = public.locator("section.result[data-category=pemkab]")
    assert section.locator("h2").inner_text().startswith("Regency/City Government")
    assert section.locator("ol.winners li").first.inner_text() == f"Winner 1 — {winners[0]}"
    visitor.close()
