"""Every committee page tried as each role: national committee, Lampung's provincial committee, the
provincial committee of another province, observer, reviewer and anonymous visitor."""
from urllib.parse import quote

import pytest
from django.urls import reverse

from awards.services.stages import stage_close

ROLES = ["committee", "provincial_committee", "other_province_committee", "observer", "reviewer", "anonymous"]


def pages(award, snapshot):
    """(name, url, expected status per role) for every committee page (GET)."""
    p, n = award.provincial, award.national
    nomination = p.nominations.filter(category=award.pemkab).order_by("id").first()
    stage = award.stages["interview"]
    read_provincial = {"committee": 200, "provincial_committee": 200, "other_province_committee": 403,
                       "observer": 200, "reviewer": 403}
    read_national = {**read_provincial, "provincial_committee": 403}
    manage_provincial = {**read_provincial, "observer": 403}
    everyone_reading = {"committee": 200, "provincial_committee": 200, "other_province_committee": 200,
                        "observer": 200, "reviewer": 403}
    return [
        ("overview", reverse("committee"), everyone_reading),
        ("round", reverse("committee-round", args=[p.id]), read_provincial),
        ("national round", reverse("committee-round", args=[n.id]), read_national),
        ("leaderboard", reverse("committee-leaderboard", args=[p.id, award.pemkab.id]), read_provincial),
        ("leaderboard csv", reverse("committee-leaderboard-export", args=[p.id, award.pemkab.id, "csv"]),
         read_provincial),
        ("leaderboard xlsx", reverse("committee-leaderboard-export", args=[p.id, award.pemkab.id, "xlsx"]),
         {role: 302 if status == 200 else status for role, status in read_provincial.items()}),
        ("explanation", reverse("committee-explanation", args=[p.id, award.pemkab.id, nomination.id]),
         read_provincial),
        ("snapshot", reverse("committee-snapshot", args=[snapshot.id]), read_provincial),
        ("snapshot content", reverse("committee-snapshot-content", args=[snapshot.id]), read_provincial),
        ("snapshot csv", reverse("committee-snapshot-export", args=[snapshot.id, "csv"]), read_provincial),
        # The PDF is drawn by a job worker: the page leads to the job's page.
        ("snapshot pdf", reverse("committee-snapshot-export", args=[snapshot.id, "pdf"]),
         {role: 302 if status == 200 else status for role, status in read_provincial.items()}),
        ("stage close form", reverse("committee-stage-action", args=[p.id, stage.id, "reopen"]),
         manage_provincial),
        ("nominations", reverse("committee-nominations", args=[p.id]), read_provincial),
        ("national nominations", reverse("committee-nominations", args=[n.id]), read_national),
        ("proposals", reverse("committee-proposals", args=[p.id]) + f"?category={award.pemkab.id}",
         manage_provincial),
        ("assignments", reverse("committee-assignments", args=[p.id]), read_provincial),
        ("charts", reverse("committee-charts", args=[p.id, award.pemkab.id]), read_provincial),
        ("advancement", reverse("committee-advancement", args=[p.id, award.pemkab.id]), manage_provincial),
        ("progress", reverse("committee-progress", args=[p.id]), read_provincial),
        ("national progress", reverse("committee-progress", args=[n.id]), read_national),
        ("audit", reverse("committee-audit"), everyone_reading),
        ("messages", reverse("committee-messages"), {**everyone_reading, "observer": 403}),
        # The outbox exists only where mail is kept in files (development); the tests keep it in memory.
        ("outbox", reverse("committee-outbox"), {**read_national, "committee": 404, "observer": 403}),
        ("remind", reverse("committee-remind", args=[p.id, award.stages["assessment"].id]), manage_provincial),
    ]


def sign_in(client, award, role):
    user = {"committee": award.committee, "provincial_committee": award.provincial_committee,
            "other_province_committee": award.other_province_committee, "observer": award.observer,
            "reviewer": award.reviewer}.get(role)
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
def test_every_committee_page_answers_each_role_as_scoped(client, award, frozen, role):
    sign_in(client, award, role)
    outcome = {}
    expected = {}
    for name, url, statuses in pages(award, frozen):
        response = client.get(url)
        outcome[name] = response.status_code
        expected[name] = statuses.get(role, 302)
        if role == "anonymous":
            assert response.url == reverse("login") + "?next=" + quote(url, safe="/")
    assert outcome == expected


@pytest.mark.parametrize("role", ROLES)
def test_public_results_page_needs_no_sign_in(client, award, role):
    sign_in(client, award, role)
    assert client.get(reverse("public-results")).status_code == 200


def test_overview_lists_only_the_rounds_a_provincial_committee_may_read(client, award):
    client.force_login(award.other_province_committee)
    response = client.get(reverse("committee"))
    assert response.context["editions"] == []
    client.force_login(award.provincial_committee)
    response = client.get(reverse("committee"))
    assert [[r.id for r in item["rounds"]] for item in response.context["editions"]] == [[award.provincial.id]]
    client.force_login(award.observer)
    response = client.get(reverse("committee"))
    assert [[r.id for r in item["rounds"]] for item in response.context["editions"]] == [
        [award.national.id, award.provincial.id]]


@pytest.mark.parametrize(("role", "status"), [
    ("observer", 403), ("reviewer", 403), ("other_province_committee", 403), ("anonymous", 302),
])
def test_state_changes_are_refused_outside_the_users_scope(client, award, frozen, role, status):
    sign_in(client, award, role)
    p = award.provincial
    posts = [
        reverse("committee-stage-action", args=[p.id, award.stages["interview"].id, "open"]),
        reverse("committee-freeze", args=[p.id, award.pemkab.id]),
        reverse("committee-snapshot-publish", args=[frozen.id]),
        reverse("committee-snapshot-correct", args=[frozen.id]),
        reverse("committee-nomination-add", args=[p.id]),
        reverse("committee-nomination-screen", args=[p.id]),
        reverse("committee-nomination-import", args=[p.id]),
        reverse("committee-proposals", args=[p.id]),
        reverse("committee-assignment-action", args=[p.id, "auto"]),
    ]
    assert [client.post(url, {"stage": award.stages["assessment"].id, "reason": "x", "category": award.pemkab.id,
                              "nominee": "18.72", "eligibility": "eligible"}).status_code
            for url in posts] == [status] * len(posts)
    frozen.refresh_from_db()
    award.stages["interview"].refresh_from_db()
    assert (frozen.published_at, award.stages["interview"].status, p.snapshots.count()) == (None, "draft", 1)


def test_provincial_committee_may_not_touch_the_national_round(client, award):
    client.force_login(award.provincial_committee)
    stage = award.national.stages.get(kind="screening")
    response = client.post(reverse("committee-stage-action", args=[award.national.id, stage.id, "close"]))
    assert response.status_code == 403


def test_a_provincial_committee_reads_only_its_own_rounds_audit_trail(client, award):
    from awards.services.stages import stage_open

    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    stage_open(stage=award.national.stages.get(kind="screening"), acting_user=award.committee)
    client.force_login(award.provincial_committee)
    events = [row.record for row in client.get(reverse("committee-audit")).context["table"].page.object_list]
    assert [(e.action, e.object_id) for e in events if e.action.startswith("stage_")] == [
        ("stage_close", str(award.stages["assessment"].id))]
    client.force_login(award.other_province_committee)
    assert list(client.get(reverse("committee-audit")).context["table"].page.object_list) == []
    client.force_login(award.observer)
    events = [row.record for row in client.get(reverse("committee-audit")).context["table"].page.object_list]
    assert [e.action for e in events][:2] == ["stage_open", "stage_close"]
