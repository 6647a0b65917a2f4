"""The metric rows cache of the committee pages: any write to an input changes the version the database
keeps (migration 0009), and a page never shows metric scores of inputs that have changed."""
from decimal import Decimal as D

import pytest
from django.db import connection

from awards.models import Criterion, Eligibility, MetricValue, Nomination, Nominee, Stage
from awards.scoring.metric_cache import _version_sql

from .factories import ranking_group
from .test_judged_cache import fresh, leaderboard, plain_and_cached, shows_every_change


def version():
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return cursor.fetchone()[0]


def cached_groups():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM awards_metricrowscache")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_write_to_an_input_changes_the_version(award):
    """Writes of every kind, also QuerySet.update and raw SQL, on each of the four tables, each one even
    within one transaction (a transaction may rank, write, and rank again)."""
    category, nominations = ranking_group(award, 3)
    nominee = nominations[0].nominee
    value = MetricValue.objects.filter(nominee=nominee).first()
    stage = award.stages["assessment"]
    writes = [
        lambda: MetricValue.objects.filter(nominee=nominee, metric=value.metric).update(value=D(900)),
        lambda: MetricValue.objects.filter(nominee=nominee, metric=value.metric).delete(),
        lambda: MetricValue.objects.create(nominee=nominee, year=value.year, metric=value.metric, value=D(800)),
        lambda: Nominee.objects.filter(pk=nominee.pk).update(name="Renamed"),
        lambda: Nomination.objects.filter(pk=nominations[1].pk).update(eligibility=Eligibility.INELIGIBLE,
                                                                       eligibility_reason="x"),
        lambda: Nomination.objects.filter(pk=nominations[2].pk).delete(),
        lambda: Stage.objects.filter(pk=stage.pk).update(position=stage.position),  # the same value: still a write
        lambda: connection.cursor().execute("UPDATE awards_nominee SET code = code WHERE id = %s", [nominee.pk]),
        lambda: Nominee.objects.create(code="new-nominee", kind="regency_government", name="New", province_id="18",
                                       region=nominee.region),
    ]
    seen = [version()]
    for write in writes:
        write()
        seen.append(version())
    assert len(set(seen)) == len(seen), seen


@pytest.mark.django_db
def test_leaderboard_reads_the_metric_rows_cache_and_never_shows_changed_inputs_stale(client, award):
    category, nominations = ranking_group(award, 12)
    client.force_login(award.committee)
    first, filled = leaderboard(client, award, category)
    assert first == fresh(award, category) and cached_groups() >= 1
    again, hit = leaderboard(client, award, category)
    assert again == first and hit < filled

    metric = Criterion.objects.get(category=category, code="cakupan").metric
    changes = [
        lambda: MetricValue.objects.filter(nominee=nominations[4].nominee, metric=metric).update(value=D(990)),
        lambda: MetricValue.objects.filter(nominee=nominations[6].nominee, metric=metric).delete(),
        lambda: Nominee.objects.filter(pk=nominations[1].nominee_id).update(code="uji-9999"),
        lambda: Nomination.objects.filter(pk=nominations[0].pk).update(eligibility=Eligibility.INELIGIBLE,
                                                                       eligibility_reason="x"),
        lambda: Nomination.objects.filter(pk=nominations[2].pk).update(eliminated_after=award.stages["screening"]),
        lambda: Criterion.objects.filter(category=category, code="cakupan").update(low=D(40)),
    ]
    shows_every_change(client, award, category, first, changes)


@pytest.mark.django_db
def test_a_group_from_the_cache_ranks_exactly_as_computed(award):
    _nominations, plain, cached = plain_and_cached(award, 20)
    assert cached.as_data() == plain.as_data()
    assert cached.results["assessment"].metric_rows == plain.results["assessment"].metric_rows

