"""Kemendagri regions: provinces, regencies/cities, districts and villages in one tree."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        DISTRICT = 3, _("District")
        VILLAGE = 4, _("Village")

    class Type(models.TextChoices):
        PROVINCE = "provinsi", _("Province")
        REGENCY = "kabupaten", _("Regency")
        CITY = "kota", _("City")
        DISTRICT = "kecamatan", _("District")
        DISTRICT_PAPUA = "distrik", _("District (Papua)")
        URBAN_VILLAGE = "kelurahan", _("Urban village")
        VILLAGE = "desa", _("Village")
        CUSTOMARY_VILLAGE = "desa_adat", _("Customary village")

    # The dotted Kemendagri code ("18", "18.72", "18.72.01", "18.72.01.1001") is the key.
    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Denormalised so that scoping by province is one indexed equality, at every level.
    province = models.ForeignKey(
        "self", verbose_name=_("province"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "province"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="region_level_1_4"),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True) | models.Q(level__gt=1, parent__isnull=False),
                name="region_parent_iff_below_province",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
