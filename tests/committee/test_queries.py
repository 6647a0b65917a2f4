"""Query counts of the committee pages are pinned, and do not grow with the number of rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Stage
from awards.services.results import result_freeze, result_publish
from awards.services.stages import stage_close
from awards.services.standings import standings_refresh

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
    # Leaderboards read stored standings (models/standings.py): the group, then a page of its rows with
    # their nominees and regions, and their count; the CSV streams the filtered rows in one query.
    "overview": 5, "round": 8, "leaderboard": 11, "leaderboard filtered": 11, "leaderboard csv": 9,
    # The audit trail names the rows its page's changes point at, one query per kind of row (here the
    # reviewers of the assignment rows and the province of the result rows).
    # The assignments page lists every assignment, a page of 50: its count and its rows, 2 more.
    "explanation": 12, "snapshot": 5, "audit": 7, "nominations": 10, "assignments": 11,
    # Progress: three aggregates, the conflicts, the round's stages, the flagged stored standings at the
    # default stage and whether a change is still being taken in: the same for any number of categories.
    # The snapshot page and the public page also read the edition's chain head (its newest result); the
    # public page, seen here signed in, reads the profile for the menu (a visitor's page does not).
    "progress": 11, "advancement": 10, "charts": 12, "public results": 7, "public results again": 6,
    "progress again": 11,
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
    standings_refresh()  # the job that follows the changes above
    client.force_login(award.committee)
    counts = {name: queries(client, url) for name, url in urls(award, category, nominations[0], snapshot).items()}
    # Once summarised, the public page no longer reads the frozen contents.
    counts["public results again"] = queries(client, reverse("public-results"))
    counts["progress again"] = queries(client, reverse("committee-progress", args=[award.provincial.id]))
    assert counts == PINNED


def test_leaderboard_shows_every_row_up_to_a_page(client, award):
    category, nominations = ranking_group(award, 50)
    standings_refresh()
    client.force_login(award.observer)
    response = client.get(reverse("committee-leaderboard", args=[award.provincial.id, category.id]))
    table = response.context["table"]
    assert [row.record.rank for row in table.page.object_list] == list(range(1, 51))


def test_progress_reads_as_many_queries_with_one_more_category(client, award):
    from awards.models import Category, Nomination, Nominee

    client.force_login(award.committee)
    url = reverse("committee-progress", args=[award.provincial.id])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    empty = Category.objects.create(edition=award.edition, code="kosong", name_id="Kosong", name_en="Empty",
                                    nominee_kind="regency_government", position=98)
    Nomination.objects.create(round=award.provincial, category=empty, nominee=Nominee.objects.get(code="18.03"),
                              eligibility="ineligible", eligibility_reason="Dokumen tidak lengkap")
    standings_refresh()
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert (response.status_code, len(after)) == (200, len(before))


@pytest.mark.parametrize("size", [10, 60])
def test_freezing_reads_as_many_queries_for_any_number_of_rows(award, size):
    """Every row's breakdown is explained in one pass (scoring.explain_all): the same queries for 10 rows as for
    60 (before: one per row and stage)."""
    category, _nominations = ranking_group(award, size)
    Stage.objects.filter(pk=award.stages["interview"].pk).update(weight=0)
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    award.stages["assessment"].refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        snapshot = result_freeze(round_=award.provincial, category=category, stage=award.stages["assessment"],
                                 acting_user=award.committee)
    assert len(snapshot.content) > size * 100
    assert len(captured) == FREEZE_QUERIES


# The edition locked, the round's stages locked, the group ranked (its criteria, metric statement, judged
# scores), the explanation's metric details and reviewers' names, the chain head, the frozen check, the
# insert and the audit row.
FREEZE_QUERIES = 14
