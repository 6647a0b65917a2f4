"""Stored standings: every change of a ranking input through a service marks the groups it touches in the
same transaction; until the job that follows the commit has recomputed them, pages show the last rows and
say so; afterwards they show exactly what the scoring engine computes from the inputs."""
from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import Assignment, Criterion, Nomination, Nominee, StandingGroup
from awards.scoring import rank_group
from awards.services.standings import standings_refresh
from tests.jobs import run_worker


def group(award, category=None, stage="assessment"):
    return StandingGroup.objects.get(round=award.provincial, category=category or award.pemkab,
                                     stage=award.stages[stage])


def shown(client, award):
    response = client.get(reverse("committee-leaderboard", args=[award.provincial.id, award.pemkab.id]))
    rows = [(r.record.nomination.nominee.code, r.record.rank, r.record.round_score, tuple(r.record.flags))
            for r in response.context["table"].page.object_list]
    return rows, response.content.decode()


def computed(award):
    ranking = rank_group(award.pemkab, award.provincial, award.stages["assessment"])
    return [(row.nominee_code, row.rank, row.round_score, tuple(row.flags)) for row in ranking.rows]


def submit_penilai1(award):
    """penilai1 submits the top of each scale on the first pemkab nomination (a change that moves the ranking)."""
    from awards.services.reviews import assignment_save_scores

    assignment = (Assignment.objects.filter(reviewer=award.reviewer, nomination__category=award.pemkab,
                                            stage=award.stages["assessment"]).order_by("nomination__nominee__code")
                  .first())
    criteria = Criterion.objects.filter(category=award.pemkab, stage_kind="assessment", kind="judged")
    assignment_save_scores(assignment=assignment, values={c.id: c.scale_max for c in criteria}, notes={}, submit=True,
                           acting_user=award.reviewer)


def test_the_demo_starts_with_every_group_computed(award):
    groups = StandingGroup.objects.filter(round__edition=award.edition)
    assert groups.count() > 0 and not [g for g in groups if g.stale or g.computed_at is None]


def test_a_submitted_score_shows_as_being_updated_until_the_job_has_run(english, award):
    english.force_login(award.observer)
    before, page = shown(english, award)
    assert before == computed(award) and 'id="standings-state"' in page and "Being updated" not in page
    submit_penilai1(award)
    assert group(award).stale
    still, page = shown(english, award)
    assert still == before and "Being updated" in page  # the last rows, and the page says so
    assert computed(award) != before
    run_worker()  # the job queued after the commit
    after, page = shown(english, award)
    assert after == computed(award) and "Being updated" not in page and not group(award).stale


def test_a_draft_changes_no_ranking(award):
    from awards.services.reviews import assignment_save_scores

    assignment = Assignment.objects.filter(reviewer=award.reviewer, nomination__category=award.pemkab,
                                           stage=award.stages["assessment"]).first()
    criterion = Criterion.objects.filter(category=award.pemkab, stage_kind="assessment", kind="judged").first()
    assignment_save_scores(assignment=assignment, values={criterion.id: criterion.scale_max}, notes={}, submit=False,
                           acting_user=award.reviewer)
    assert not group(award).stale


def _conflict(award):
    from awards.services.reviews import assignment_declare_conflict

    assignment = Assignment.objects.filter(nomination__category=award.pemkab, stage=award.stages["assessment"],
                                           status="submitted").first()
    assignment_declare_conflict(assignment=assignment, reason="Kerabat", acting_user=assignment.reviewer)


def _screen(award):
    from awards.services.nominations import nominations_screen

    award.stages["screening"].status = "open"  # set up: screening open again (the demo closed it)
    award.stages["screening"].save()
    nomination = Nomination.objects.filter(round=award.provincial, category=award.pemkab).first()
    nominations_screen(nominations=[nomination], eligibility="ineligible", reason="Dokumen tidak lengkap",
                       acting_user=award.committee)


def _stage_option(award):
    from awards.services.stages import stage_update_options

    stage_update_options(stage=award.stages["interview"], changes={"weight": Decimal("2")},
                         acting_user=award.committee)


def _criterion(award):
    from awards.services.records import record_save

    criterion = Criterion.objects.filter(category=award.pemkab, stage_kind="interview").first()
    criterion.weight = criterion.weight + 1
    record_save(instance=criterion, acting_user=award.committee)


def _nominee(award):
    from awards.services.records import record_save

    nominee = Nominee.objects.get(code="18.72")
    nominee.name = "Pemerintah Kota Metro (baru)"
    record_save(instance=nominee, acting_user=award.committee)


CHANGES = {"conflict": (_conflict, "assessment"), "screening": (_screen, "assessment"),
           "stage weight": (_stage_option, "assessment"), "criterion": (_criterion, "assessment"),
           "nominee": (_nominee, "assessment")}


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_kind_of_change_leaves_its_groups_behind(award, name):
    change, stage = CHANGES[name]
    touched = group(award, stage=stage)
    elsewhere = StandingGroup.objects.filter(round=award.national).first()
    before = (touched.changes, elsewhere.changes)
    change(award)
    touched.refresh_from_db()
    elsewhere.refresh_from_db()
    assert touched.stale and touched.changes > before[0]
    if name in ("conflict", "screening", "stage weight"):  # narrow changes leave other rounds alone
        assert elsewhere.changes == before[1] and not elsewhere.stale
    assert standings_refresh() >= 1 and not group(award, stage=stage).stale


def test_a_group_that_cannot_be_ranked_stores_why_in_each_language(english, award, monkeypatch):
    from django.utils.translation import gettext

    from awards.scoring import ScoringError
    from awards.services import standings

    def refuse(*args, **kwargs):
        raise ScoringError(gettext("Criterion %(code)s has no valid rule.") % {"code": "regulasi"})

    monkeypatch.setattr(standings, "rank_groups", refuse)
    monkeypatch.setattr(standings, "rank_group", refuse)
    stored = group(award)
    StandingGroup.objects.filter(pk=stored.pk).update(changes=stored.changes + 1)
    standings_refresh()
    stored.refresh_from_db()
    assert stored.error == {"id": "Kriteria regulasi tidak memiliki aturan yang valid.",
                            "en": "Criterion regulasi has no valid rule."}
    assert not stored.standings.exists()
    english.force_login(award.observer)
    page = english.get(reverse("committee-leaderboard", args=[award.provincial.id, award.pemkab.id])).content.decode()
    assert "Criterion regulasi has no valid rule." in page


def test_the_leaderboard_reads_in_a_fixed_number_of_queries(client, award, django_assert_max_num_queries):
    from .factories import ranking_group

    category, _nominations = ranking_group(award, 120)
    standings_refresh()
    client.force_login(award.observer)
    url = reverse("committee-leaderboard", args=[award.provincial.id, category.id])
    with django_assert_max_num_queries(14):
        response = client.get(url + "?page=2")
    assert response.context["table"].paginator.count == 120


def test_a_stage_is_ranked_once_it_opens(english, award):
    from awards.services.stages import stage_close, stage_open

    interview = award.stages["interview"]
    assert not StandingGroup.objects.filter(stage=interview).exists()  # a draft stage: nothing to rank yet
    english.force_login(award.observer)
    url = reverse("committee-leaderboard", args=[award.provincial.id, award.pemkab.id]) + f"?tahap={interview.id}"
    assert "This stage has not opened yet" in english.get(url).content.decode()
    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    stage_open(stage=interview, acting_user=award.committee)
    run_worker()
    stored = StandingGroup.objects.get(round=award.provincial, category=award.pemkab, stage=interview)
    assert not stored.stale and stored.standings.count() == len(
        rank_group(award.pemkab, award.provincial, interview).rows)
    assert "Ranking computed at" in english.get(url).content.decode()
