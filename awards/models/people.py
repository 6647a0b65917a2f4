"""Who a user is in the award: their role and, for a provincial committee or panel, their province."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMITTEE = "committee", _("Committee (Panitia Pusat)")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial committee (Panitia Provinsi)")
    REVIEWER = "reviewer", _("Reviewer (Penilai/Juri)")
    OBSERVER = "observer", _("Observer (Pemantau)")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    province = models.ForeignKey(
        "awards.Region", verbose_name=_("province"), null=True, blank=True,
        on_delete=models.PROTECT, limit_choices_to={"level": 1}, related_name="+",
        help_text=_("Required for a provincial committee; for a reviewer, the province of their panel."),
    )
    # The language the award writes to them in (messages by email); the pages follow their own choice.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="id")

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="provincial_committee") | models.Q(province__isnull=False),
                name="profile_provincial_committee_has_province",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"
