"""Nominees: governments and villages by region code, businesses and UMKM by BPJS employer number."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class NomineeKind(models.TextChoices):
    PROVINCE_GOVERNMENT = "province_government", _("Provincial government")
    REGENCY_GOVERNMENT = "regency_government", _("Regency/city government")
    VILLAGE = "village", _("Village/urban village government")
    BUSINESS = "business", _("Business")
    UMKM = "umkm", _("Micro or small enterprise (UMKM)")

    @classmethod
    def governments(cls):
        return [cls.PROVINCE_GOVERNMENT, cls.REGENCY_GOVERNMENT, cls.VILLAGE]

    @classmethod
    def employers(cls):
        return [cls.BUSINESS, cls.UMKM]


class BusinessSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class Sector(models.TextChoices):
    FINANCE = "finance", _("Finance")
    TRADE_SERVICES = "trade_services", _("Trade and services")
    MINING_MANUFACTURING_CONSTRUCTION = "mining_manufacturing_construction", _(
        "Mining, manufacturing and construction"
    )
    AGRICULTURE_FISHERIES = "agriculture_fisheries", _("Agriculture and fisheries")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")


class Nominee(models.Model):
    # Region code for governments and villages, NPP (employer number) for businesses and UMKM.
    code = models.CharField(_("code"), max_length=32)
    kind = models.CharField(_("kind"), max_length=24, choices=NomineeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Indexes are few on purpose (a national import writes 725,000 nominees): the unique code and
    # employer number, (province, kind) which also serves "by province", and region. Plain B-trees only:
    # no varchar_pattern_ops copies (PostgreSQL adds those for unique=True / db_index=True text columns).
    region = models.ForeignKey(
        "awards.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="nominees",
        db_index=False,
    )
    province = models.ForeignKey(
        "awards.Region", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": 1}, db_index=False,
    )
    employer_number = models.CharField(_("employer number (NPP)"), max_length=32, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=BusinessSize.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=40, choices=Sector.choices, blank=True)

    class Meta:
        verbose_name = _("nominee")
        verbose_name_plural = _("nominees")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["province", "kind"], name="awards_nomi_provinc_930dd6_idx"),
            models.Index(fields=["region"], name="nominee_region"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="nominee_unique_code"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["business", "umkm"]) | ~models.Q(employer_number=""),
                name="nominee_employer_has_npp",
            ),
            models.UniqueConstraint(
                fields=["employer_number"], condition=~models.Q(employer_number=""),
                name="nominee_unique_npp",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"
