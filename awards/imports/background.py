"""What each kind of background job does (services/jobs.py runs them on a worker): check or import an
uploaded metrics or nominations file, or prepare a large download. Each returns the job's result as
JSON-ready data for its page; JobRefused says, in the starter's language, why it could not run."""
import json
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils.translation import gettext as _

from .. import permissions
from ..models import JobKind, Role, Round
from ..services.jobs import JobRefused
from .metrics_export import MetricsExport, export_xlsx_file
from .metrics_import import metrics_import
from .nominations import nominations_import
from .numbers import AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT
from .results_pdf import annex_filename, result_annex_pdf
from .tabular import xlsx_table_write
from .uploads import problems_save, upload_delete, upload_discard_file, upload_local_path

EXPORT_DIR = "exports"


def _gone():
    return JobRefused(_("The uploaded file is no longer kept (an upload is kept for a day unless it is "
                        "imported); upload it again."))


def _not_allowed():
    return JobRefused(_("Your account may no longer do this; nothing was changed."))


def problem_data(problems):
    return [{"row": p.row, "column": p.column, "message": p.message} for p in problems]


def _import_file(job, job_progress, importer, **kwargs):
    """Run `importer` on the job's stored upload with a problems file beside it; tidy the upload after."""
    token, dry_run = job.params["token"], job.kind in (JobKind.METRICS_CHECK, JobKind.NOMINATIONS_CHECK)
    job_progress(phase="checking" if dry_run else "importing", force=True)
    with tempfile.TemporaryDirectory() as scratch:
        problems = Path(scratch) / "problems.csv"
        try:
            with upload_local_path(token) as path:
                result = importer(path=path, dry_run=dry_run, problems_path=problems, **kwargs)
        except FileNotFoundError:
            raise _gone() from None
        except PermissionDenied:
            raise _not_allowed() from None
        if problems.exists():
            problems_save(token, problems)
    if not result.ok:
        upload_discard_file(token)  # a refused file is never confirmed; its problems stay for download
    elif not dry_run:
        upload_delete(token)
    return result


def job_number_format(params):
    """The number format a metrics job reads its file in (jobs queued before the choice had a yes/no box)."""
    if "number_format" in params:
        return params["number_format"]
    if "indonesian_numbers" in params:
        return INDONESIAN_FORMAT if params["indonesian_numbers"] else PLAIN_FORMAT
    return AUTO


def run_metrics(job, progress):
    params = job.params
    result = _import_file(job, progress, metrics_import, year=params["year"], number_format=job_number_format(params),
                          acting_user=job.created_by, progress=progress.rows, file_name=params["filename"])
    return {
        "ok": result.ok, "applied": result.applied, "rows": result.rows, "seconds": round(result.seconds, 1),
        **{name: getattr(result, name) for name in (
            "nominees_new", "nominees_changed", "nominees_unchanged", "values_new", "values_changed",
            "values_unchanged", "values_removed", "problem_count")},
        "has_changes": result.has_changes, "changed_anything": result.changed_anything,
        "problems": problem_data(result.problems), "problems_truncated": result.problems_truncated,
        "changes": [{"row": c.row, "code": c.code, "name": c.name, "status": c.status, "fields": c.fields}
                    for c in result.changes],
        "number_format": result.number_format, "number_format_detected": result.number_format_detected,
        "number_format_evidence": result.number_format_evidence, "number_format_either": result.number_format_either,
    }


def run_nominations(job, progress):
    round_ = Round.objects.select_related("edition").filter(pk=job.params["round"]).first()
    if round_ is None or not permissions.can_manage_round(job.created_by, round_):
        raise _not_allowed()

    def importer(*, path, dry_run, problems_path):
        return nominations_import(path=path, edition=round_.edition, acting_user=job.created_by, dry_run=dry_run,
                                  filename=job.params["filename"], progress=progress.rows)

    result = _import_file(job, progress, importer)
    return {
        "ok": result.ok, "rows": result.rows, "problem_count": result.problem_count,
        "problems": problem_data(result.problems), "problems_truncated": result.problems_truncated,
        "per_round": [[str(r), count] for r, count in result.per_round()], "created": len(result.created),
    }


# -- downloads -------------------------------------------------------------------------------
def run_export(job, progress):
    """Prepare the download the job names (job.params["export"]) in storage, under exports/<job id>/."""
    params = job.params
    progress(phase="exporting", force=True)
    maker = EXPORTS[params["export"]]
    filename, write = maker(job, params)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / filename
        write(path)
        with open(path, "rb") as handle:
            stored = default_storage.save(f"{EXPORT_DIR}/{job.pk}/{filename}", File(handle))
    return {"filename": filename, "stored": stored, "size": default_storage.size(stored)}


def _metrics_xlsx(job, params):
    user = job.created_by
    if not permissions.can_read_results(user):
        raise _not_allowed()
    province = params.get("province")
    if permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE and province != permissions.province_of(user):
        raise _not_allowed()
    spec = MetricsExport(year=params["year"], kind=params.get("kind") or None, province=province)
    return spec.filename("xlsx"), lambda path: export_xlsx_file(spec, str(path))


def _result_pdf(job, params):
    from ..selectors.committee import access_snapshot

    try:
        snapshot = access_snapshot(job.created_by, params["snapshot"])
    except (PermissionDenied, Http404):
        raise _not_allowed() from None
    content = json.loads(snapshot.content)

    def write(path):
        path.write_bytes(result_annex_pdf(snapshot=snapshot, content=content))

    return annex_filename(content, snapshot.digest), write


def _leaderboard_xlsx(job, params):
    from django.http import QueryDict

    from .leaderboard_export import leaderboard_export

    try:
        name, header, rows, number_formats = leaderboard_export(
            user=job.created_by, round_id=params["round"], category_id=params["category"],
            query=QueryDict(params["query"]))
    except (PermissionDenied, Http404):
        raise _not_allowed() from None
    return f"{name}.xlsx", lambda path: xlsx_table_write(str(path), name, header, rows, number_formats=number_formats)


EXPORTS = {"metrics_xlsx": _metrics_xlsx, "result_pdf": _result_pdf, "leaderboard_xlsx": _leaderboard_xlsx}

RUNNERS = {
    JobKind.METRICS_CHECK: run_metrics,
    JobKind.METRICS_IMPORT: run_metrics,
    JobKind.NOMINATIONS_CHECK: run_nominations,
    JobKind.NOMINATIONS_IMPORT: run_nominations,
    JobKind.EXPORT: run_export,
}
