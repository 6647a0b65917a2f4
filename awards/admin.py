"""The Django admin for every model of the domain.

Large tables (regions: 91,599 rows; nominees: up to ~800k; metric values: millions) are never
offered as a dropdown: foreign keys to them use autocomplete or raw ids, and list filters use only
choices or small tables.
"""
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import models
from .imports.numbers import format_decimal


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "type", "postal_code"]
    list_filter = ["level", "type"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province"]
    show_full_result_count = False


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "province"]
    list_select_related = ["user", "province"]


@admin.register(models.Nominee)
class NomineeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "region", "size", "sector"]
    list_filter = ["kind", "size", "sector"]
    search_fields = ["code", "name", "employer_number"]
    autocomplete_fields = ["region", "province"]
    list_select_related = ["region", "province"]
    show_full_result_count = False
    readonly_fields = ["reported_metrics"]

    @admin.display(description=_("reported metrics"))
    def reported_metrics(self, nominee):
        """The nominee's metric values, newest year first (they are changed by the metrics import)."""
        values = nominee.metric_values.select_related("metric").order_by("-year", "metric__position") \
            if nominee.pk else []
        rows = [(v.year, v.metric.code, v.metric.label, format_decimal(v.value)) for v in values]
        if not rows:
            return _("none")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("year"), _("metric"), _("value"),
            format_html_join("", "<tr><td>{}</td><td title=\"{}\">{}</td><td>{}</td></tr>", rows),
        )


@admin.register(models.MetricDefinition)
class MetricDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "label_id", "label_en", "unit", "min_value", "max_value", "not_above", "position"]
    list_filter = ["unit"]
    search_fields = ["code", "label_id", "label_en"]
    list_select_related = ["not_above"]


class RoundInline(admin.TabularInline):
    model = models.Round
    extra = 0
    autocomplete_fields = ["province"]


class CategoryInline(admin.TabularInline):
    model = models.Category
    extra = 0
    fields = ["code", "name_id", "name_en", "nominee_kind", "size", "sector", "national_only", "awards_count", "advance_count"]
    show_change_link = True


@admin.register(models.Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "name"]
    search_fields = ["name"]
    inlines = [CategoryInline]


class StageInline(admin.TabularInline):
    model = models.Stage
    extra = 0
    fields = ["kind", "position", "weight", "status", "deadline", "calibrate", "aggregation",
              "disagreement_threshold", "hide_other_scores", "hide_reviewer_names"]


@admin.register(models.Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edition", "level", "province"]
    list_filter = ["edition", "level"]
    search_fields = ["province__name", "province__code"]
    autocomplete_fields = ["province"]
    list_select_related = ["edition", "province"]
    inlines = [StageInline]


class CriterionInline(admin.StackedInline):
    model = models.Criterion
    extra = 0
    autocomplete_fields = ["metric", "denominator", "target_metric"]
    show_change_link = True


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "edition", "nominee_kind", "size", "sector", "awards_count", "advance_count"]
    list_filter = ["edition", "nominee_kind"]
    search_fields = ["code", "name_id", "name_en"]
    list_select_related = ["edition"]
    inlines = [CriterionInline]


@admin.register(models.Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "weight", "status", "deadline", "aggregation", "calibrate"]
    list_filter = ["kind", "status", "round__edition", "round__level"]
    search_fields = ["round__province__name"]
    raw_id_fields = ["round"]
    list_select_related = ["round__edition", "round__province"]


@admin.register(models.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "category", "stage_kind", "kind", "rule", "weight", "tie_break_rank"]
    list_filter = ["kind", "stage_kind", "rule", "category__edition"]
    search_fields = ["code", "name_id", "name_en", "category__code"]
    autocomplete_fields = ["metric", "denominator", "target_metric", "category"]
    list_select_related = ["category"]


@admin.register(models.Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["nominee", "category", "round", "eligibility", "eliminated_after"]
    list_filter = ["eligibility", "round__level", "category__edition"]
    search_fields = ["nominee__code", "nominee__name", "category__code"]
    autocomplete_fields = ["nominee", "category"]
    raw_id_fields = ["round", "eliminated_after", "advanced_from", "created_by"]
    list_select_related = ["nominee", "category", "round__edition", "round__province", "eliminated_after"]
    show_full_result_count = False


@admin.register(models.Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "round"]
    search_fields = ["name"]
    raw_id_fields = ["round"]
    filter_horizontal = ["members"]
    list_select_related = ["round__edition", "round__province"]


class ScoreInline(admin.TabularInline):
    model = models.Score
    extra = 0
    raw_id_fields = ["criterion"]


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "nomination", "stage", "status", "submitted_at"]
    list_filter = ["status", "stage__kind"]
    search_fields = ["reviewer__username", "nomination__nominee__name", "nomination__nominee__code"]
    raw_id_fields = ["nomination", "stage"]
    autocomplete_fields = ["reviewer"]
    list_select_related = ["reviewer", "nomination__nominee", "nomination__category", "stage__round__edition",
                           "stage__round__province"]
    inlines = [ScoreInline]
    show_full_result_count = False


@admin.register(models.Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["reviewer", "nomination", "declared_at"]
    search_fields = ["reviewer__username", "nomination__nominee__name"]
    raw_id_fields = ["nomination"]
    autocomplete_fields = ["reviewer"]
    list_select_related = ["reviewer", "nomination__nominee", "nomination__category"]


@admin.register(models.Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["assignment", "criterion", "value", "updated_at"]
    list_filter = ["assignment__status"]
    search_fields = ["assignment__reviewer__username", "criterion__code"]
    raw_id_fields = ["assignment", "criterion"]
    list_select_related = ["assignment__reviewer", "assignment__nomination__nominee",
                           "assignment__nomination__category", "criterion__category"]
    show_full_result_count = False


@admin.register(models.ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "frozen_at", "frozen_by", "published_at", "digest"]
    list_filter = ["round__edition"]
    raw_id_fields = ["round", "category", "stage", "supersedes"]
    readonly_fields = ["content", "digest", "frozen_at", "frozen_by"]
    list_select_related = ["round__edition", "round__province", "category", "frozen_by"]

    def has_change_permission(self, request, obj=None):
        # A frozen result is never edited; a correction is a new snapshot (DOMAIN.md, "Results").
        return obj is None and super().has_change_permission(request, obj)


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "summary"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "summary", "actor__username"]
    readonly_fields = [f.name for f in models.AuditEvent._meta.fields]
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Paritrana Award administration")
admin.site.site_title = _("Paritrana")
admin.site.index_title = _("Award data")
