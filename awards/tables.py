"""django-tables2 tables of the award's pages; columns that render HTML have a plain `value_…` for exports."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .selectors.reviews import MY_STATUS_CHOICES


class AssignmentTable(tables.Table):
    """A reviewer's work list: one row per assignment, the nominee linking to its scoring page."""

    nominee = tables.Column(verbose_name=_("Nominee"), accessor="nomination__nominee__name",
                            order_by=("nomination__nominee__name", "pk"))
    kind = tables.Column(verbose_name=_("Kind"), accessor="nomination__nominee__kind")
    category = tables.Column(verbose_name=_("Category"), accessor="nomination__category",
                             order_by=("nomination__category__position", "nomination__category__code"))
    round = tables.Column(verbose_name=_("Round"), accessor="nomination__round",
                          order_by=("nomination__round__edition__year", "-nomination__round__level",
                                    "nomination__round__province_id"))
    stage = tables.Column(verbose_name=_("Stage"), accessor="stage__kind", order_by=("stage__position",))
    my_status = tables.Column(verbose_name=_("My status"))
    deadline = tables.DateTimeColumn(verbose_name=_("Deadline"), accessor="stage__deadline",
                                     format="SHORT_DATETIME_FORMAT", default="—")

    class Meta:
        attrs = {"class": "table assignment-table"}
        empty_text = _("No assignment matches.")
        template_name = "django_tables2/table.html"
        row_attrs = {"data-assignment": lambda record: record.pk}

    def render_nominee(self, value, record):
        return format_html('<a href="{}">{}</a> <span class="muted">{}</span>',
                           reverse("reviewer-assignment", args=[record.pk]), value, record.nomination.nominee.code)

    def value_nominee(self, value, record):
        return f"{value} ({record.nomination.nominee.code})"

    def render_my_status(self, value):
        return format_html('<span class="status status-{}">{}</span>', value, dict(MY_STATUS_CHOICES)[value])

    def value_my_status(self, value):
        return value
