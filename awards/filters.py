"""django-filter FilterSets of the award's pages, one per list, serving the page and its exports."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import NomineeKind, StageKind
from .selectors.reviews import MY_STATUS_CHOICES, reviewer_categories, reviewer_rounds


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
