"""Award data with a lifecycle in the admin: nominations and screening, assignments, scores, conflicts,
results and the audit trail are shown, never changed, here; a stage's options change only through the
stage service, and never its status."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import models, permissions
from ..services.stages import STAGE_OPTIONS, stage_update_options
from .base import AwardAdmin, ReadOnlyAdmin, ReadOnlyInline


@admin.register(models.Stage)
class StageAdmin(AwardAdmin):
    list_display = ["__str__", "kind", "weight", "status", "deadline", "aggregation", "calibrate"]
    list_filter = ["kind", "status", "round__edition", "round__level"]
    search_fields = ["round__province__name"]
    list_select_related = ["round__edition", "round__province"]
    fields = ["round", "kind", "position", "status", *STAGE_OPTIONS]
    readonly_fields = ["round", "kind", "position", "status"]
    workspace_note = _("A stage is opened, closed and reopened (with a reason) on its round's page in the "
                       "workspace, /panitia/babak/<id>/. Its options change here, audited, until it is "
                       "closed; stages come with their round.")

    def may_write(self, request, obj=None):
        if obj is None:
            return permissions.is_committee_member(request.user)
        return obj.status != models.StageStatus.CLOSED and permissions.can_manage_round(request.user, obj.round)

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form=None):
        changed = [name for name in (form.changed_data if form is not None else STAGE_OPTIONS) if name in STAGE_OPTIONS]
        stage_update_options(stage=obj, changes={name: getattr(obj, name) for name in changed},
                             acting_user=request.user)


@admin.register(models.Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["nominee", "category", "round", "eligibility", "eliminated_after"]
    list_filter = ["eligibility", "round__level", "category__edition"]
    search_fields = ["nominee__code", "nominee__name", "category__code"]
    list_select_related = ["nominee", "category", "round__edition", "round__province", "eliminated_after"]
    show_full_result_count = False
    workspace_note = _("Nominations are added, imported and screened on the round's nominations page "
                       "(/panitia/babak/<id>/nominasi/); they advance from the leaderboard's advancement page.")


class ScoreInline(ReadOnlyInline, admin.TabularInline):
    model = models.Score
    fields = ["criterion", "value", "updated_at"]


@admin.register(models.Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "nomination", "stage", "status", "submitted_at"]
    list_filter = ["status", "stage__kind"]
    search_fields = ["reviewer__username", "nomination__nominee__name", "nomination__nominee__code"]
    list_select_related = ["reviewer", "nomination__nominee", "nomination__category", "stage__round__edition",
                           "stage__round__province"]
    inlines = [ScoreInline]
    show_full_result_count = False
    workspace_note = _("Reviewers are assigned on the round's assignments page (/panitia/babak/<id>/penugasan/); "
                       "they enter and submit their scores on their own pages (/penilaian/).")


@admin.register(models.Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "nomination", "declared_at"]
    search_fields = ["reviewer__username", "nomination__nominee__name"]
    list_select_related = ["reviewer", "nomination__nominee", "nomination__category"]
    workspace_note = _("Reviewers declare a conflict of interest on the assignment's page (/penilaian/).")


@admin.register(models.Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "criterion", "value", "updated_at"]
    list_filter = ["assignment__status"]
    search_fields = ["assignment__reviewer__username", "criterion__code"]
    list_select_related = ["assignment__reviewer", "assignment__nomination__nominee",
                           "assignment__nomination__category", "criterion__category"]
    show_full_result_count = False
    workspace_note = _("Scores are entered and submitted by reviewers on their pages (/penilaian/) or come "
                       "from score sheets (import_scores); a submitted score is replaced only with a reason.")


@admin.register(models.ResultSnapshot)
class ResultSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "frozen_at", "frozen_by", "published_at", "digest"]
    list_filter = ["round__edition"]
    list_select_related = ["round__edition", "round__province", "category", "frozen_by"]
    workspace_note = _("Results are frozen, published and corrected (a correction is a new result with a "
                       "reason) from the leaderboard (/panitia/babak/<id>/peringkat/<category>/); a frozen "
                       "result is never edited or deleted.")


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "summary", "actor__username"]
    list_select_related = ["actor"]
    workspace_note = _("Every change of award data writes its audit row; the trail is also read at /panitia/audit/.")


@admin.register(models.Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_by", "state", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["created_by"]
    exclude = ["params", "result"]
    workspace_note = _("Background jobs are started on the pages they serve (metrics, nominations, downloads) "
                       "and followed on their own page, /panitia/pekerjaan/<id>/.")


@admin.register(models.Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "recipient", "email", "status", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["email", "recipient__username"]
    list_select_related = ["recipient"]
    exclude = ["params"]
    workspace_note = _("Messages are sent by the award itself; the committee reads the list on /panitia/pesan/.")
