"""Two committee members acting at the same instant (PostgreSQL, one connection each): nominating the same
nominee, posting the same assignment, assigning a panel in bulk, screening one nomination both ways."""
from functools import partial

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from awards.models import Assignment, AuditEvent, Nomination, Panel, Profile, Role
from awards.services.assignments import AssignmentError, assignment_add, assignments_bulk
from awards.services.nominations import NominationError, nomination_add, nominations_screen
from tests.scoring import factories as f
from tests.threads import at_once

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TRIALS = 5


def member(username, role=Role.COMMITTEE, province=None):
    user = get_user_model().objects.create_user(username=username, password="x", first_name=username.title())
    Profile.objects.create(user=user, role=role, province=province)
    return user


@pytest.fixture
def edition_setup():
    edition = f.edition()
    national, provincial = f.national_round(edition), f.provincial_round(edition)
    category = f.category(edition)
    stage = f.stage(provincial, "assessment", status="open")
    return {"edition": edition, "national": national, "provincial": provincial, "category": category,
            "stage": stage, "ani": member("ani"), "budi": member("budi")}


def test_the_same_nominee_nominated_in_two_rounds_at_once_lands_once(edition_setup):
    s = edition_setup
    for trial in range(TRIALS):
        nominee = f.nominee(name=f"Kota Uji {trial}")
        results = at_once(
            partial(nomination_add, round_=s["national"], category=s["category"], nominee=nominee,
                    acting_user=s["ani"]),
            partial(nomination_add, round_=s["provincial"], category=s["category"], nominee=nominee,
                    acting_user=s["budi"]),
        )
        created = [r for r in results if isinstance(r, Nomination)]
        refused = [r for r in results if isinstance(r, NominationError)]
        assert (len(created), len(refused)) == (1, 1), results
        assert "already nominated in this category in this edition" in str(refused[0])
        assert Nomination.objects.filter(category=s["category"], nominee=nominee).count() == 1
    assert AuditEvent.objects.filter(action="nomination_add").count() == TRIALS


def test_the_same_assignment_posted_twice_at_once_lands_once(edition_setup):
    s = edition_setup
    reviewer = member("rina", Role.REVIEWER, f.province())
    Panel.objects.create(round=s["provincial"], name="Tim Sembilan").members.add(reviewer)
    for _trial in range(TRIALS):
        nomination = f.nomination(s["provincial"], s["category"])
        results = at_once(*[
            partial(assignment_add, nomination=nomination, stage=s["stage"], reviewer=reviewer, acting_user=user)
            for user in (s["ani"], s["budi"])
        ])
        created = [r for r in results if isinstance(r, Assignment)]
        refused = [r for r in results if isinstance(r, AssignmentError)]
        assert (len(created), len(refused)) == (1, 1), results
        assert str(refused[0]) == "Rina is already assigned to this nomination."
        assert Assignment.objects.filter(nomination=nomination).count() == 1


def test_two_bulk_assignments_at_once_neither_fail_nor_duplicate(edition_setup):
    s = edition_setup
    reviewers = [member(f"penilai{i}", Role.REVIEWER, f.province()) for i in range(3)]
    panel = Panel.objects.create(round=s["provincial"], name="Tim Sembilan")
    panel.members.add(*reviewers)
    nominations = [f.nomination(s["provincial"], s["category"]) for _ in range(4)]
    results = at_once(*[
        partial(assignments_bulk, panel=panel, category=s["category"], stage=s["stage"], acting_user=user)
        for user in (s["ani"], s["budi"])
    ])
    assert sorted(len(r.created) for r in results) == [0, 12], results
    assert Assignment.objects.filter(nomination__in=nominations).count() == 12


def test_screening_one_nomination_both_ways_at_once_refuses_the_second(edition_setup):
    s = edition_setup
    for _trial in range(TRIALS):
        nomination = f.nomination(s["provincial"], s["category"], eligibility="pending")
        seen = {nomination.pk: "pending"}
        results = at_once(
            partial(nominations_screen, nominations=[nomination], eligibility="eligible", reason="",
                    acting_user=s["ani"], seen=seen),
            partial(nominations_screen, nominations=[nomination], eligibility="ineligible", reason="Berkas kurang",
                    acting_user=s["budi"], seen=seen),
        )
        refused = [r for r in results if isinstance(r, NominationError)]
        assert len(refused) == 1, results
        nomination.refresh_from_db()
        winner, decided = ("Ani", "Eligible") if nomination.eligibility == "eligible" else (
            "Budi", "Not eligible (Berkas kurang)")
        assert str(refused[0]).startswith(f"{nomination.nominee.name} was screened by {winner} while you were "
                                          f"deciding: now {decided}.")
        assert AuditEvent.objects.filter(action="nomination_screen", object_id=str(nomination.pk)).count() == 1
