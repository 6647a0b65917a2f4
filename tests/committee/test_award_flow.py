"""One whole award on the demo, as the committee and reviewers would run it from the web: the Lampung
round is finished and published, its winner advances, the national round screens, assigns, scores,
freezes and publishes, and the public page shows both results."""
import json

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from awards.models import (
    Assignment,
    AuditEvent,
    Eligibility,
    Nomination,
    Nominee,
    Panel,
    Region,
    ResultSnapshot,
    StageStatus,
)
from awards.scoring import rank_group
from awards.services.reviews import assignment_save_scores


def submit_all(assignments, value_of):
    for assignment in assignments:
        criteria = assignment.nomination.category.criteria.filter(kind="judged", stage_kind=assignment.stage.kind)
        assignment_save_scores(assignment=assignment, values={c.id: value_of(assignment, c) for c in criteria},
                               notes={}, submit=True, acting_user=assignment.reviewer)


def test_award_runs_from_nomination_to_published_result(english, award, capsys):
    client, p, n, pemkab = english, award.provincial, award.national, award.pemkab
    client.force_login(award.committee)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0  # the demo's own rows

    # Provincial round: the last reviewer submits, the committee closes the stage, freezes and publishes.
    submit_all(Assignment.objects.filter(stage=award.stages["assessment"], reviewer__username="penilai1")
               .select_related("nomination__category", "stage", "reviewer"),
               lambda a, c: 80 if c.code == "komitmen" else 8)
    assert "Every assignment of this stage is submitted." in client.get(
        reverse("committee-stage-action", args=[p.id, award.stages["assessment"].id, "close"])).content.decode()
    client.post(reverse("committee-stage-action", args=[p.id, award.stages["assessment"].id, "close"]))
    # Frozen now, with the interview (weight 40) still a draft, the result is interim and is not published.
    client.post(reverse("committee-freeze", args=[p.id, pemkab.id]), {"stage": award.stages["assessment"].id,
                                                                      "confirm": "yes"})
    interim = ResultSnapshot.objects.get(round=p)
    assert interim.interim
    client.post(reverse("committee-snapshot-publish", args=[interim.id]), {"confirm": "yes"})
    assert ResultSnapshot.objects.get(pk=interim.pk).published_at is None
    # The interview opens and closes (nobody is interviewed in the demo); the final result names winners.
    for action in ("open", "close"):
        client.post(reverse("committee-stage-action", args=[p.id, award.stages["interview"].id, action]))
    client.post(reverse("committee-freeze", args=[p.id, pemkab.id]), {"stage": award.stages["interview"].id,
                                                                      "confirm": "yes"})
    provincial_result = ResultSnapshot.objects.get(round=p, interim=False)
    assert provincial_result.previous == interim
    client.post(reverse("committee-snapshot-publish", args=[provincial_result.id]), {"confirm": "yes"})
    provincial_winner = json.loads(provincial_result.content)["ranking"]["rows"][0]

    # Advancement of the winner to the national round.
    client.post(reverse("committee-advancement", args=[p.id, pemkab.id]), {"confirm": "yes"})
    advanced = Nomination.objects.get(round=n, category=pemkab)
    assert (advanced.advanced_from_id, advanced.nominee.code) == (provincial_winner["nomination"],
                                                                  provincial_winner["nominee"])

    # National round: a nomination by hand, screening (one not eligible), stages, panel and assignments.
    jakarta = Region.objects.create(code="31.71", name="Kota Jakarta Pusat", level=2, type="kota", parent_id="31",
                                    province_id="31")
    Nominee.objects.create(code="31.71", kind="regency_government", name="Pemerintah Kota Jakarta Pusat",
                           region=jakarta, province_id="31")
    Nominee.objects.create(code="31.72", kind="regency_government", name="Pemerintah Kota Jakarta Utara",
                           region=jakarta, province_id="31")
    for code in ("31.71", "31.72"):
        client.post(reverse("committee-nomination-add", args=[n.id]), {"category": pemkab.id, "nominee": code})
    national = {x.nominee.code: x for x in Nomination.objects.filter(round=n, category=pemkab).select_related("nominee")}
    client.post(reverse("committee-nomination-screen", args=[n.id]),
                {"nomination": [national[provincial_winner["nominee"]].id, national["31.71"].id],
                 "eligibility": "eligible"})
    client.post(reverse("committee-nomination-screen", args=[n.id]),
                {"nomination": [national["31.72"].id], "eligibility": "ineligible", "reason": "Berkas tidak lengkap"})
    stages = {s.kind: s for s in n.stages.all()}
    for action, kind in (("open", "screening"), ("close", "screening"), ("open", "assessment")):
        client.post(reverse("committee-stage-action", args=[n.id, stages[kind].id, action]))
    panel = Panel.objects.create(round=n, name="Juri Nasional")
    panel.members.add(award.users["penilai2"], award.users["penilai3"])
    client.post(reverse("committee-assignment-action", args=[n.id, "auto"]),
                {"category": pemkab.id, "stage": stages["assessment"].id, "per_nomination": "2", "cap": "5"})
    assignments = Assignment.objects.filter(stage=stages["assessment"]).select_related(
        "nomination__category", "nomination__nominee", "stage", "reviewer")
    assert sorted((a.nomination.nominee.code, a.reviewer.username) for a in assignments) == sorted([
        (provincial_winner["nominee"], "penilai2"), (provincial_winner["nominee"], "penilai3"),
        ("31.71", "penilai2"), ("31.71", "penilai3")])
    submit_all(assignments, lambda a, c: (90 if c.code == "komitmen" else 9) if a.nomination.nominee.code != "31.71"
               else (60 if c.code == "komitmen" else 5))
    for action, kind in (("close", "assessment"), ("open", "interview"), ("close", "interview")):
        client.post(reverse("committee-stage-action", args=[n.id, stages[kind].id, action]))

    # Leaderboard (once the job that follows each change has recomputed the standings), freeze, publish.
    from awards.services.standings import standings_refresh

    standings_refresh()
    leaderboard = client.get(reverse("committee-leaderboard", args=[n.id, pemkab.id]) + f"?tahap={stages['interview'].id}")
    ranked = [row.record.nomination.nominee.code for row in leaderboard.context["table"].page.object_list]
    ranking = rank_group(pemkab, n, stages["interview"])
    assert ranked == [row.nominee_code for row in ranking.rows]
    assert "31.72" not in ranked
    client.post(reverse("committee-freeze", args=[n.id, pemkab.id]), {"stage": stages["interview"].id, "confirm": "yes"})
    national_result = ResultSnapshot.objects.get(round=n)
    assert (national_result.interim, national_result.previous) == (False, provincial_result)
    client.post(reverse("committee-snapshot-publish", args=[national_result.id]), {"confirm": "yes"})

    client.logout()
    public = client.get(reverse("public-results"))
    assert [(g["content"]["round"]["key"], g["content"]["category"]["code"], [w["nominee"] for w in g["winners"]])
            for g in public.context["groups"]] == [
        ("national", "pemkab", [row.nominee_code for row in ranking.rows[:3]]),
        ("18", "pemkab", [row["nominee"] for row in json.loads(provincial_result.content)["ranking"]["rows"][:3]]),
    ]
    with translation.override("en"):
        call_command("verify_results")
    assert capsys.readouterr().out == ("All 3 frozen results verified: every digest matches its content and every "
                                       "edition's chain is whole.\n")
    assert n.stages.get(kind="interview").status == StageStatus.CLOSED
    assert Nomination.objects.get(pk=national["31.72"].pk).eligibility == Eligibility.INELIGIBLE
    assert list(AuditEvent.objects.filter(id__gt=before, action__in=[
        "result_freeze", "result_publish", "nomination_advance", "nomination_add", "stage_open", "stage_close",
    ]).order_by("id").values_list("action", flat=True)) == [
        "stage_close", "result_freeze", "stage_open", "stage_close", "result_freeze", "result_publish",
        "nomination_advance", "nomination_add", "nomination_add",
        "stage_open", "stage_close", "stage_open", "stage_close", "stage_open", "stage_close", "result_freeze",
        "result_publish"]
