"""Forms of the committee's import pages: the metrics upload and export choices, the nominations upload."""
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import NomineeKind, Region
from .limits import size_refusal
from .numbers import AUTO, INDONESIAN_FORMAT, PLAIN_FORMAT


class UploadField(forms.FileField):
    """A file refused when over the upload limit, by the size the upload handler counted, before any of
    it is parsed (the upload itself is in a temporary file above 2.5 MB, never in memory)."""

    def validate(self, value):
        super().validate(value)
        if value:
            message = size_refusal(value.size)
            if message is not None:
                raise forms.ValidationError(message, code="too_big")


class MetricsUploadForm(forms.Form):
    file = UploadField(label=_("File (CSV or XLSX)"))
    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    number_format = forms.ChoiceField(
        label=_("Number format"), initial=AUTO, required=False, choices=[
            (AUTO, _("Read it from the file")), (INDONESIAN_FORMAT, _("Indonesian: 1.234.567,5")),
            (PLAIN_FORMAT, _("Plain: 1234567.5"))],
        help_text=_("A decimal comma (24,5) or dots grouping thousands (1.234.567) mean Indonesian; a decimal "
                    "point (24.5) means plain. XLSX number cells are numbers either way. The check shows which "
                    "format it used."))

    def clean_number_format(self):
        return self.cleaned_data["number_format"] or AUTO


class MetricsExportForm(forms.Form):
    FORMATS = [("csv", "CSV"), ("xlsx", "XLSX")]

    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Nominee kind"), required=False,
                             choices=[("", _("All kinds"))] + list(NomineeKind.choices))
    province = forms.ModelChoiceField(label=_("Province"), required=False, empty_label=_("All provinces"),
                                      queryset=Region.objects.none(), to_field_name="code")
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")

    def __init__(self, *args, provinces, province_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = provinces
        if province_required:  # a provincial committee exports its own province only
            field.required = True
            field.empty_label = None


class NominationsUploadForm(forms.Form):
    file = UploadField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Columns category, round and nominee: a category code, national or a province code, and the "
                    "nominee's region code or employer number (NPP). One row per nomination."))
