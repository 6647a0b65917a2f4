"""Nominations (a nominee in a category and round) and the reviewer panels of a round."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Eligibility(models.TextChoices):
    PENDING = "pending", _("Not yet screened")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")


class Nomination(models.Model):
    round = models.ForeignKey(
        "awards.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="nominations"
    )
    category = models.ForeignKey(
        "awards.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="nominations"
    )
    nominee = models.ForeignKey(
        "awards.Nominee", verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="nominations"
    )
    eligibility = models.CharField(
        _("screening"), max_length=10, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    eligibility_reason = models.TextField(_("screening reason"), blank=True)
    # Not ranked at stages after this one.
    eliminated_after = models.ForeignKey(
        "awards.Stage", verbose_name=_("eliminated after stage"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    advanced_from = models.OneToOneField(
        "self", verbose_name=_("advanced from"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="advanced_to",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["round", "category", "nominee"]
        constraints = [
            # Once per category in a round; advancing creates the national-round nomination.
            models.UniqueConstraint(fields=["round", "category", "nominee"], name="nomination_once_per_round"),
            # A category belongs to one edition: a nominee is nominated in it once per edition, in one round;
            # only advancement adds a second (national) nomination, linked to the provincial one. The
            # database enforces it so that two committee members nominating at once cannot both succeed.
            models.UniqueConstraint(fields=["category", "nominee"], condition=Q(advanced_from__isnull=True),
                                    name="nomination_once_per_edition"),
            models.CheckConstraint(
                condition=~Q(eligibility="ineligible") | ~Q(eligibility_reason=""),
                name="nomination_ineligible_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["category", "round", "eligibility"])]

    def __str__(self):
        return f"{self.nominee} · {self.category}"


class Panel(models.Model):
    """A round's reviewers: a province's Tim Sembilan or the national jury."""

    round = models.ForeignKey("awards.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="panels", blank=True)

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="panel_unique_name")]

    def __str__(self):
        return self.name
