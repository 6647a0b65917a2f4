"""The Django admin of the award: configuration changed through the configuration services, accounts
through the accounts service, data with a lifecycle shown read-only; every change audited."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import accounts, configuration, lifecycle  # noqa: F401  (each registers its pages)

admin.site.site_header = _("Paritrana Award administration")
admin.site.site_title = _("Paritrana")
admin.site.index_title = _("Award data")
