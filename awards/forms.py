"""Forms of the award's pages (the metrics page's forms live with the importer, in imports/forms.py)."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .services.reviews import scale_text

SAVE, SUBMIT, CONFIRM, EDIT = "save", "submit", "confirm", "edit"


def plain_decimal(value):
    """A stored value (75.0000) as a person typed it (75, 7.5)."""
    if value is None:
        return None
    return Decimal(scale_text(value))


class ScoreForm(forms.Form):
    """One value and one note per judged criterion of an assignment's stage.

    Values are typed in the active language's format (7,5 in Indonesian, 7.5 in English); the range is
    the criterion's own scale. Submitting needs every value; a draft may leave values empty.
    """

    # Set by the button pressed; Enter in a field presses the first one, "save draft".
    action = forms.ChoiceField(choices=[(a, a) for a in (SAVE, SUBMIT, CONFIRM, EDIT)], required=False)

    def __init__(self, *args, criteria, scores=None, **kwargs):
        scores = scores or {}
        initial = kwargs.pop("initial", {}) or {}
        for criterion in criteria:
            score = scores.get(criterion.id)
            if score is not None:
                initial.setdefault(self.value_name(criterion), plain_decimal(score.value))
                initial.setdefault(self.note_name(criterion), score.note)
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            low, high = scale_text(criterion.scale_min), scale_text(criterion.scale_max)
            value_id = f"id_{self.value_name(criterion)}"
            self.fields[self.value_name(criterion)] = forms.DecimalField(
                label=criterion.name, required=False, max_digits=9, decimal_places=4, localize=True,
                widget=forms.TextInput(attrs={
                    "inputmode": "decimal", "autocomplete": "off", "class": "score-input",
                    "aria-describedby": f"{value_id}-scale {value_id}-guidance",
                }),
                help_text=_("Scale %(min)s–%(max)s") % {"min": low, "max": high},
            )
            self.fields[self.note_name(criterion)] = forms.CharField(
                label=_("Note on “%(criterion)s”") % {"criterion": criterion.name}, required=False,
                max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def value_name(criterion):
        return f"score-{criterion.code}"

    @staticmethod
    def note_name(criterion):
        return f"note-{criterion.code}"

    @property
    def wants_submit(self):
        return self.cleaned_data.get("action") in (SUBMIT, CONFIRM)

    @property
    def editing(self):
        return self.cleaned_data.get("action") == EDIT

    @property
    def confirmed(self):
        return self.cleaned_data.get("action") == CONFIRM

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            name = self.value_name(criterion)
            value = data.get(name)
            if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
                self.add_error(name, gettext("Enter a value from %(min)s to %(max)s.") % {
                    "min": scale_text(criterion.scale_min), "max": scale_text(criterion.scale_max)})
        if data.get("action") in (SUBMIT, CONFIRM):
            for criterion in self.criteria:
                name = self.value_name(criterion)
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, gettext("Enter a value: submitting needs every criterion scored."))
        return data

    def rows(self, items):
        """(item, value field, note field) for the template, for items with a `criterion`, in their order."""
        return [(item, self[self.value_name(item.criterion)], self[self.note_name(item.criterion)]) for item in items]

    def values(self):
        return {c.id: self.cleaned_data.get(self.value_name(c)) for c in self.criteria}

    def notes(self):
        return {c.id: self.cleaned_data.get(self.note_name(c)) or "" for c in self.criteria}


class StageScheduleForm(forms.Form):
    """A stage's deadline and how many days before it the late reviewers are reminded."""

    deadline = forms.DateTimeField(
        label=_("Deadline"), required=False, input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Reviewers see it on their work list; empty: no deadline."))
    reminder_days = forms.IntegerField(
        label=_("Reminder before the deadline (days)"), min_value=0, max_value=60,
        help_text=_("Reviewers with unsubmitted assignments get one email this many days before the deadline; "
                    "0: no reminder."))


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: you work for, advise or are related to the nominee. The committee sees this."),
    )


class AccountForm(forms.Form):
    """Invite a person or edit their account from the workspace. A provincial committee manages its own
    province's reviewers only: the form then has no role or province to choose."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             help_text=_("The invitation to set a password is sent here."))
    username = forms.CharField(label=_("User name (optional)"), max_length=150, required=False,
                               help_text=_("Leave it empty to use the email address to sign in."))
    role = forms.ChoiceField(label=_("Role"))
    province = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False,
                                      help_text=_("For a provincial committee member or a reviewer; empty for the "
                                                  "national committee and observers."))
    language = forms.ChoiceField(label=_("Language of the emails"))

    def __init__(self, *args, roles, provincial, inviting=True, **kwargs):
        from django.conf import settings

        from .models import Region

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        self.fields["province"].queryset = Region.objects.filter(level=Region.Level.PROVINCE).order_by("name")
        if provincial:  # a provincial committee: its own province's reviewers, nothing to choose
            del self.fields["role"], self.fields["province"]
        if not inviting:
            del self.fields["username"]
            self.fields["email"].help_text = ""
