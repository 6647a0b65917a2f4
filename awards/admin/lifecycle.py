"""Award data with a lifecycle in the admin: nominations and screening, assignments, scores, conflicts,
results and the audit trail are shown, never changed, here; a stage's options change only through the
stage service, and never its status."""
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .. import audit_labels, models, permissions
from ..people import person_name
from ..selectors.audit import audit_related_names
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
    # The frozen document itself (JSON, in English keys) is read on the result's page and downloaded there.
    exclude = ["content"]
    readonly_fields = ["result_page"]
    workspace_note = _("Results are frozen, published and corrected (a correction is a new result with a "
                       "reason) from the leaderboard (/panitia/babak/<id>/peringkat/<category>/); a frozen "
                       "result is never edited or deleted.")


    @admin.display(description=_("content"))
    def result_page(self, snapshot):
        return format_html('<a href="{}">{}</a>', reverse("committee-snapshot", args=[snapshot.pk]),
                           _("The result's page in the workspace, with its downloads"))


class _AuditChoiceFilter(admin.SimpleListFilter):
    """An audit filter by label rather than by code (the choices of the workspace's audit filter)."""

    def lookups(self, request, model_admin):
        return [(code, label) for group in self.label_choices() for code, label in
                (group[1] if isinstance(group[1], list) else [group])]

    def queryset(self, request, queryset):
        return queryset.filter(self.condition(self.value())) if self.value() else queryset


class AuditActionFilter(_AuditChoiceFilter):
    title = _("action")
    parameter_name = "action"
    label_choices = staticmethod(audit_labels.action_choices)
    condition = staticmethod(audit_labels.action_lookup)


class AuditObjectFilter(_AuditChoiceFilter):
    title = _("object type")
    parameter_name = "object_type"
    label_choices = staticmethod(audit_labels.object_choices)

    @staticmethod
    def condition(value):
        return Q(object_type=value)


@admin.register(models.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail in words, as the workspace shows it: no codes, the summary in the reader's language."""

    list_display = ["at", "actor_name", "action_label", "object_label", "object_id", "summary_label"]
    list_filter = [AuditActionFilter, AuditObjectFilter]
    search_fields = ["object_id", "summary", "actor__username", "actor__first_name", "actor__last_name"]
    list_select_related = ["actor"]
    fields = ["at", "actor_name", "action_label", "object_label", "object_id", "summary_label", "changes_label"]
    readonly_fields = fields
    workspace_note = _("Every change of award data writes its audit row; the trail is also read at /panitia/audit/.")

    @admin.display(description=_("by"), ordering="actor__username")
    def actor_name(self, event):
        return person_name(event.actor) or "—"

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, event):
        return audit_labels.action_label(event.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_label(self, event):
        return audit_labels.object_label(event.object_type)

    @admin.display(description=_("summary"))
    def summary_label(self, event):
        return event.summary_text() or "—"

    @admin.display(description=_("changes"))
    def changes_label(self, event):
        names = audit_related_names([event])
        return format_html_join(mark_safe("<br>"), "{}: {} → {}", audit_labels.change_rows(event, names)) or "—"


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
