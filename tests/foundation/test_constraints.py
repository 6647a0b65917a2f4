"""The database itself refuses data that breaks the domain's rules."""
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from awards.models import (
    Category,
    Criterion,
    Edition,
    MetricDefinition,
    MetricValue,
    Nominee,
    Region,
    Round,
    Stage,
)


@pytest.fixture
def metro(lampung):
    return Nominee.objects.create(
        code="18.72", kind="regency_government", name="Pemerintah Kota Metro",
        region=Region.objects.get(code="18.72"), province=lampung,
    )


def metric(code):
    return MetricDefinition.objects.get(code=code)


def put(nominee, code, value, year=2025):
    return MetricValue.objects.create(nominee=nominee, year=year, metric=metric(code), value=Decimal(value))


def refused(fn, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn(*args, **kwargs)


def test_metric_definitions_are_seeded_rows(db):
    assert MetricDefinition.objects.count() == 29
    assert metric("workers_protected").not_above == metric("workers_total")
    assert metric("coverage_target_pct").max_value == Decimal("100")
    assert metric("contributions_on_time_months").max_value == Decimal("12")
    assert metric("programs_enrolled").max_value == Decimal("5")


def test_protected_above_total_is_refused_by_the_database(metro):
    put(metro, "workers_total", "1000")
    refused(put, metro, "workers_protected", "1001")
    assert MetricValue.objects.filter(metric__code="workers_protected").count() == 0
    put(metro, "workers_protected", "1000")


def test_total_below_protected_is_refused_by_the_database(metro):
    put(metro, "workers_protected", "500")
    refused(put, metro, "workers_total", "499")
    total = put(metro, "workers_total", "800")
    total.value = Decimal("400")
    refused(total.save)
    assert MetricValue.objects.get(pk=total.pk).value == Decimal("800")


def test_bound_applies_only_within_the_same_year(metro):
    put(metro, "workers_total", "100", year=2024)
    put(metro, "workers_protected", "150", year=2025)
    assert MetricValue.objects.count() == 2


def raw(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_value_must_name_an_existing_nominee_and_metric(metro):
    """The references are checked by triggers (migration 0005), not by foreign keys: still refused."""
    missing = Nominee.objects.order_by("-id").values_list("id", flat=True).first() + 1000
    workers_total = metric("workers_total").id
    insert = "INSERT INTO awards_metricvalue (nominee_id, year, metric_id, value) VALUES (%s, 2025, %s, 1)"
    refused(raw, insert, [missing, workers_total])
    refused(raw, insert, [metro.id, 99999])
    put(metro, "workers_total", "10")
    refused(raw, "UPDATE awards_metricvalue SET nominee_id = %s WHERE nominee_id = %s", [missing, metro.id])
    assert MetricValue.objects.get(nominee=metro).value == Decimal("10")


def test_a_statement_over_a_run_of_nominee_ids_is_refused_when_one_id_in_it_is_missing(metro, lampung):
    """Migration 0013 proves a statement's nominees present by counting their id range when they fill
    it; a gap in the range falls back to checking each nominee."""
    second = Nominee.objects.create(code="18.72.01.1001", kind="village", name="Metro",
                                    region=Region.objects.get(code="18.72.01.1001"), province=lampung)
    workers_total = metric("workers_total").id
    insert = ("INSERT INTO awards_metricvalue (nominee_id, year, metric_id, value) "
              "VALUES (%s, 2025, %s, 1), (%s, 2025, %s, 1)")
    gap = second.id + 1  # no nominee has it: the run from metro to it is not full
    refused(raw, insert, [second.id, workers_total, gap, workers_total])
    refused(raw, insert, [metro.id, workers_total, gap + 5, workers_total])
    raw(insert, [metro.id, workers_total, second.id, workers_total])
    assert MetricValue.objects.count() == 2


def test_one_statement_writing_many_values_is_checked_as_a_whole(metro, lampung):
    """A bulk statement (how imports write) is refused when any of its values breaks a rule, whether the
    total is in the same statement or already stored; a valid one goes in."""
    other = Nominee.objects.create(code="NPP2", employer_number="NPP2", kind="business", name="PT Contoh",
                                   region=Region.objects.get(code="18.72"), province=lampung)
    total, part, pct = metric("workers_total").id, metric("workers_protected").id, metric("coverage_target_pct").id
    insert = "INSERT INTO awards_metricvalue (nominee_id, year, metric_id, value) VALUES " + ", ".join(
        ["(%s, 2025, %s, %s)"] * 4)
    refused(raw, insert, [metro.id, total, 100, metro.id, part, 90, other.id, total, 50, other.id, part, 51])
    refused(raw, insert, [metro.id, total, 100, metro.id, part, 90, other.id, total, 50, other.id, pct, 101])
    put(other, "workers_total", "50")
    refused(raw, "INSERT INTO awards_metricvalue (nominee_id, year, metric_id, value) VALUES "
                 "(%s, 2025, %s, 10), (%s, 2025, %s, 51)", [metro.id, total, other.id, part])
    assert MetricValue.objects.count() == 1
    raw(insert.replace(", (%s, 2025, %s, %s)", "", 1),
        [metro.id, total, 100, metro.id, part, 90, other.id, part, 50])
    assert MetricValue.objects.count() == 4


def test_no_value_is_left_without_its_nominee_or_metric(metro):
    """Behind the ORM, deleting a nominee or definition that has values is refused on PostgreSQL and
    takes the values with it on SQLite (migration 0008: Django's flush deletes tables in any order);
    changing its id is refused on both. The ORM's CASCADE removes a nominee's values first."""
    from django.db import connection

    put(metro, "workers_total", "10")
    refused(raw, "UPDATE awards_nominee SET id = id + 100000 WHERE id = %s", [metro.id])
    refused(raw, "UPDATE awards_metricdefinition SET id = id + 100000 WHERE code = 'workers_total'")
    if connection.vendor == "postgresql":
        refused(raw, "DELETE FROM awards_nominee WHERE id = %s", [metro.id])
        refused(raw, "DELETE FROM awards_metricdefinition WHERE code = 'workers_total'")
        assert MetricValue.objects.filter(nominee=metro).count() == 1
        metro.delete()
    else:
        raw("DELETE FROM awards_nominee WHERE id = %s", [metro.id])
    assert MetricValue.objects.count() == 0


def test_percentage_outside_0_100_is_refused(metro):
    refused(put, metro, "coverage_target_pct", "100.5")
    refused(put, metro, "workers_total", "-1")
    put(metro, "coverage_target_pct", "100")


def test_months_outside_0_12_are_refused(lampung):
    shop = Nominee.objects.create(code="NPP1", employer_number="NPP1", kind="umkm", name="UD Contoh",
                                  region=Region.objects.get(code="18.72"), province=lampung)
    refused(put, shop, "contributions_on_time_months", "13")
    put(shop, "contributions_on_time_months", "12")


def test_business_without_employer_number_is_refused(lampung):
    refused(Nominee.objects.create, code="X", kind="business", name="PT Contoh",
                                           region=lampung, province=lampung)


def test_weights_must_be_positive(lampung):
    edition = Edition.objects.create(year=2025, name="2025")
    category = Category.objects.create(edition=edition, code="pemkab", name_id="Pemkab", name_en="Regency",
                                       nominee_kind="regency_government")
    refused(Criterion.objects.create, category=category, stage_kind="assessment", code="k", name_id="k",
                                             name_en="k", kind="judged", weight=Decimal("0"))
    refused(Criterion.objects.create, category=category, stage_kind="assessment", code="m", name_id="m",
                                             name_en="m", kind="metric", weight=Decimal("1"), rule="linear",
                                             metric=metric("workers_total"), low=10, high=5)
    national = Round.objects.create(edition=edition, level="national")
    refused(Stage.objects.create, round=national, kind="screening", position=1, weight=Decimal("10"))


def test_rounds_one_per_province_and_one_national(lampung):
    edition = Edition.objects.create(year=2025, name="2025")
    Round.objects.create(edition=edition, level="national")
    Round.objects.create(edition=edition, level="provincial", province=lampung)
    refused(Round.objects.create, edition=edition, level="national")
    refused(Round.objects.create, edition=edition, level="provincial", province=lampung)
    refused(Round.objects.create, edition=edition, level="provincial")


def test_sqlite_keeps_metric_values_in_their_key_and_checks_them_with_one_trigger_per_event(db):
    """Migration 0010: one B-tree for the values (WITHOUT ROWID) and one checking trigger per event; the
    cascades of its nominee and definition are those of 0008."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite table layout")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'awards_metricvalue'")
        assert cursor.fetchone()[0].endswith("WITHOUT ROWID")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'awards_metricvalue'")
        names = {name for (name,) in cursor.fetchall()}
    # The scoring version's triggers (0009) went with the ranking caches (0019).
    assert names == {"awards_metricvalue_check_insert", "awards_metricvalue_check_update"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps its foreign keys (0012)")
def test_postgresql_checks_a_nominees_region_per_statement_and_keeps_named_regions(metro):
    """Migration 0012: the region references are checked by statement triggers, not row foreign keys."""
    refused(raw, "INSERT INTO awards_nominee (code, kind, name, region_id, province_id, employer_number, size, "
                 "sector) VALUES ('X1', 'village', 'X', '99.99', '18', '', '', '')")
    refused(raw, "UPDATE awards_nominee SET province_id = '99' WHERE id = %s", [metro.id])
    refused(raw, "DELETE FROM awards_region WHERE code = '18.72'")
    refused(raw, "UPDATE awards_region SET code = '18.99' WHERE code = '18.72'")
    raw("UPDATE awards_nominee SET name = 'Kota Metro' WHERE id = %s", [metro.id])
    assert list(Nominee.objects.values_list("name", "region_id", "province_id")) == [("Kota Metro", "18.72", "18")]
