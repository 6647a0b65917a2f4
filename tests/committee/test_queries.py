"""Query counts of the committee pages are pinned, and do not grow with the number of rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Stage
from awards.services.results import result_freeze, result_publish
from awards.services.stages import stage_close

from .factories import ranking_group


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def urls(award, category, nomination, snapshot):
    p = award.provincial.id
    return {
        "overview": reverse("committee"),
        "round": reverse("committee-round", args=[p]),
        "leaderboard": reverse("committee-leaderboard", args=[p, category.id]),
        "leaderboard filtered": reverse("committee-leaderboard", args=[p, category.id]) + "?search=Nominee&flag=",
        "leaderboard csv": reverse("committee-leaderboard-export", args=[p, category.id, "csv"]),
        "explanation": reverse("committee-explanation", args=[p, category.id, nomination.id]),
        "snapshot": reverse("committee-snapshot", args=[snapshot.id]),
        "audit": reverse("committee-audit"),
        "nominations": reverse("committee-nominations", args=[p]),
        "assignments": reverse("committee-assignments", args=[p]),
        "progress": reverse("committee-progress", args=[p]),
        "charts": reverse("committee-charts", args=[p, category.id]),
        "advancement": reverse("committee-advancement", args=[p, category.id]),
        "public results": reverse("public-results"),
    }


PINNED = {
    # session, user, profile (role) come first on every signed-in page. A nominations page reads its
    # rows' ids, then those rows (selectors.PagedByKeys), the signed-in member's recent import jobs, and
    # whether the round's screening is closed (then no form is offered).
    # The first leaderboard view fills the judged scores cache (the rows' read, then the write in a
    # savepoint: 4 more queries) and the metric rows cache (the version check, then the write in a
    # savepoint: 4 more); the next views read them (scoring/judged.py, metric_cache.py). A leaderboard
    # reads the region of its page's rows only, and the ids its filters keep only when a filter is set.
    "overview": 5, "round": 8, "leaderboard": 21, "leaderboard filtered": 14, "leaderboard csv": 12,
    # The audit trail names the rows its page's changes point at, one query per kind of row (here the
    # reviewers of the assignment rows and the province of the result rows).
    # The assignments page lists every assignment, a page of 50: its count and its rows, 2 more.
    "explanation": 12, "snapshot": 5, "audit": 7, "nominations": 10, "assignments": 11,
    # Progress ranks each of the round's categories for its flags: 8 categories here (the demo's 7 + 1),
    # the round's stages and their criteria read once for all of them; one demo category with judged
    # scores fills its cache entry here, and the 7 not viewed yet fill their metric rows entries (4
    # queries each); the second view reads both caches.
    # The snapshot page and the public page also read the edition's chain head (its newest result); the
    # public page, seen here signed in, reads the profile for the menu (a visitor's page does not).
    "progress": 53, "advancement": 10, "charts": 12, "public results": 7, "public results again": 6,
    "progress again": 25,
}


@pytest.mark.parametrize("size", [10, 50])
def test_query_counts_are_pinned_and_independent_of_rows(client, award, size):
    category, nominations = ranking_group(award, size)
    # The assessment alone carries weight here, so that its frozen result is final and published.
    Stage.objects.filter(pk=award.stages["interview"].pk).update(weight=0)
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    award.stages["assessment"].refresh_from_db()
    snapshot = result_freeze(round_=award.provincial, category=category, stage=award.stages["assessment"],
                             acting_user=award.committee)
    result_publish(snapshot=snapshot, acting_user=award.committee)
    client.force_login(award.committee)
    counts = {name: queries(client, url) for name, url in urls(award, category, nominations[0], snapshot).items()}
    # Once summarised, the public page no longer reads the frozen contents.
    counts["public results again"] = queries(client, reverse("public-results"))
    counts["progress again"] = queries(client, reverse("committee-progress", args=[award.provincial.id]))
    assert counts == PINNED


def test_leaderboard_shows_every_row_up_to_a_page(client, award):
    category, nominations = ranking_group(award, 50)
    client.force_login(award.observer)
    response = client.get(reverse("committee-leaderboard", args=[award.provincial.id, category.id]))
    table = response.context["table"]
    assert [row.record["rank"] for row in table.page.object_list] == list(range(1, 51))


def test_progress_does_not_rank_categories_without_eligible_nominations(client, award):
    from awards.models import Category, Nomination, Nominee

    client.force_login(award.committee)
    url = reverse("committee-progress", args=[award.provincial.id])
    client.get(url)  # fills the judged scores cache
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    empty = Category.objects.create(edition=award.edition, code="kosong", name_id="Kosong", name_en="Empty",
                                    nominee_kind="regency_government", position=98)
    Nomination.objects.create(round=award.provincial, category=empty, nominee=Nominee.objects.get(code="18.03"),
                              eligibility="ineligible", eligibility_reason="Dokumen tidak lengkap")
    client.get(url)  # a new nomination changes the metric inputs' version: the metric rows cache is filled again
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert (response.status_code, len(after)) == (200, len(before))


@pytest.mark.parametrize("page", ["leaderboard", "progress"])
def test_a_served_page_leaves_no_ranking_for_the_garbage_collector(client, award, page):
    """Served as a WSGI server serves it, a page's ranking is freed with the response by reference counting:
    nothing of it is left in a reference cycle (a view instance and a django-tables2 table are cyclic),
    which the collector would have to walk and free later, about 1 s every dozen requests at N = 800,000."""
    import gc

    from awards.scoring.ranking import Ranking, RankingRow
    from benchmarks.management.commands.bench_pages import WsgiRequests

    category, _nominations = ranking_group(award, 30)
    client.force_login(award.committee)
    url = (reverse("committee-leaderboard", args=[award.provincial.id, category.id]) if page == "leaderboard"
           else reverse("committee-progress", args=[award.provincial.id]))
    server = WsgiRequests(client.cookies)
    assert server.get(url)[0] == 200  # the caches filled
    gc.collect()
    gc.disable()  # a collection during the request would hide a cycle
    try:
        status, content = server.get(url)
        gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds unreachable is kept in gc.garbage
        gc.collect()
        # type(), not isinstance(): the latter asks a lazy object (the CSP nonce) for its class, evaluating it.
        cyclic = [o for o in gc.garbage if type(o) in (Ranking, RankingRow)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert status == 200 and b"<table" in content
    assert cyclic == []
