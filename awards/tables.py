"""django-tables2 tables of the award's pages; columns that render HTML have a plain `value_…` for exports."""
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .audit_labels import action_label, change_rows, object_label
from .display import score_text
from .models import Message
from .people import person_name
from .selectors.audit import audit_related_names
from .selectors.reviews import MY_STATUS_CHOICES

# django-tables2 has no Indonesian catalogue: the words of its pager are translated in ours.
PAGER_WORDS = (gettext_noop("previous"), gettext_noop("next"))

FLAG_LABELS = {
    "incomplete": _("incomplete"),
    "disagreement": _("reviewer disagreement"),
    "award_tie": _("tie at the award boundary"),
    "advancement_tie": _("tie at the advancement boundary"),
}


def flag_text(codes):
    """Flags in words a reader knows (exports, lists), in the active language."""
    return ", ".join(str(FLAG_LABELS.get(code, code)) for code in codes)


class CommitteeTable(tables.Table):
    """The base of every committee list: one look, one empty text. `region_label` names the box a wide
    table scrolls in (templates/tables/table.html, settings.DJANGO_TABLES2_TEMPLATE)."""

    region_label = None

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("Nothing to show.")


class ScoreColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", self.attrs)
        super().__init__(*args, **kwargs)

    def render(self, value):
        # Stored standings keep their stage scores as text (JSON): "12.3456".
        return score_text(Decimal(value) if isinstance(value, str) else value)

    def value(self, value):
        return "" if value is None else str(value)


class LeaderboardTable(CommitteeTable):
    """One ranking group at one stage: its stored standings (models/standings.py), sorted and paginated by
    the database. Award places and advancing ranks are marked beside the rank, with a line under the last
    of each (the group stores their positions)."""

    region_label = _("Leaderboard")

    rank = tables.Column(verbose_name=_("Rank"), order_by=("position",),
                         attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    nominee_name = tables.Column(verbose_name=_("Nominee"), accessor="nomination__nominee__name",
                                 order_by=("nomination__nominee__name", "nomination__nominee__code"))
    nominee_code = tables.Column(verbose_name=_("Code"), accessor="nomination__nominee__code")
    area = tables.Column(verbose_name=_("Region"), accessor="nomination__nominee__region__name", orderable=False)
    round_score = ScoreColumn(verbose_name=_("Round score"), order_by=("-round_score", "position"))
    flags = tables.Column(verbose_name=_("Flags"), orderable=False, empty_values=())

    class Meta(CommitteeTable.Meta):
        row_attrs = {"data-nomination": lambda record: record.nomination_id,
                     "class": lambda record, table: table.line_class(record)}

    def __init__(self, *args, group=None, stage_columns=(), explain_url=None, **kwargs):
        # One score column per stage shown (assessment, interview), named by the stage; stored as text.
        extra = [(f"stage_{kind}", ScoreColumn(verbose_name=label, accessor=f"stage_scores__{kind}", orderable=False))
                 for kind, label in stage_columns]
        super().__init__(*args, extra_columns=extra, **kwargs)
        self.group, self.explain_url = group, explain_url
        self.sequence = ["rank", "nominee_name", "nominee_code", "area", "round_score",
                         *[name for name, _column in extra], "flags"]

    def line_class(self, record):
        lines = [name for name, position in (("award", self.group.award_position),
                                             ("advances", self.group.advance_position)) if position == record.position]
        return " ".join(f"line-{line}" for line in lines)

    def render_nominee_name(self, value, record):
        if self.explain_url is None:
            return value
        return format_html('<a href="{}">{}</a>', self.explain_url(record.nomination_id), value)

    def render_rank(self, value, record):
        group = self.group
        marks = [("award", gettext("award place"), group.award_position),
                 ("advances", gettext("advances"), group.advance_position)]
        places = [(kind, label) for kind, label, last in marks if last is not None and record.position <= last]
        return format_html("{}{}", value, format_html_join("", ' <span class="place place-{}">{}</span>', places))

    def value_rank(self, value):
        return value

    def render_flags(self, record):
        return format_html_join(" ", '<span class="flag flag-{}">{}</span>',
                                ((code, FLAG_LABELS[code]) for code in record.flags))

    def value_flags(self, record):
        return " ".join(record.flags)


class AuditTable(CommitteeTable):
    """The audit trail in the reader's language: actions, objects and people by name, the summary translated
    when read, changes by field name and value label. The codes stay in the rows (data-code) and the export."""

    region_label = _("Audit trail")
    at = tables.DateTimeColumn(verbose_name=_("When"), format="DATETIME_FORMAT")
    actor = tables.Column(verbose_name=_("Who"), accessor="actor", default="—",
                          order_by=("actor__first_name", "actor__last_name", "actor__username"))
    action = tables.Column(verbose_name=_("Action"))
    object_type = tables.Column(verbose_name=_("Object"))
    object_id = tables.Column(verbose_name=_("Id"))
    summary = tables.Column(verbose_name=_("Summary"), orderable=False)
    changes = tables.Column(verbose_name=_("Old → new"), orderable=False, empty_values=())

    class Meta(CommitteeTable.Meta):
        order_by = ("-at",)

    def related_names(self):
        """The names the page's changes point at, read once for the whole page."""
        if not hasattr(self, "_related_names"):
            page = getattr(self, "page", None)
            rows = page.object_list if page is not None else self.rows
            self._related_names = audit_related_names(row.record for row in rows)
        return self._related_names

    def render_actor(self, value):
        return person_name(value)

    def value_actor(self, value):
        return value.get_username() if value else ""

    def render_action(self, value):
        return format_html('<span data-code="{}">{}</span>', value, action_label(value))

    def value_action(self, value):
        return value

    def render_object_type(self, value):
        return format_html('<span data-code="{}">{}</span>', value, object_label(value))

    def value_object_type(self, value):
        return value

    def render_summary(self, record):
        return record.summary_text()

    def value_summary(self, record):
        return record.summary_text()

    def render_changes(self, record):
        return format_html_join(mark_safe("<br>"), "{}: {} → {}", change_rows(record, self.related_names()))

    def value_changes(self, record):
        return "; ".join(f"{name}: {old} → {new}" for name, old, new in change_rows(record, self.related_names()))


def explanation_url(round_id, category_id, stage_id):
    def url(nomination_id):
        return reverse("committee-explanation", args=[round_id, category_id, nomination_id]) + f"?tahap={stage_id}"

    return url


class AssignmentTable(tables.Table):
    """A reviewer's work list: one row per assignment, the nominee linking to its scoring page. On a phone
    each row is a card (static/css/paritrana.css): every cell says its column's name and has its own class."""

    region_label = _("My assignments")

    nominee = tables.Column(verbose_name=_("Nominee"), accessor="nomination__nominee__name",
                            order_by=("nomination__nominee__name", "pk"))
    category = tables.Column(verbose_name=_("Category"), accessor="nomination__category",
                             order_by=("nomination__category__position", "nomination__category__code"))
    round = tables.Column(verbose_name=_("Round"), accessor="nomination__round",
                          order_by=("nomination__round__edition__year", "-nomination__round__level",
                                    "nomination__round__province_id"))
    stage = tables.Column(verbose_name=_("Stage"), accessor="stage__kind", order_by=("stage__position",))
    my_status = tables.Column(verbose_name=_("My status"))
    deadline = tables.DateTimeColumn(verbose_name=_("Deadline"), accessor="stage__deadline",
                                     format="DATETIME_FORMAT", default="—")

    class Meta:
        attrs = {"class": "table assignment-table", "td": {"data-label": lambda bound_column: bound_column.header,
                                                           "class": lambda bound_column: f"cell-{bound_column.name}"}}
        empty_text = _("No assignment matches.")
        row_attrs = {"data-assignment": lambda record: record.pk}

    def render_nominee(self, value, record):
        return format_html('<a href="{}">{}</a> <span class="muted">{}</span>',
                           reverse("reviewer-assignment", args=[record.pk]), value, record.nomination.nominee.code)

    def value_nominee(self, value, record):
        return f"{value} ({record.nomination.nominee.code})"

    def render_stage(self, record):
        """The stage and whether it is open: only an open stage takes scores."""
        stage = record.stage
        return format_html('{} <span class="stage stage-{}">{}</span>', stage.get_kind_display(), stage.status,
                           stage.get_status_display())

    def value_stage(self, record):
        return f"{record.stage.get_kind_display()} ({record.stage.get_status_display()})"

    def render_my_status(self, value):
        return format_html('<span class="status status-{}">{}</span>', value, dict(MY_STATUS_CHOICES)[value])

    def value_my_status(self, value):
        return value


class ScreeningCheckBoxColumn(tables.CheckBoxColumn):
    """The tick of the bulk screening form, with the decision this page shows beside it: the service
    refuses the decision if a colleague screened the nomination in the meantime."""

    def render(self, value, bound_column, record):
        return format_html('{}<input type="hidden" name="seen-{}" value="{}" form="bulk-screen">',
                           super().render(value, bound_column, record), record.pk, record.eligibility)


class NominationTable(CommitteeTable):
    """A round's nominations; the checkbox column feeds the bulk screening form."""

    region_label = _("Nominations")

    select = ScreeningCheckBoxColumn(accessor="pk", attrs={
        "input": {"name": "nomination", "form": "bulk-screen",
                  "aria-label": lambda record: gettext("Select %(nominee)s") % {"nominee": record.nominee.name}},
        "th__input": {"aria-label": _("Select all")}})
    nominee = tables.Column(verbose_name=_("Nominee"), accessor="nominee__name", order_by=("nominee__name",))
    code = tables.Column(verbose_name=_("Code"), accessor="nominee__code")
    region = tables.Column(verbose_name=_("Region"), accessor="nominee__region__name")
    category = tables.Column(verbose_name=_("Category"), accessor="category__name_id",
                             order_by=("category__position", "category__code"))
    eligibility = tables.Column(verbose_name=_("Screening"))
    eligibility_reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    advanced_from = tables.Column(verbose_name=_("Advanced from"), accessor="advanced_from__round__province__name",
                                  orderable=False)

    class Meta(CommitteeTable.Meta):
        order_by = ("category", "code")
        row_attrs = {"data-nomination": lambda record: record.pk}

    def render_category(self, record):
        return record.category.name

    def render_eligibility(self, record):
        return format_html('<span class="eligibility eligibility-{}">{}</span>', record.eligibility,
                           record.get_eligibility_display())

    def value_eligibility(self, record):
        return record.eligibility


class AccountTable(CommitteeTable):
    """The accounts a committee manages: the name links to the account's page."""

    region_label = _("Accounts")

    name = tables.Column(verbose_name=_("Name"), empty_values=(), order_by=("first_name", "last_name", "username"))
    email = tables.Column(verbose_name=_("Email address"))
    role = tables.Column(verbose_name=_("Role"), accessor="profile__role", default="—")
    province = tables.Column(verbose_name=_("Province"), accessor="profile__province__name", default="—")
    is_active = tables.Column(verbose_name=_("Status"))
    password_set = tables.Column(verbose_name=_("Password"))

    class Meta(CommitteeTable.Meta):
        row_attrs = {"data-account": lambda record: record.pk}

    def render_name(self, record):
        return format_html('<a href="{}">{}</a> <span class="muted">{}</span>',
                           reverse("committee-account", args=[record.pk]), person_name(record), record.get_username())

    def value_name(self, record):
        return person_name(record)

    def render_is_active(self, value):
        return format_html('<span class="status status-{}">{}</span>', "active" if value else "inactive",
                           _("active") if value else _("deactivated"))

    def value_is_active(self, value):
        return "1" if value else "0"

    def render_password_set(self, value):
        return _("set") if value else format_html('<span class="status status-draft">{}</span>',
                                                  _("invitation pending"))

    def value_password_set(self, value):
        return "1" if value else "0"


class MessageTable(tables.Table):
    """Every message sent by email, as the committee reads its list: to whom, when, what, delivered or not."""

    region_label = _("Messages")

    created_at = tables.DateTimeColumn(verbose_name=_("When"), format="DATETIME_FORMAT")
    recipient = tables.Column(verbose_name=_("To"), order_by=("recipient__last_name",
                                                                         "recipient__first_name"))
    kind = tables.Column(verbose_name=_("Kind"))
    summary = tables.Column(verbose_name=_("What"), orderable=False)
    status = tables.Column(verbose_name=_("Status"))
    sent_at = tables.DateTimeColumn(verbose_name=_("Sent at"), format="DATETIME_FORMAT")

    class Meta:
        model = Message
        fields = ("created_at", "recipient", "kind", "summary", "status", "sent_at")
        attrs = {"class": "table", "id": "messages"}
        order_by = ("-created_at",)

    def render_recipient(self, record):
        return f"{person_name(record.recipient)} <{record.email or '–'}>"

    def render_status(self, record):
        if record.error == "no-address":
            return gettext("Failed: the account has no email address")
        if record.error:
            return gettext("Failed: %(error)s") % {"error": record.error}
        return record.get_status_display()


class RoundAssignmentTable(CommitteeTable):
    """A round's assignments one by one; the committee changes one from its own page (remove, reassign)."""

    region_label = _("Assignments")

    nominee = tables.Column(verbose_name=_("Nominee"), accessor="nomination__nominee__name",
                            order_by=("nomination__nominee__name", "pk"))
    category = tables.Column(verbose_name=_("Category"), accessor="nomination__category",
                             order_by=("nomination__category__position", "nomination__category__code"))
    stage = tables.Column(verbose_name=_("Stage"), accessor="stage__kind", order_by=("stage__position", "pk"))
    reviewer = tables.Column(verbose_name=_("Reviewer"), accessor="reviewer",
                             order_by=("reviewer__first_name", "reviewer__last_name", "reviewer__username"))
    status = tables.Column(verbose_name=_("Status"))
    change = tables.Column(verbose_name=_("Change"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(CommitteeTable.Meta):
        order_by = ("nominee",)
        row_attrs = {"data-assignment": lambda record: record.pk}

    def __init__(self, *args, can_manage=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_manage:
            self.columns.hide("change")

    def render_nominee(self, value, record):
        return format_html('{} <span class="muted">{}</span>', value, record.nomination.nominee.code)

    def render_category(self, value):
        return value.name

    def render_stage(self, record):
        return record.stage.get_kind_display()

    def render_reviewer(self, value):
        return person_name(value)

    def render_status(self, record):
        return format_html('<span class="status status-{}">{}</span>', record.status, record.get_status_display())

    def render_change(self, record):
        return format_html('<a href="{}">{}</a>', reverse("committee-assignment", args=[
            record.stage.round_id, record.pk]), gettext("Remove or reassign…"))
