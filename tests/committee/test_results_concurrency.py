"""Two committee members freezing results of one edition at the same instant (PostgreSQL, one connection
each): the edition's row serialises them, so both land and the second follows the first in the chain.
Kept apart from the demo edition that the other result tests share within their module."""
import pytest
from django.db import connection
from django.utils import translation

from awards.models import ResultSnapshot, StageStatus
from awards.services.result_checks import results_verify
from awards.services.results import result_freeze
from tests.threads import at_once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need PostgreSQL")
def test_two_members_freezing_in_two_rounds_at_once_both_land_one_after_the_other():
    from django.contrib.auth import get_user_model

    from awards.models import Profile, Role
    from tests.scoring import factories as f

    edition = f.edition()
    rounds = [f.provincial_round(edition, "18"), f.provincial_round(edition, "31")]
    category = f.category(edition)
    f.metric_criterion(category, "cakupan", "linear", "workers_total", low=0, high=100)
    stages = [f.stage(round_, "assessment", status=StageStatus.CLOSED) for round_ in rounds]
    for round_ in rounds:
        f.nomination(round_, category, f.nominee())
    members = []
    for username in ("ani", "budi"):
        user = get_user_model().objects.create_user(username=username, password="x")
        Profile.objects.create(user=user, role=Role.COMMITTEE)
        members.append(user)
    results = at_once(*[
        (lambda r=r, s=s, m=m: result_freeze(round_=r, category=category, stage=s, acting_user=m))
        for r, s, m in zip(rounds, stages, members, strict=True)])
    assert all(isinstance(result, ResultSnapshot) for result in results), results
    first, second = sorted(results, key=lambda s: s.id)
    assert (first.previous_id, second.previous_id, first.interim, second.interim) == (None, first.id, False, False)
    with translation.override("en"):
        assert results_verify() == []
