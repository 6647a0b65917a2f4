"""Criteria of a category at a stage: metric criteria scored from the data, judged ones by reviewers."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import in_active_language


class CriterionKind(models.TextChoices):
    METRIC = "metric", _("Metric (from the data)")
    JUDGED = "judged", _("Judged (by reviewers)")


class Rule(models.TextChoices):
    TARGET = "target", _("Target: 100 · min(v ÷ target, 1)")
    LINEAR = "linear", _("Linear between low and high")
    RELATIVE = "relative", _("Relative to the lowest and highest nominee")
    BANDS = "bands", _("Bands: score of the highest threshold reached")
    BOOLEAN = "boolean", _("Yes/no: 100 when v ≥ 1")


class Criterion(models.Model):
    category = models.ForeignKey(
        "awards.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="criteria"
    )
    stage_kind = models.CharField(
        _("stage"), max_length=12, choices=[("assessment", _("Assessment")), ("interview", _("Interview"))]
    )
    code = models.SlugField(_("code"), max_length=64)
    name_id = models.CharField(_("Indonesian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    guidance_id = models.TextField(_("Indonesian guidance"), blank=True)
    guidance_en = models.TextField(_("English guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CriterionKind.choices)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=4)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    tie_break_rank = models.PositiveSmallIntegerField(
        _("tie-break order"), null=True, blank=True,
        help_text=_("1 = compared first when round scores are equal; empty = not a tie-breaker."),
    )

    # Metric criteria: v is `metric`, or 100 · metric ÷ denominator when a denominator is given.
    rule = models.CharField(_("rule"), max_length=8, choices=Rule.choices, blank=True)
    metric = models.ForeignKey(
        "awards.MetricDefinition", verbose_name=_("metric"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    denominator = models.ForeignKey(
        "awards.MetricDefinition", verbose_name=_("denominator metric"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    target_value = models.DecimalField(_("target"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_metric = models.ForeignKey(
        "awards.MetricDefinition", verbose_name=_("target metric"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    low = models.DecimalField(_("low"), max_digits=20, decimal_places=4, null=True, blank=True)
    high = models.DecimalField(_("high"), max_digits=20, decimal_places=4, null=True, blank=True)
    # [[threshold, score], ...] for the bands rule.
    bands = models.JSONField(_("bands"), null=True, blank=True)

    # Judged criteria: the reviewer's scale.
    scale_min = models.DecimalField(_("scale minimum"), max_digits=9, decimal_places=4, default=0)
    scale_max = models.DecimalField(_("scale maximum"), max_digits=9, decimal_places=4, default=100)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["category", "stage_kind", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="criterion_unique_code"),
            models.UniqueConstraint(
                fields=["category", "tie_break_rank"], condition=Q(tie_break_rank__isnull=False),
                name="criterion_unique_tie_break_rank",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_min__lt=models.F("scale_max")), name="criterion_scale_ordered"),
            models.CheckConstraint(
                condition=Q(kind="judged", metric__isnull=True, rule="")
                | Q(kind="metric", metric__isnull=False) & ~Q(rule=""),
                name="criterion_metric_fields_match_kind",
            ),
            models.CheckConstraint(
                condition=~Q(rule="target") | Q(target_value__gt=0) | Q(target_metric__isnull=False),
                name="criterion_target_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(rule="linear") | Q(low__lt=models.F("high")),
                name="criterion_linear_low_below_high",
            ),
            models.CheckConstraint(
                condition=~Q(rule="bands") | Q(bands__isnull=False), name="criterion_bands_has_bands"
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.category.code})"

    @property
    def name(self):
        return in_active_language(self.name_id, self.name_en)

    @property
    def guidance(self):
        return in_active_language(self.guidance_id, self.guidance_en)
