"""The POST data an admin change page would send back unchanged, so a test changes only what it means to."""
from django import forms


def _field_data(bound):
    name, widget, value = bound.html_name, bound.field.widget, bound.value()
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {f"{name}_{i}": "" if part is None else str(part) for i, part in enumerate(parts)}
    if isinstance(value, (list, tuple)):
        return {name: [str(item) for item in value]}
    return {name: "" if value is None else str(value)}


def _form_data(form):
    data = {}
    for bound in form:
        data.update(_field_data(bound))
    return data


def admin_form_data(response):
    """The change page's form and inline forms as they stand."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    return data
