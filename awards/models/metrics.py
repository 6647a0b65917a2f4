"""Protection metrics: definitions are rows (seeded by a data migration), values are per nominee and year."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .bilingual import in_active_language


class MetricUnit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("percent")
    RUPIAH = "rupiah", _("rupiah")
    MONTHS = "months", _("months")
    YES_NO = "yes_no", _("yes/no")


class MetricDefinition(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    label_id = models.CharField(_("Indonesian label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    unit = models.CharField(_("unit"), max_length=8, choices=MetricUnit.choices)
    # Nominee kinds (NomineeKind values) the metric applies to.
    kinds = models.JSONField(_("nominee kinds"), default=list)
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    not_above = models.ForeignKey(
        "self", verbose_name=_("not more than"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bounded_metrics",
        help_text=_("The total this value may not exceed (for example workers_total for workers_protected)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("metric definition")
        verbose_name_plural = _("metric definitions")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True)
                | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="metricdefinition_min_le_max",
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def label(self):
        return in_active_language(self.label_id, self.label_en)


class MetricValue(models.Model):
    """One reported figure. A missing row means "not reported", never zero.

    Identified by (nominee, year, metric): that composite primary key is the table's only index, so a
    national load of millions of values maintains one B-tree. Range, "not more than its total" and both
    references (nominee, metric) are enforced by database triggers (migrations 0002, 0004, 0005): a
    plain foreign key would lock the referenced nominee row once per value, which made bulk loads
    several times slower than the set-based check of one statement trigger (PostgreSQL).
    """

    pk = models.CompositePrimaryKey("nominee", "year", "metric")
    nominee = models.ForeignKey(
        "awards.Nominee", verbose_name=_("nominee"), on_delete=models.CASCADE, related_name="metric_values",
        db_index=False, db_constraint=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.ForeignKey(
        MetricDefinition, verbose_name=_("metric"), on_delete=models.PROTECT, related_name="values",
        db_index=False, db_constraint=False,
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="metricvalue_non_negative"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="metricvalue_year_sane"
            ),
        ]

    def __str__(self):
        return f"{self.nominee_id} {self.year} {self.metric_id} = {self.value}"
