"""Nominations by hand, screening one and many, and proposals of the top K per province."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.models import AuditEvent, Category, Criterion, Eligibility, Nomination, Nominee
from awards.scoring import nomination_metric_scores
from awards.services.nominations import (
    NominationError,
    nomination_add,
    nomination_proposals,
    nominations_screen,
)


@pytest.fixture
def jakarta_regency(award):
    from awards.models import Region

    region = Region.objects.create(code="31.71", name="Kota Jakarta Pusat", level=2, type="kota", parent_id="31",
                                   province_id="31")
    return Nominee.objects.create(code="31.71", kind="regency_government", name="Pemerintah Kota Jakarta Pusat",
                                  region=region, province_id="31")


def test_add_by_hand_checks_kind_scope_and_once_per_edition(award, jakarta_regency):
    business = Nominee.objects.get(code="DEMO-BU-001")
    with pytest.raises(NominationError, match="the category takes"):
        nomination_add(round_=award.national, category=award.pemkab, nominee=business, acting_user=award.committee)
    metro = Nominee.objects.get(code="18.72")
    with pytest.raises(NominationError, match="already nominated in this category in this edition"):
        nomination_add(round_=award.national, category=award.pemkab, nominee=metro, acting_user=award.committee)
    with pytest.raises(NominationError, match="screening stage of this round is closed"):
        nomination_add(round_=award.provincial, category=Category.objects.get(code="pelayanan-publik"),
                       nominee=Nominee.objects.get(code="18.03"), acting_user=award.committee)
    with pytest.raises(PermissionDenied):
        nomination_add(round_=award.national, category=award.pemkab, nominee=jakarta_regency,
                       acting_user=award.provincial_committee)
    nomination = nomination_add(round_=award.national, category=award.pemkab, nominee=jakarta_regency,
                                acting_user=award.committee)
    assert (nomination.eligibility, nomination.created_by) == (Eligibility.PENDING, award.committee)
    event = AuditEvent.objects.get(action="nomination_add", object_id=str(nomination.id))
    assert (event.object_id, event.changes) == (str(nomination.id), {"eligibility": [None, "pending"]})


def test_a_provincial_round_takes_only_its_own_province(award, jakarta_regency):
    award.stages["screening"].status = "open"
    award.stages["screening"].save()
    with pytest.raises(NominationError, match="not in this round's province"):
        nomination_add(round_=award.provincial, category=award.pemkab, nominee=jakarta_regency,
                       acting_user=award.committee)


def test_screening_needs_a_reason_for_not_eligible_and_audits_each(award, jakarta_regency):
    pemprov = Nomination.objects.get(round=award.national)
    other = nomination_add(round_=award.national, category=award.pemkab, nominee=jakarta_regency,
                           acting_user=award.committee)
    with pytest.raises(NominationError, match="reason"):
        nominations_screen(nominations=[pemprov, other], eligibility="ineligible", reason=" ",
                           acting_user=award.committee)
    with pytest.raises(PermissionDenied):
        nominations_screen(nominations=[pemprov], eligibility="eligible", reason="", acting_user=award.observer)
    demo_events = AuditEvent.objects.filter(action="nomination_screen").count()  # the demo's own screening
    changed = nominations_screen(nominations=[pemprov, other], eligibility="ineligible",
                                 reason="Dokumen tidak lengkap", acting_user=award.committee)
    assert sorted(n.id for n in changed) == sorted([pemprov.id, other.id])
    assert list(Nomination.objects.filter(pk__in=[pemprov.id, other.id]).values_list("eligibility", "eligibility_reason")
                .order_by().distinct()) == [("ineligible", "Dokumen tidak lengkap")]
    events = AuditEvent.objects.filter(action="nomination_screen").order_by("id")[demo_events:]
    assert [(e.object_id, e.changes) for e in events] == [
        (str(pemprov.id), {"eligibility": ["eligible", "ineligible"], "eligibility_reason": ["", "Dokumen tidak lengkap"]}),
        (str(other.id), {"eligibility": ["pending", "ineligible"], "eligibility_reason": ["", "Dokumen tidak lengkap"]}),
    ]
    # Screening again with the same decision changes nothing and writes nothing.
    assert nominations_screen(nominations=[pemprov], eligibility="ineligible", reason="Dokumen tidak lengkap",
                              acting_user=award.committee) == []
    assert AuditEvent.objects.filter(action="nomination_screen").count() == demo_events + 2


def test_screening_is_refused_once_the_screening_stage_closed(award):
    nomination = Nomination.objects.filter(round=award.provincial).first()
    with pytest.raises(NominationError, match="closed"):
        nominations_screen(nominations=[nomination], eligibility="ineligible", reason="x", acting_user=award.committee)


def test_proposals_rank_by_metric_criteria_and_write_nothing(award):
    counts = (Nomination.objects.count(), Category.objects.count(), Criterion.objects.count())
    proposals = nomination_proposals(round_=award.provincial, category=award.pemkab, top=3,
                                     acting_user=award.provincial_committee)
    # The same order as the engine's metric scores of the existing nominations, weighted.
    stage = award.stages["assessment"]
    weighted = {}
    for nomination in Nomination.objects.filter(round=award.provincial, category=award.pemkab).select_related(
            "nominee", "category__edition"):
        details = nomination_metric_scores(nomination, stage)
        weighted[nomination.nominee.code] = sum(d.criterion.weight * (d.score or 0) for d in details)
    top3 = sorted(weighted, key=lambda code: weighted[code], reverse=True)[:3]
    assert [(p.province_id, p.rank, p.nominee.code, p.nominated) for p in proposals] == [
        ("18", 1, top3[0], True), ("18", 2, top3[1], True), ("18", 3, top3[2], True)]
    assert top3 == ["18.01", "18.72", "18.10"]
    assert (Nomination.objects.count(), Category.objects.count(), Criterion.objects.count()) == counts
    villages = nomination_proposals(round_=award.national, category=Category.objects.get(code="desa"), top=1,
                                    acting_user=award.committee)
    assert [(p.province_id, p.rank, p.nominated) for p in villages] == [("18", 1, True)]


def test_nominations_pages_add_screen_and_confirm_proposals(english, award, jakarta_regency):
    english.force_login(award.committee)
    n = award.national
    page = english.get(reverse("committee-nominations", args=[n.id]))
    assert [row.record.nominee.code for row in page.context["table"].page.object_list] == ["18"]
    response = english.post(reverse("committee-nomination-add", args=[n.id]),
                            {"category": award.pemkab.id, "nominee": "31.71"})
    assert response.url == reverse("committee-nominations", args=[n.id])
    added = Nomination.objects.get(round=n, nominee=jakarta_regency)
    response = english.post(reverse("committee-nomination-screen", args=[n.id]),
                            {"nomination": [added.id], "eligibility": "eligible", "reason": ""})
    added.refresh_from_db()
    assert added.eligibility == "eligible"
    page = english.post(reverse("committee-nomination-add", args=[n.id]),
                        {"category": award.pemkab.id, "nominee": "nope"}, follow=True).content.decode()
    assert "No nominee has the code or employer number “nope”." in page

    umk = Category.objects.get(code="umk")
    page = english.get(reverse("committee-proposals", args=[n.id]) + f"?category={umk.id}&top=1")
    [proposal] = page.context["proposals"]
    assert (proposal.nominated, proposal.rank) == (True, 1)
    filtered = english.get(reverse("committee-nominations", args=[n.id]) + "?eligibility=eligible&search=Jakarta")
    assert [row.record.id for row in filtered.context["table"].page.object_list] == [added.id]


@pytest.mark.parametrize("username", ["pemantau", "penilai1", "panitia_lampung"])
def test_national_nominations_cannot_be_changed_out_of_scope(client, award, username):
    client.force_login(award.users[username])
    n = award.national
    assert client.post(reverse("committee-nomination-add", args=[n.id]),
                       {"category": award.pemkab.id, "nominee": "18.72"}).status_code == 403
    assert client.get(reverse("committee-proposals", args=[n.id])).status_code == 403


def test_a_stale_screening_page_is_refused_saying_who_decided_what(english, award, jakarta_regency):
    n = award.national
    added = nomination_add(round_=n, category=award.pemkab, nominee=jakarta_regency, acting_user=award.committee)
    english.force_login(award.committee)
    page = english.get(reverse("committee-nominations", args=[n.id])).content.decode()
    assert f'<input type="hidden" name="seen-{added.id}" value="pending" form="bulk-screen">' in page
    # Meanwhile a colleague decides; the page still shows "pending".
    colleague = award.users["panitia"]
    nominations_screen(nominations=[added], eligibility="ineligible", reason="Berkas tidak lengkap",
                       acting_user=colleague)
    response = english.post(reverse("committee-nomination-screen", args=[n.id]),
                            {"nomination": [added.id], f"seen-{added.id}": "pending", "eligibility": "eligible",
                             "reason": ""}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert (f"Pemerintah Kota Jakarta Pusat was screened by {colleague.get_full_name()} while you were deciding: "
            f"now Not eligible (Berkas tidak lengkap). Nothing was changed") in text
    added.refresh_from_db()
    assert (added.eligibility, added.eligibility_reason) == ("ineligible", "Berkas tidak lengkap")
    assert AuditEvent.objects.filter(action="nomination_screen", object_id=str(added.id)).count() == 1
    # With the page as it is now, the decision goes through.
    english.post(reverse("committee-nomination-screen", args=[n.id]),
                 {"nomination": [added.id], f"seen-{added.id}": "ineligible", "eligibility": "eligible", "reason": ""})
    added.refresh_from_db()
    assert added.eligibility == "eligible"


def test_the_database_refuses_a_second_nomination_of_a_nominee_in_a_category(award, jakarta_regency):
    from django.db import IntegrityError, transaction

    nomination_add(round_=award.national, category=award.pemkab, nominee=jakarta_regency, acting_user=award.committee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(round=award.provincial, category=award.pemkab, nominee=jakarta_regency)
    # Advancement is the exception: the national nomination names the provincial one it came from.
    metro = Nomination.objects.get(round=award.provincial, category=award.pemkab, nominee__code="18.72")
    Nomination.objects.create(round=award.national, category=award.pemkab, nominee=metro.nominee, advanced_from=metro)
    assert Nomination.objects.filter(category=award.pemkab, nominee=metro.nominee).count() == 2


@pytest.mark.parametrize("target", ["https://evil.example/panitia/", "//evil.example/", "javascript:alert(1)"])
def test_screening_goes_back_only_to_a_page_of_this_site(english, award, target):
    english.force_login(award.committee)
    n = award.national
    response = english.post(reverse("committee-nomination-screen", args=[n.id]),
                            {"nomination": [], "eligibility": "eligible", "next": target})
    assert response.url == reverse("committee-nominations", args=[n.id])
    here = reverse("committee-nominations", args=[n.id]) + "?eligibility=eligible"
    response = english.post(reverse("committee-nomination-screen", args=[n.id]),
                            {"nomination": [], "eligibility": "eligible", "next": here})
    assert response.url == here


def test_a_round_without_nominations_or_categories_lists_none(english, award):
    """A new edition's national round: no category and no nomination yet (PostgreSQL compiled the page's
    key query to nothing and failed)."""
    from awards.models import Edition, Round

    edition = Edition.objects.create(year=2026, name="Paritrana Award 2026")
    round_ = Round.objects.create(edition=edition, level="national")
    english.force_login(award.committee)
    for query in ("", "?sort=nominee", "?search=Lampung"):
        response = english.get(reverse("committee-nominations", args=[round_.id]) + query)
        assert response.status_code == 200, query
        assert response.context["table"].paginator.count == 0


def test_the_forms_are_offered_only_while_screening_is_open(english, award):
    from awards.models import Stage
    from awards.services.stages import stage_close, stage_open

    english.force_login(award.committee)
    url = reverse("committee-nominations", args=[award.national.id])
    page = english.get(url).content.decode()
    assert 'id="bulk-screen"' in page and 'id="add-nomination"' in page and 'id="screening-closed"' not in page
    screening = Stage.objects.get(round=award.national, kind="screening")
    if screening.status == "draft":
        stage_open(stage=screening, acting_user=award.committee)
    stage_close(stage=screening, acting_user=award.committee)
    response = english.get(url)
    page = response.content.decode()
    assert 'id="bulk-screen"' not in page and 'id="add-nomination"' not in page and 'id="import-nominations"' not in page
    assert "The screening stage is closed" in page
    assert "select" not in [column.name for column in response.context["table"].columns]
