"""The award's configuration in the admin: regions, nominees, metric definitions, editions, categories,
criteria, rounds and panels; every save and delete through the configuration services, audited.

Large tables (regions: 91,599 rows; nominees: up to ~800k; metric values: millions) are never
offered as a dropdown: foreign keys to them use autocomplete or raw ids, and list filters use only
choices or small tables.
"""
from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import models
from ..imports.numbers import format_decimal
from ..services.editions import round_ensure
from ..services.records import require_configuration_access
from .base import AwardAdmin, AwardInline, ReadOnlyInline


@admin.register(models.Region)
class RegionAdmin(AwardAdmin):
    list_display = ["code", "name", "level", "type", "postal_code"]
    list_filter = ["level", "type"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province"]
    show_full_result_count = False
    workspace_note = _("Regions are loaded from Kemendagri's codes with the load_regions command; a change "
                       "here is audited.")

    def get_readonly_fields(self, request, obj=None):
        # The code is the primary key: changing it would add a second region, not rename this one.
        return ["code"] if obj is not None else []


@admin.register(models.Nominee)
class NomineeAdmin(AwardAdmin):
    list_display = ["code", "name", "kind", "province", "region", "size", "sector"]
    list_filter = ["kind", "size", "sector"]
    search_fields = ["code", "name", "employer_number"]
    autocomplete_fields = ["region", "province"]
    list_select_related = ["region", "province"]
    show_full_result_count = False
    readonly_fields = ["reported_metrics"]
    workspace_note = _("Metric values are changed by the metrics import (/panitia/metrik/); a nominee with "
                       "nominations cannot be deleted.")

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
class MetricDefinitionAdmin(AwardAdmin):
    list_display = ["code", "label_id", "english_label", "unit", "min_value", "max_value", "not_above", "position"]
    list_filter = ["unit"]
    search_fields = ["code", "label_id", "label_en"]
    list_select_related = ["not_above"]

    @admin.display(description=_("English label"), ordering="label_en")
    def english_label(self, metric):
        return format_html('<span lang="en">{}</span>', metric.label_en)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "kinds":  # nominee kinds by name, not a JSON list of codes
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name, choices=models.NomineeKind.choices, widget=forms.CheckboxSelectMultiple,
                required=not db_field.blank)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CategoryInline(AwardInline, admin.TabularInline):
    model = models.Category
    fields = ["code", "name_id", "name_en", "nominee_kind", "size", "sector", "national_only", "awards_count", "advance_count"]
    show_change_link = True


@admin.register(models.Edition)
class EditionAdmin(AwardAdmin):
    list_display = ["assessment_year", "name"]
    search_fields = ["name"]
    inlines = [CategoryInline]

    @admin.display(description=_("year"), ordering="year")
    def assessment_year(self, edition):
        return str(edition.year)  # a year, not a quantity: "2025", never the grouped "2.025"


class StageInline(ReadOnlyInline, admin.TabularInline):
    model = models.Stage
    fields = ["kind", "position", "weight", "status", "deadline", "calibrate", "aggregation",
              "disagreement_threshold", "hide_other_scores", "hide_reviewer_names", "reminder_days"]
    show_change_link = True


@admin.register(models.Round)
class RoundAdmin(AwardAdmin):
    list_display = ["__str__", "edition", "level", "province"]
    list_filter = ["edition", "level"]
    search_fields = ["province__name", "province__code"]
    autocomplete_fields = ["province"]
    list_select_related = ["edition", "province"]
    inlines = [StageInline]
    workspace_note = _("Stages are opened, closed and reopened (with a reason) on the round's page in the "
                       "workspace, /panitia/babak/<id>/; a stage's options are changed on its own page here "
                       "until it is closed.")

    def get_readonly_fields(self, request, obj=None):
        # A round's edition, level and province are what its nominations and results are about.
        return ["edition", "level", "province"] if obj is not None else []

    def service_save(self, request, obj, form=None):
        if not obj._state.adding:
            return super().service_save(request, obj, form)
        # A new round comes with its stages, as the edition's setup makes it.
        require_configuration_access(request.user)
        obj.full_clean()
        round_ = round_ensure(edition=obj.edition, province=obj.province, acting_user=request.user)
        obj.pk, obj._state.adding, obj._state.db = round_.pk, False, round_._state.db


class CriterionInline(AwardInline, admin.StackedInline):
    model = models.Criterion
    autocomplete_fields = ["metric", "denominator", "target_metric"]
    show_change_link = True


@admin.register(models.Category)
class CategoryAdmin(AwardAdmin):
    list_display = ["code", "name_id", "edition", "nominee_kind", "size", "sector", "awards_count", "advance_count"]
    list_filter = ["edition", "nominee_kind"]
    search_fields = ["code", "name_id", "name_en"]
    list_select_related = ["edition"]
    inlines = [CriterionInline]


@admin.register(models.Criterion)
class CriterionAdmin(AwardAdmin):
    list_display = ["code", "name_id", "category", "stage_kind", "kind", "rule", "weight", "tie_break_rank"]
    list_filter = ["kind", "stage_kind", "rule", "category__edition"]
    search_fields = ["code", "name_id", "name_en", "category__code"]
    autocomplete_fields = ["metric", "denominator", "target_metric", "category"]
    list_select_related = ["category"]


@admin.register(models.Panel)
class PanelAdmin(AwardAdmin):
    list_display = ["name", "round"]
    search_fields = ["name"]
    raw_id_fields = ["round"]
    filter_horizontal = ["members"]
    list_select_related = ["round__edition", "round__province"]
    workspace_note = _("A panel's members are the reviewers who may be assigned in its round; adding and "
                       "removing them is audited.")
