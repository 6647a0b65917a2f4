"""The protection-metrics export: one edition year, optionally one kind and one province, as CSV or XLSX.

Rows are read in keyset pages of nominees (two queries a page), so memory stays constant whatever
the size; the columns are those the importer reads, so an export imports back unchanged.
"""
import tempfile
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from .. import permissions
from ..models import MetricDefinition, MetricValue, Nominee, Region, Role
from .numbers import decimal_for_xlsx, format_decimal
from .tabular import CsvStreamWriter, neutralise

NOMINEE_HEADER = ["nominee_code", "nominee_kind", "nominee_name", "region_code", "size", "sector"]
PAGE = 2000


@dataclass(frozen=True)
class MetricsExport:
    """What to export: the assessment year, and optionally a nominee kind and a province code."""

    year: int
    kind: str | None = None
    province: str | None = None

    def filename(self, extension):
        parts = ["metrics", str(self.year), self.kind, self.province]
        return "-".join(p for p in parts if p) + "." + extension


def export_provinces_for(user):
    """The provinces `user` may export: their own for a provincial committee, else every province."""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
    if permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE:
        return provinces.filter(code=permissions.province_of(user))
    return provinces


def export_metrics(spec):
    """The metric definitions exported (in position order) for `spec`."""
    definitions = MetricDefinition.objects.order_by("position", "code")
    metrics = list(definitions.values_list("id", "code", "kinds"))
    if spec.kind:
        metrics = [m for m in metrics if spec.kind in (m[2] or ())]
    return [(m[0], m[1]) for m in metrics]


def export_nominees(spec):
    """Nominees with at least one value in the year, filtered by kind and province, by code."""
    nominees = Nominee.objects.filter(
        Exists(MetricValue.objects.filter(nominee=OuterRef("pk"), year=spec.year))
    )
    if spec.kind:
        nominees = nominees.filter(kind=spec.kind)
    if spec.province:
        nominees = nominees.filter(province_id=spec.province)
    return nominees


def export_header(spec):
    return NOMINEE_HEADER + [code for _id, code in export_metrics(spec)]


def export_rows(spec, *, for_xlsx=False):
    """Yield the rows (lists of cells) of the export, header first; text cells are neutralised."""
    metrics = export_metrics(spec)
    yield NOMINEE_HEADER + [code for _id, code in metrics]
    position = {metric_id: index for index, (metric_id, _code) in enumerate(metrics)}
    width = len(metrics)
    number = decimal_for_xlsx if for_xlsx else format_decimal
    empty = None if for_xlsx else ""
    nominees = export_nominees(spec).order_by("code").values_list(
        "id", "code", "kind", "name", "region_id", "size", "sector")
    after = None
    while True:
        page = nominees.filter(code__gt=after) if after is not None else nominees
        page = list(page[:PAGE])
        if not page:
            return
        values = {}
        for nominee_id, metric_id, value in MetricValue.objects.filter(
            year=spec.year, nominee_id__in=[n[0] for n in page], metric_id__in=position.keys()
        ).values_list("nominee_id", "metric_id", "value"):
            values.setdefault(nominee_id, {})[metric_id] = value
        for nominee_id, *texts in page:
            cells = [empty] * width
            for metric_id, value in values.get(nominee_id, {}).items():
                cells[position[metric_id]] = number(value)
            yield [neutralise(t or "") for t in texts] + cells
        after = page[-1][1]


def export_csv_chunks(spec):
    """The CSV export as text chunks (UTF-8 BOM first), for a StreamingHttpResponse or a file."""
    yield "\ufeff"
    yield from CsvStreamWriter().rows_text(export_rows(spec))


def export_csv_file(spec, path):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for chunk in export_csv_chunks(spec):
            handle.write(chunk)


def export_xlsx_file(spec, path):
    """Write the XLSX export to `path` with openpyxl's write-only workbook (rows streamed to disk)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"metrics {spec.year}")
    sheet.freeze_panes = "B2"
    for row in export_rows(spec, for_xlsx=True):
        sheet.append(row)
    workbook.save(path)


def export_xlsx_tempfile(spec):
    """The XLSX export in a temporary file (deleted when closed), positioned at its start."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")
    export_xlsx_file(spec, handle.name)
    handle.seek(0)
    return handle
