"""The demo edition, seeded once per test module (it takes seconds) and rolled back after it; each test
runs in a savepoint inside it. Adds a provincial committee of another province (DKI Jakarta)."""
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from awards.models import Category, Profile, Region, Role, Round, Stage

OTHER_PROVINCE = "31"


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    from awards.services.demo import demo_seed

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo_seed()
            jakarta = Region.objects.create(code=OTHER_PROVINCE, name="DKI Jakarta", level=1, type="provinsi")
            user = get_user_model().objects.create_user(username="panitia_jakarta", password="pw")
            Profile.objects.create(user=user, role=Role.PROVINCIAL_COMMITTEE, province=jakarta)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def award(demo_module, db):
    """Handles on the demo's edition: users by role, rounds, the pemkab category and its stages."""
    users = {u.username: u for u in get_user_model().objects.all()}
    provincial = Round.objects.select_related("edition", "province").get(level="provincial", province_id="18")
    national = Round.objects.select_related("edition").get(level="national")
    pemkab = Category.objects.select_related("edition").get(code="pemkab")

    class Award:
        pass

    award = Award()
    award.users = users
    award.committee = users["panitia"]
    award.provincial_committee = users["panitia_lampung"]
    award.other_province_committee = users["panitia_jakarta"]
    award.observer = users["pemantau"]
    award.reviewer = users["penilai1"]
    award.provincial, award.national, award.pemkab = provincial, national, pemkab
    award.stages = {s.kind: s for s in Stage.objects.filter(round=provincial)}
    award.edition = provincial.edition
    return award


@pytest.fixture
def frozen(award):
    """The assessment of the pemkab group closed and its result frozen (the result pages and their audit
    rows exist then)."""
    from awards.services.results import result_freeze
    from awards.services.stages import stage_close

    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    award.stages["assessment"].refresh_from_db()
    return result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["assessment"],
                         acting_user=award.committee)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def empty_cache():
    """The public page caches result summaries by digest; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english_messages():
    """Services and commands speak the active language; these tests read their English messages (the
    Indonesian catalogue is someone else's to fill in, so tests never assert it)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def closed(award):
    """The provincial round's assessment stage (weight 60) closed; the interview stage still a draft."""
    from awards.services.stages import stage_close

    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    award.stages["assessment"].refresh_from_db()
    return award.stages["assessment"]


@pytest.fixture
def final(award, closed):
    """The round's last weighted stage (interview, weight 40) opened and closed too: results name winners."""
    from awards.services.stages import stage_close, stage_open

    interview = award.stages["interview"]
    stage_open(stage=interview, acting_user=award.committee)
    stage_close(stage=interview, acting_user=award.committee)
    interview.refresh_from_db()
    return interview


@pytest.fixture
def chain(award):
    """Three results of the edition: an interim one, the final one after it, and a correction of the final."""
    from awards.services.results import result_correct, result_freeze
    from awards.services.stages import stage_close, stage_open

    stage_close(stage=award.stages["assessment"], acting_user=award.committee)
    interim = result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["assessment"],
                            acting_user=award.committee)
    stage_open(stage=award.stages["interview"], acting_user=award.committee)
    stage_close(stage=award.stages["interview"], acting_user=award.committee)
    award.stages["interview"].refresh_from_db()
    final = result_freeze(round_=award.provincial, category=award.pemkab, stage=award.stages["interview"],
                          acting_user=award.committee)
    correction = result_correct(snapshot=final, reason="koreksi", acting_user=award.committee)
    return interim, final, correction
