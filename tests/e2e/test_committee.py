"""The committee closes the assessment stage and freezes: the page asks for confirmation first and, with the
interview stage still a draft, the result is interim and cannot be published. Once the interview stage is
closed the final result is frozen and published, each after a confirmation; the public page shows its
winners to a visitor who is not signed in, in Indonesian and in English, and never the interim result."""
from awards.models import ResultSnapshot
from awards.scoring import rank_group
from awards.services.results import content_digest


def close_stage(page, kind):
    page.locator(f"tr[data-stage={kind}]").get_by_role("link", name="Close the stage…").click()
    page.get_by_role("button", name="Close the stage").click()
    page.wait_for_url("**/panitia/babak/*/")
    assert page.locator(f"tr[data-stage={kind}] .stage").inner_text() == "Closed"


def freeze_with_confirmation(page, stage_label):
    page.locator("#categories tr", has_text="Regency/City Government").get_by_role("link", name=stage_label).click()
    page.get_by_role("button", name="Freeze the result…").click()
    page.wait_for_url("**/bekukan/?tahap=*")
    assert "It cannot be undone" in page.locator("#confirm-form").inner_text()
    assert ResultSnapshot.objects.filter(stage__kind=stage_label.lower()).count() == 0  # nothing yet
    return page


def test_committee_freezes_and_publishes_after_confirming_and_an_interim_result_is_never_published(
        page, e2e_demo, sign_in, browser, live_server):
    sign_in("panitia")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/panitia/")
    page.get_by_role("link", name="Provincial round Lampung").click()
    round_url = page.url
    page.locator("tr[data-stage=assessment]").get_by_role("link", name="Close the stage…").click()
    assert "assignments are not submitted" in page.locator("#unsubmitted-warning").inner_text()
    page.get_by_role("button", name="Close the stage").click()
    page.wait_for_url("**/panitia/babak/*/")

    # Frozen with the interview stage (weight 40) still a draft: interim, no winners, no publishing.
    freeze_with_confirmation(page, "Assessment")
    assert "interim record" in page.locator("#interim-notice").inner_text()
    assert page.locator("#confirm-winners").count() == 0
    page.get_by_role("button", name="Yes, freeze the result").click()
    page.wait_for_url("**/panitia/hasil/*/")
    interim = ResultSnapshot.objects.get()
    assert interim.interim
    assert page.locator("#status").inner_text() == "Interim, never published"
    assert page.locator("#publish").count() == 0
    page.goto(f"/panitia/hasil/{interim.id}/terbitkan/")
    assert "This is an interim result" in page.locator(".message.error, [role=alert]").first.inner_text()
    assert ResultSnapshot.objects.get(pk=interim.pk).published_at is None

    # The interview stage opens and closes; the final result names the winners.
    page.goto(round_url)
    page.locator("tr[data-stage=interview]").get_by_role("button", name="Open the stage").click()
    page.wait_for_url("**/panitia/babak/*/")
    close_stage(page, "interview")
    freeze_with_confirmation(page, "Interview")
    winners_shown = page.locator("#confirm-winners li").all_inner_texts()
    assert len(winners_shown) == 3
    page.get_by_role("button", name="Yes, freeze the result").click()
    page.wait_for_url("**/panitia/hasil/*/")
    snapshot = ResultSnapshot.objects.get(interim=False)
    assert page.locator("#digest").inner_text() == snapshot.digest == content_digest(snapshot.content)
    assert snapshot.previous == interim
    page.locator("#publish").click()
    page.wait_for_url("**/terbitkan/")
    assert ResultSnapshot.objects.get(pk=snapshot.pk).published_at is None  # asked, not done
    assert page.locator("#confirm-winners li").all_inner_texts() == winners_shown
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, publish the result").click()
    assert page.locator("#status").inner_text().startswith("Published")

    ranking = rank_group(snapshot.category, snapshot.round, snapshot.stage)
    winners = [row.nominee_name for row in ranking.rows[:3]]
    visitor = browser.new_context(base_url=live_server.url, locale="id-ID")
    public = visitor.new_page()
    public.goto("/hasil/")
    assert public.locator("html").get_attribute("lang") == "id"
    assert public.locator("section.result").count() == 1  # the interim result is not there
    section = public.locator("section.result[data-category=pemkab]")
    assert section.locator("h2").inner_text().startswith("Pemerintah Kabupaten/Kota")
    items = section.locator("ol.winners li")
    assert [text.split(" — ", 1)[1] for text in items.all_inner_texts()] == winners
    assert snapshot.digest in public.locator("#chain-head").inner_text()
    assert interim.digest not in public.content()
    public.select_option("#lang-select", "en")
    with public.expect_navigation():
        public.click(".lang-switch button")
    section = public.locator("section.result[data-category=pemkab]")
    assert section.locator("h2").inner_text().startswith("Regency/City Government")
    assert section.locator("ol.winners li").first.inner_text() == f"Winner 1 — {winners[0]}"
    json_response = public.request.get(section.locator("a.result-json").get_attribute("href"))
    assert json_response.body() == snapshot.content.encode("utf-8")
    visitor.close()
