"""An edition (one assessment year), its rounds, categories and the stages of each round."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .bilingual import in_active_language
from .nominees import BusinessSize, NomineeKind, Sector


class Edition(models.Model):
    year = models.PositiveSmallIntegerField(_("assessment year"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2017, year__lte=2100), name="edition_year_sane"),
        ]

    def __str__(self):
        return self.name


class RoundLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial round")
    NATIONAL = "national", _("National round")


class Round(models.Model):
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="rounds")
    level = models.CharField(_("level"), max_length=10, choices=RoundLevel.choices)
    province = models.ForeignKey(
        "awards.Region", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT,
        limit_choices_to={"level": 1}, related_name="+",
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["edition", "-level", "province"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="provincial", province__isnull=False)
                | models.Q(level="national", province__isnull=True),
                name="round_province_iff_provincial",
            ),
            models.UniqueConstraint(
                fields=["edition", "province"], condition=models.Q(level="provincial"),
                name="round_one_provincial_per_province",
            ),
            models.UniqueConstraint(
                fields=["edition"], condition=models.Q(level="national"), name="round_one_national",
            ),
        ]

    def __str__(self):
        if self.level == RoundLevel.NATIONAL:
            return f"{self.edition.year} · {self.get_level_display()}"
        return f"{self.edition.year} · {self.get_level_display()} {self.province.name}"

    @property
    def key(self):
        """How commands and files name a round: "national" or the province code."""
        return "national" if self.level == RoundLevel.NATIONAL else self.province_id


class Category(models.Model):
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.SlugField(_("code"), max_length=64)
    name_id = models.CharField(_("Indonesian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    nominee_kind = models.CharField(_("nominee kind"), max_length=24, choices=NomineeKind.choices)
    size = models.CharField(_("business size"), max_length=8, choices=BusinessSize.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=40, choices=Sector.choices, blank=True)
    national_only = models.BooleanField(_("national round only"), default=False)
    awards_count = models.PositiveSmallIntegerField(_("number of awards"), default=3)
    advance_count = models.PositiveSmallIntegerField(
        _("advance to the national round (top K)"), default=1
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="category_unique_code"),
            models.CheckConstraint(condition=models.Q(awards_count__gte=1), name="category_awards_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_active_language(self.name_id, self.name_en)


class StageKind(models.TextChoices):
    SCREENING = "screening", _("Administrative screening")
    ASSESSMENT = "assessment", _("Assessment")
    INTERVIEW = "interview", _("Interview")


STAGE_ORDER = {StageKind.SCREENING: 1, StageKind.ASSESSMENT: 2, StageKind.INTERVIEW: 3}


class StageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean")


class Stage(models.Model):
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("kind"), max_length=12, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    weight = models.DecimalField(_("weight in the final score"), max_digits=8, decimal_places=4, default=0)
    status = models.CharField(_("status"), max_length=8, choices=StageStatus.choices, default=StageStatus.DRAFT)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    calibrate = models.BooleanField(_("calibrate reviewers"), default=False)
    aggregation = models.CharField(
        _("aggregation of reviewers"), max_length=12, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"), max_digits=7, decimal_places=4, default=30
    )
    hide_other_scores = models.BooleanField(_("hide other reviewers' scores until closed"), default=True)
    hide_reviewer_names = models.BooleanField(_("hide reviewers' names from each other"), default=False)
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder before the deadline (days)"), default=3,
        help_text=_("Reviewers with unsubmitted assignments are reminded this many days before the deadline; "
                    "0: no reminder."))

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="stage_unique_kind"),
            models.UniqueConstraint(fields=["round", "position"], name="stage_unique_position"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="stage_weight_non_negative"),
            models.CheckConstraint(
                condition=~models.Q(kind="screening") | models.Q(weight=0), name="stage_screening_weight_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(disagreement_threshold__gte=0, disagreement_threshold__lte=100),
                name="stage_threshold_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.get_kind_display()}"
