"""Fixtures of the metrics import/export tests: a few regions, users by role, files written on the fly."""
import csv

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from awards.models import MetricValue, Nominee, Profile, Region, Role

EMPLOYER_HEADER = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "size", "sector",
                   "employees_total", "employees_registered", "wages_reported_pct", "contributions_on_time_months"]


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English (the msgids); the default language is Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture
def regions(db):
    lampung = Region.objects.create(code="18", name="Lampung", level=1, type="provinsi")
    metro = Region.objects.create(code="18.72", name="Kota Metro", level=2, type="kota", parent=lampung,
                                  province=lampung)
    district = Region.objects.create(code="18.72.01", name="Metro Pusat", level=3, type="kecamatan", parent=metro,
                                     province=lampung)
    Region.objects.create(code="18.72.01.1001", name="Metro", level=4, type="kelurahan", parent=district,
                          province=lampung)
    jakarta = Region.objects.create(code="31", name="DKI Jakarta", level=1, type="provinsi")
    Region.objects.create(code="31.71", name="Jakarta Selatan", level=2, type="kota", parent=jakarta,
                          province=jakarta)
    return {"lampung": lampung, "jakarta": jakarta}


@pytest.fixture
def users(db, regions):
    def make(username, role, province=None):
        user = get_user_model().objects.create_user(username=username, password="pw")
        Profile.objects.create(user=user, role=role, province=province)
        return user

    return {
        "committee": make("pusat", Role.COMMITTEE),
        "provincial_committee": make("lampung", Role.PROVINCIAL_COMMITTEE, regions["lampung"]),
        "reviewer": make("juri", Role.REVIEWER, regions["lampung"]),
        "observer": make("pemantau", Role.OBSERVER),
    }


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, name="metrics.csv", delimiter=",", header=EMPLOYER_HEADER, encoding="utf-8"):
        path = tmp_path / name
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            if header is not None:
                writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


def database_state():
    """Everything an import can touch, as plain data: nominees and (code, year, metric) -> value."""
    nominees = list(Nominee.objects.order_by("code").values_list(
        "code", "kind", "name", "region_id", "province_id", "employer_number", "size", "sector"))
    values = {(code, year, metric): value for code, year, metric, value in MetricValue.objects.values_list(
        "nominee__code", "year", "metric__code", "value")}
    return nominees, values


def values_of(code, year=2024):
    return {metric: value for metric, value in MetricValue.objects.filter(nominee__code=code, year=year).values_list(
        "metric__code", "value")}


def national_committee():
    """The national committee member the tests import as (made on first use)."""
    user, created = get_user_model().objects.get_or_create(username="importer")
    if created:
        Profile.objects.create(user=user, role=Role.COMMITTEE)
    return user
