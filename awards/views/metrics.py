"""The committee's metrics page: upload, preview and confirm an import; download an export."""
import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views import View

from .. import permissions
from ..imports.forms import MetricsExportForm, MetricsUploadForm
from ..imports.metrics_export import MetricsExport, export_csv_chunks, export_provinces_for
from ..models import Edition, JobKind, Role
from ..services.jobs import job_start
from .jobs import recent_jobs, start_file_check


def default_year():
    latest = Edition.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or datetime.date.today().year - 1


def export_form(user, data=None, *, year=None):
    return MetricsExportForm(
        data, initial={"year": year, "format": "csv"}, provinces=export_provinces_for(user),
        province_required=permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE,
    )


def index_context(request, *, upload_form=None, form=None):
    can_import = permissions.is_committee(request.user)
    year = default_year()
    return {
        "can_import": can_import,
        "upload_form": (upload_form or MetricsUploadForm(initial={"year": year})) if can_import else None,
        "export_form": form or export_form(request.user, year=year),
        "jobs": recent_jobs(request.user, [JobKind.METRICS_CHECK, JobKind.METRICS_IMPORT, JobKind.EXPORT]),
    }


class MetricsIndexView(LoginRequiredMixin, View):
    def get(self, request):
        permissions.require(permissions.can_read_results(request.user))
        return render(request, "awards/metrics/index.html", index_context(request))


class MetricsImportPreviewView(LoginRequiredMixin, View):
    """Keep the upload and start checking it in the background; its page shows the progress, then what
    confirming would do."""

    def post(self, request):
        permissions.require(permissions.is_committee(request.user))
        form = MetricsUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "awards/metrics/index.html", index_context(request, upload_form=form), status=400)
        data = form.cleaned_data
        job = start_file_check(request, form, kind=JobKind.METRICS_CHECK, lock_key=f"metrics:{data['year']}",
                               year=data["year"], number_format=data["number_format"])
        if job is None:
            return render(request, "awards/metrics/index.html", index_context(request, upload_form=form), status=409)
        return redirect("job", job.pk)


class MetricsExportView(LoginRequiredMixin, View):
    """CSV is streamed as it is read; XLSX is prepared by a background job (XlsxWriter's constant-memory
    mode), whose page offers it when ready."""

    def get(self, request):
        user = request.user
        permissions.require(permissions.can_read_results(user))
        data = request.GET.copy()
        if permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE:
            own = permissions.province_of(user)
            permissions.require(data.setdefault("province", own) == own)
        form = export_form(user, data)
        if not form.is_valid():
            return render(request, "awards/metrics/index.html", index_context(request, form=form), status=400)
        data = form.cleaned_data
        province = data["province"].code if data["province"] else None
        spec = MetricsExport(year=data["year"], kind=data["kind"] or None, province=province)
        if data["format"] == "xlsx":  # built by a worker: a national year is hundreds of MB of sheet XML
            job = job_start(kind=JobKind.EXPORT, acting_user=user, params={
                "export": "metrics_xlsx", "year": spec.year, "kind": spec.kind, "province": spec.province,
                "filename": spec.filename("xlsx")})
            return redirect("job", job.pk)
        response = StreamingHttpResponse(export_csv_chunks(spec), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{spec.filename("csv")}"'
        return response
