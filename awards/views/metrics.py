"""The committee's metrics page: upload, preview and confirm an import; download an export."""
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from .. import permissions
from ..imports.forms import MetricsExportForm, MetricsUploadForm
from ..imports.metrics_export import (
    MetricsExport,
    export_csv_chunks,
    export_provinces_for,
    export_xlsx_tempfile,
)
from ..imports.metrics_import import metrics_import
from ..imports.uploads import upload_delete, upload_discard_file, upload_get, upload_store
from ..models import Edition, Role

SESSION_KEY = "metric_import_tokens"


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
    }


class MetricsIndexView(LoginRequiredMixin, View):
    def get(self, request):
        permissions.require(permissions.can_read_results(request.user))
        return render(request, "awards/metrics/index.html", index_context(request))


class MetricsImportPreviewView(LoginRequiredMixin, View):
    """Store the upload, check it without writing, and show what confirming would do."""

    def post(self, request):
        permissions.require(permissions.is_committee(request.user))
        form = MetricsUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "awards/metrics/index.html", index_context(request, upload_form=form), status=400)
        upload = upload_store(uploaded_file=form.cleaned_data["file"], year=form.cleaned_data["year"],
                              indonesian_numbers=form.cleaned_data["indonesian_numbers"], user=request.user)
        result = metrics_import(path=upload.path, year=upload.year, indonesian_numbers=upload.indonesian_numbers,
                                dry_run=True, acting_user=request.user, problems_path=upload.problems_path,
                                file_name=upload.filename)
        if result.ok:
            tokens = request.session.get(SESSION_KEY, [])[-9:]
            request.session[SESSION_KEY] = tokens + [upload.token]
        else:  # a refused file cannot be confirmed: it goes now, its list of problems with the purge
            upload_discard_file(upload)
        return render(request, "awards/metrics/preview.html", {"upload": upload, "result": result})


class MetricsImportConfirmView(LoginRequiredMixin, View):
    """Import the stored upload for real; it is checked again, as the data may have changed since."""

    def post(self, request, token):
        permissions.require(permissions.is_committee(request.user))
        upload = access_upload(request, token)
        result = metrics_import(path=upload.path, year=upload.year, indonesian_numbers=upload.indonesian_numbers,
                                acting_user=request.user, problems_path=upload.problems_path,
                                file_name=upload.filename)
        if not result.ok:
            return render(request, "awards/metrics/preview.html", {"upload": upload, "result": result}, status=409)
        upload_delete(upload)
        request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
        messages.success(request, _(
            "Imported %(file)s for %(year)s: %(nominees_new)s new and %(nominees_changed)s changed nominees; "
            "%(values_new)s new, %(values_changed)s changed and %(values_removed)s removed values."
        ) % {"file": upload.filename, **vars(result)})
        return redirect("metrics")


class MetricsImportProblemsView(LoginRequiredMixin, View):
    """The full list of an upload's problems as CSV."""

    def get(self, request, token):
        permissions.require(permissions.is_committee(request.user))
        upload = upload_get(token, user=request.user)
        if upload is None or not upload.problems_path.is_file():
            raise Http404
        return FileResponse(open(upload.problems_path, "rb"), as_attachment=True,
                            filename=f"{upload.filename}.problems.csv", content_type="text/csv")


def access_upload(request, token):
    """The stored upload `token` if this user previewed it without problems in this session, else 404."""
    upload = upload_get(token, user=request.user)
    if upload is None or token not in request.session.get(SESSION_KEY, []):
        raise Http404
    return upload


class MetricsExportView(LoginRequiredMixin, View):
    """CSV is streamed as it is read; XLSX is built in a temporary file with XlsxWriter's constant-memory mode."""

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
        if data["format"] == "xlsx":
            return FileResponse(
                export_xlsx_tempfile(spec), as_attachment=True, filename=spec.filename("xlsx"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response = StreamingHttpResponse(export_csv_chunks(spec), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{spec.filename("csv")}"'
        return response
