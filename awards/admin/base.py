"""What every admin page of the award shares: each save and delete goes through the service that owns
the data (role check, validation, one transaction, audit row), a refused change is told as a message,
and pages of data that changes elsewhere say where."""
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..services.accounts import AccountError
from ..services.records import RecordError, record_delete, record_relations_set, record_save, validation_text
from ..services.stages import StageError

# Refusals a service explains; anything else is a fault and is not caught.
REFUSALS = (RecordError, StageError, AccountError, ValidationError)


def refusal_text(error):
    return validation_text(error) if isinstance(error, ValidationError) else str(error)


@admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, all or nothing: when one row is refused, every selected row stays, with a message."""
    try:
        with transaction.atomic():
            return django_delete_selected(modeladmin, request, queryset)
    except REFUSALS as error:
        modeladmin.message_user(request, refusal_text(error), messages.ERROR)
        return None


class EnglishFieldsMarked:
    """The English text of a bilingual row (name_en, guidance_en) is marked lang="en" in its form: screen
    readers and spelling checks then read it as English on an Indonesian page."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.endswith("_en"):
            field.widget.attrs["lang"] = "en"
        return field


class AwardAdmin(EnglishFieldsMarked, admin.ModelAdmin):
    """Base of every admin class of the award.

    `service_save`, `service_delete` and `service_relation` are the only writers; the admin's own hooks
    (save_model, save_related with its inlines and many-to-many fields, delete_model, delete_queryset)
    call them. By default they are the configuration services (national committee only).
    `workspace_note` says where in the workspace the page's data changes, when it changes there."""

    workspace_note = ""
    actions = [delete_selected]

    def may_write(self, request, obj=None):
        """Whether the signed-in user may write this data at all (Django's model permissions come on top)."""
        return permissions.is_committee(request.user)

    def has_add_permission(self, request, *args):
        return self.may_write(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self.may_write(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_write(request, obj) and super().has_delete_permission(request, obj)

    # The writers.
    def service_save(self, request, obj, form=None):
        record_save(instance=obj, acting_user=request.user)

    def service_delete(self, request, obj):
        record_delete(instance=obj, acting_user=request.user)

    def service_relation(self, request, obj, field, values):
        record_relations_set(instance=obj, field=field, values=values, acting_user=request.user)

    # The admin's hooks, each routed to a writer.
    def save_model(self, request, obj, form, change):
        self.service_save(request, obj, form)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def save_related(self, request, form, formsets, change):
        for field in form.instance._meta.many_to_many:
            if field.name in form.fields and field.name in form.cleaned_data:
                self.service_relation(request, form.instance, field.name, form.cleaned_data[field.name])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        """An inline's rows are written by their own model's admin writers: one rule per model, whichever page."""
        owner = self.admin_site._registry.get(formset.model)
        if not isinstance(owner, AwardAdmin):
            raise PermissionDenied
        formset.save(commit=False)  # fills new_objects, changed_objects and deleted_objects, writes nothing
        for obj in formset.deleted_objects:
            owner.service_delete(request, obj)
        for obj in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            owner.service_save(request, obj)

    # Pages: a refusal becomes a message on the page it came from.
    def _with_note(self, extra_context):
        return {**(extra_context or {}), "workspace_note": self.workspace_note}

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, self._with_note(extra_context))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, self._with_note(extra_context))
        except REFUSALS as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, self._with_note(extra_context))
        except REFUSALS as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change"
            return HttpResponseRedirect(reverse(name, args=[quote(object_id)]))


class ReadOnlyAdmin(AwardAdmin):
    """Data with a lifecycle (scores, assignments, screening, results, audit): shown to those who may view
    it, never added, changed or deleted here; the workspace's services own it."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form=None):
        raise PermissionDenied

    def service_delete(self, request, obj):
        raise PermissionDenied

    def service_relation(self, request, obj, field, values):
        raise PermissionDenied


class ReadOnlyInline:
    """An inline that lists rows of data with a lifecycle and changes none of them."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AwardInline(EnglishFieldsMarked):
    """An inline of configuration: written only by those who may write configuration."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return permissions.is_committee(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return permissions.is_committee(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_committee(request.user) and super().has_delete_permission(request, obj)
