"""A background job's page: its progress while it runs, then what came of it (a preview to confirm, a
summary, a download, or why it failed). Only the person who started a job sees it."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View

from .. import permissions
from ..imports.metrics_diff import preview_changes
from ..imports.metrics_rows import number_format_note
from ..imports.uploads import problems_open, upload_delete, upload_store
from ..models import ACTIVE_STATES, Job, JobKind, JobState, Round
from ..services.jobs import CONFIRMS, JobBusy, job_confirm, job_is_lost, job_start

PHASES = {"checking": gettext_lazy("Checking"), "importing": gettext_lazy("Importing"),
          "exporting": gettext_lazy("Preparing the file")}


def own_job(request, job_id):
    """The job `job_id` if the signed-in user started it, else 404 (never say whose it is)."""
    job = get_object_or_404(Job, pk=job_id)
    if job.created_by_id != request.user.pk:
        raise Http404
    return job


def job_status(job):
    """What the progress bar shows: the job as JSON-ready data, with a lost job reported as failed."""
    lost = job_is_lost(job)
    state = JobState.FAILED if lost else job.state
    end = job.finished_at or timezone.now()
    total = job.rows_total
    done = job.rows_written if job.kind in CONFIRMS.values() else job.rows_checked
    percent = None
    if state == JobState.DONE:
        percent = 100
    elif total:
        # An import reads and checks, then writes: half the bar each; a check fills it by checking.
        percent = min(99, int(100 * (job.rows_checked + done) / (2 * total)) if job.kind in CONFIRMS.values()
                      else int(100 * done / total))
    return {
        "state": state, "state_label": str(JobState(state).label), "active": state in ACTIVE_STATES,
        "phase": str(PHASES.get(job.phase, "")), "rows_total": total, "rows_read": job.rows_read,
        "rows_checked": job.rows_checked, "rows_written": job.rows_written, "percent": percent,
        "seconds": int((end - job.created_at).total_seconds()), "lost": lost,
    }


class JobView(LoginRequiredMixin, View):
    def get(self, request, job_id):
        job = own_job(request, job_id)
        status = job_status(job)
        context = {"job": job, "status": status, "result": job.result or {}, "params": job.params,
                   "confirm_kind": CONFIRMS.get(job.kind)}
        if job.kind in (JobKind.NOMINATIONS_CHECK, JobKind.NOMINATIONS_IMPORT):
            context["round"] = Round.objects.filter(pk=job.params.get("round")).first()
        elif job.kind == JobKind.METRICS_CHECK and status["state"] == JobState.DONE:
            context.update(metrics_preview(context["result"]))
        return render(request, "awards/jobs/job.html", context)


def metrics_preview(result):
    """What a metrics check's page shows beside its counts: the changes by label and unit, and the number
    format the file was read in (jobs from before it was recorded have none)."""
    note = ""
    if "number_format" in result:
        note = number_format_note(result["number_format"], detected=result["number_format_detected"],
                                  evidence=result["number_format_evidence"], either=result["number_format_either"])
    return {"changes": preview_changes(result.get("changes") or []), "number_format_note": note}


class JobStatusView(LoginRequiredMixin, View):
    def get(self, request, job_id):
        return JsonResponse(job_status(own_job(request, job_id)))


class JobConfirmView(LoginRequiredMixin, View):
    """Import a checked file: a new job with the same file; a confirmation posted twice starts one job."""

    def post(self, request, job_id):
        check = own_job(request, job_id)
        result = check.result or {}
        if check.kind not in CONFIRMS or check.state != JobState.DONE or not result.get("ok"):
            raise Http404
        if check.kind == JobKind.METRICS_CHECK:
            permissions.require(permissions.is_committee(request.user))
        try:
            follow_up = job_confirm(check=check, acting_user=request.user)
        except JobBusy as busy:
            return render(request, "awards/jobs/job.html", {
                "job": check, "status": job_status(check), "result": result, "params": check.params,
                "confirm_kind": CONFIRMS[check.kind], "busy": str(busy),
                **(metrics_preview(result) if check.kind == JobKind.METRICS_CHECK else {})}, status=409)
        return redirect("job", follow_up.pk)


class JobProblemsView(LoginRequiredMixin, View):
    """Every problem the check found, as CSV."""

    def get(self, request, job_id):
        job = own_job(request, job_id)
        handle = problems_open(job.params["token"]) if "token" in job.params else None
        if handle is None:
            raise Http404
        return FileResponse(handle, as_attachment=True, filename=f"{job.params['filename']}.problems.csv",
                            content_type="text/csv")


class JobDownloadView(LoginRequiredMixin, View):
    """A prepared download, to the one who asked for it, while they still may read what it holds."""

    def get(self, request, job_id):
        job = own_job(request, job_id)
        stored = (job.result or {}).get("stored") if job.state == JobState.DONE else None
        if job.kind != JobKind.EXPORT or not stored:
            raise Http404
        permissions.require(permissions.can_read_results(request.user))
        if not default_storage.exists(stored):
            raise Http404
        return FileResponse(default_storage.open(stored, "rb"), as_attachment=True, filename=job.result["filename"])


def start_file_check(request, form, *, kind, lock_key, **params):
    """Keep the form's uploaded file and queue its check: the job, or None when the same work is under way
    (the file is then dropped and the form says why)."""
    uploaded = form.cleaned_data["file"]
    token = upload_store(uploaded)
    params = {"token": token, "filename": uploaded.name, **params}
    try:
        return job_start(kind=kind, acting_user=request.user, params=params, lock_key=lock_key)
    except JobBusy as busy:
        upload_delete(token)
        form.add_error(None, str(busy))
        return None


def recent_jobs(user, kinds, *, limit=5):
    """The user's latest jobs of `kinds`, newest first: the way back to a job after leaving its page."""
    return list(Job.objects.filter(created_by=user, kind__in=kinds)[:limit])
