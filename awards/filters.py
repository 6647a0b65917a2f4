"""django-filter FilterSets of the award's pages, one per list, serving the page and its exports."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import audit_labels
from .models import AssignmentStatus, AuditEvent, Eligibility, NomineeKind, Region, Role, RoundLevel, StageKind
from .selectors.reviews import MY_STATUS_CHOICES, reviewer_categories, reviewer_rounds

FLAG_CHOICES = [
    ("incomplete", _("incomplete")),
    ("disagreement", _("reviewer disagreement")),
    ("award_tie", _("tie at the award boundary")),
    ("advancement_tie", _("tie at the advancement boundary")),
]


class LeaderboardFilter(django_filters.FilterSet):
    """Filters the stored standings of one ranking group (models/standings.py) in the database."""

    search = django_filters.CharFilter(label=_("Name or code"), method="filter_search")
    area = django_filters.ChoiceFilter(label=_("Region"), method="filter_area")
    flag = django_filters.ChoiceFilter(label=_("Flag"), choices=FLAG_CHOICES, method="filter_flag")

    def __init__(self, *args, round_=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        if round_ is not None and round_.level == RoundLevel.PROVINCIAL:
            regions = Region.objects.filter(level=Region.Level.REGENCY, province_id=round_.province_id)
        else:
            regions = Region.objects.filter(level=Region.Level.PROVINCE)
        self.filters["area"].extra["choices"] = list(regions.order_by("code").values_list("code", "name"))

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(nomination__nominee__name__icontains=value)
                               | Q(nomination__nominee__code__icontains=value))

    def filter_area(self, queryset, name, value):
        if self.round is not None and self.round.level == RoundLevel.PROVINCIAL:
            return queryset.filter(Q(nomination__nominee__region_id=value)
                                   | Q(nomination__nominee__region__code__startswith=value + "."))
        return queryset.filter(nomination__nominee__province_id=value)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{value: True})  # one of FLAG_CHOICES, checked by the form: a column each


class AuditFilter(django_filters.FilterSet):
    """The audit trail by words a reader knows: what happened and to what (by label), who (by name) and when."""

    action = django_filters.ChoiceFilter(label=_("Action"), choices=audit_labels.action_choices,
                                         empty_label=_("any"), method="filter_action")
    object_type = django_filters.ChoiceFilter(label=_("Object"), choices=audit_labels.object_choices,
                                              empty_label=_("any"))
    actor = django_filters.CharFilter(label=_("Who (name or user name)"), method="filter_actor")
    since = django_filters.DateFilter(label=_("From date"), field_name="at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    until = django_filters.DateFilter(label=_("To date"), field_name="at", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "actor", "since", "until"]

    def filter_action(self, queryset, name, value):
        return queryset.filter(audit_labels.action_lookup(value))

    def filter_actor(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(actor__first_name__icontains=word) | Q(actor__last_name__icontains=word)
                                       | Q(actor__username__icontains=word))
        return queryset


class AssignmentFilter(django_filters.FilterSet):
    """A reviewer's work list. Without a status chosen, assignments with a declared conflict are left out."""

    nominee = django_filters.CharFilter(label=_("Nominee (name or code)"), method="filter_nominee")
    kind = django_filters.ChoiceFilter(label=_("Kind"), field_name="nomination__nominee__kind",
                                       choices=NomineeKind.choices)
    category = django_filters.ModelChoiceFilter(label=_("Category"), field_name="nomination__category",
                                                queryset=lambda request: reviewer_categories(request.user))
    round = django_filters.ModelChoiceFilter(label=_("Round"), field_name="nomination__round",
                                             queryset=lambda request: reviewer_rounds(request.user))
    stage = django_filters.ChoiceFilter(label=_("Stage"), field_name="stage__kind", choices=StageKind.choices)
    status = django_filters.ChoiceFilter(label=_("My status"), method="filter_status",
                                         choices=MY_STATUS_CHOICES)

    @property
    def qs(self):
        # Also when the form is unbound (no filter chosen), where filter_queryset() does not run.
        if not hasattr(self, "_work_list"):
            status = self.form.cleaned_data.get("status") if self.is_bound and self.form.is_valid() else None
            self._work_list = super().qs if status else super().qs.filter(has_conflict=False)
        return self._work_list

    def filter_nominee(self, queryset, name, value):
        return queryset.filter(Q(nomination__nominee__name__icontains=value)
                               | Q(nomination__nominee__code__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(my_status=value)


class NominationFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Name or code"), method="filter_search")
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="category_id")
    eligibility = django_filters.ChoiceFilter(label=_("Screening"), choices=Eligibility.choices)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = [(c.id, c.name) for c in categories]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(nominee__name__icontains=value) | Q(nominee__code__icontains=value))


class AccountFilter(django_filters.FilterSet):
    """The workspace's account list: by name or email, role, province, active or not, invitation pending."""

    search = django_filters.CharFilter(label=_("Name or email"), method="filter_search")
    role = django_filters.ChoiceFilter(label=_("Role"), field_name="profile__role", choices=Role.choices)
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), field_name="profile__province",
        queryset=Region.objects.filter(level=Region.Level.PROVINCE).order_by("name"))
    active = django_filters.ChoiceFilter(label=_("Status"), field_name="is_active",
                                         choices=[("1", _("active")), ("0", _("deactivated"))], method="filter_flag")
    password = django_filters.ChoiceFilter(label=_("Password"), field_name="password_set",
                                           choices=[("1", _("set")), ("0", _("invitation pending"))],
                                           method="filter_flag")

    def __init__(self, *args, provincial=False, **kwargs):
        super().__init__(*args, **kwargs)
        if provincial:  # a provincial committee sees its own province's reviewers only
            del self.filters["role"], self.filters["province"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(first_name__icontains=value) | Q(last_name__icontains=value)
                               | Q(username__icontains=value) | Q(email__icontains=value))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{name: value == "1"})


class RoundAssignmentFilter(django_filters.FilterSet):
    """The assignments list of one round: by nominee, reviewer, category, stage and status."""

    nominee = django_filters.CharFilter(label=_("Nominee (name or code)"), method="filter_nominee")
    reviewer = django_filters.ChoiceFilter(label=_("Reviewer"), field_name="reviewer_id")
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="nomination__category_id")
    stage = django_filters.ChoiceFilter(label=_("Stage"), field_name="stage__kind",
                                        choices=[(kind, label) for kind, label in StageKind.choices
                                                 if kind != StageKind.SCREENING])
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AssignmentStatus.choices)

    def __init__(self, *args, reviewers=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["reviewer"].extra["choices"] = [(str(r["id"]), r["name"]) for r in reviewers]
        self.filters["category"].extra["choices"] = [(str(c.id), c.name) for c in categories]

    def filter_nominee(self, queryset, name, value):
        return queryset.filter(Q(nomination__nominee__name__icontains=value)
                               | Q(nomination__nominee__code__icontains=value))
