"""Accounts, their award roles and access groups in the admin: every change through the accounts
service, audited; accounts are deactivated, never deleted (the audit trail names them)."""
import copy
from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .. import models
from ..services.accounts import (
    account_password_set,
    account_relations_set,
    account_save,
    profile_problem,
    profile_set,
)
from .base import AwardAdmin, AwardInline


class ProfileForm(forms.ModelForm):
    class Meta:
        model = models.Profile
        fields = ["user", "role", "province"]

    def clean(self):
        cleaned = super().clean()
        problem = profile_problem(role=cleaned.get("role"), province=cleaned.get("province"))
        if problem:
            self.add_error("province", problem)
        return cleaned


@admin.register(models.Profile)
class ProfileAdmin(AwardAdmin):
    form = ProfileForm
    list_display = ["user", "role", "province"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "province"]
    list_select_related = ["user", "province"]
    workspace_note = _("A change of role or province is audited. A provincial committee member or a reviewer "
                       "works in one province; the national committee and observers in none.")

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # an account without a role can do nothing: change its role or deactivate the account

    def service_save(self, request, obj, form=None):
        profile = profile_set(user=obj.user, role=obj.role, province=obj.province, acting_user=request.user)
        obj.pk, obj._state.adding, obj._state.db = profile.pk, False, profile._state.db


class ProfileInline(AwardInline, admin.StackedInline):
    model = models.Profile
    form = ProfileForm
    fields = ["role", "province"]
    autocomplete_fields = ["province"]
    can_delete = False
    max_num = 1


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saving through the accounts service as the signed-in member."""

    def __init__(self, user, *args, acting_user, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.acting_user = acting_user

    def save(self, commit=True):
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        self.user = account_password_set(user=self.user, password=password, acting_user=self.acting_user)
        return self.user


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)

PERMISSION_VERBS = {"add": _("Add"), "change": _("Change"), "delete": _("Delete"), "view": _("View")}


def permission_label(permission):
    """A permission in the reader's language (Django stores "Can add …" in English): app | model | verb."""
    model = permission.content_type.model_class()
    verb = permission.codename.split("_", 1)[0]
    if model is None or verb not in PERMISSION_VERBS or permission.codename != f"{verb}_{model._meta.model_name}":
        return str(permission)
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {PERMISSION_VERBS[verb]}"


class PermissionsInWords:
    """The permissions of a group or an account listed by permission_label."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name not in ("permissions", "user_permissions"):
            return super().formfield_for_manytomany(db_field, request=request, **kwargs)
        kwargs.setdefault("queryset", db_field.remote_field.model.objects.select_related("content_type"))
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if field is not None:
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class AccountAdmin(PermissionsInWords, AwardAdmin, DjangoUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "role", "is_active", "is_staff"]
    list_select_related = ["profile"]
    workspace_note = _("Accounts are deactivated (active: off), never deleted: the audit trail names who did "
                       "what. Every change of an account, its role, province, groups or permissions is audited.")

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, user):
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "—"

    def get_readonly_fields(self, request, obj=None):
        # Sign-in dates are facts, not settings; superuser status is granted only by a superuser.
        readonly = ["last_login", "date_joined"]
        return readonly if request.user.is_superuser else [*readonly, "is_superuser"]

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form=None):
        account_save(user=obj, acting_user=request.user)

    def service_relation(self, request, obj, field, values):
        account_relations_set(user=obj, field=field, values=values, acting_user=request.user)

    def service_delete(self, request, obj):
        raise PermissionDenied  # accounts are deactivated, never deleted

    def user_change_password(self, request, id, form_url=""):
        # Django's view, with its form bound to the member who signs the change.
        view = copy.copy(self)
        view.change_password_form = partial(AuditedPasswordChangeForm, acting_user=request.user)
        return DjangoUserAdmin.user_change_password(view, request, id, form_url)


@admin.register(Group)
class AccessGroupAdmin(PermissionsInWords, AwardAdmin, DjangoGroupAdmin):
    workspace_note = _("A group's permissions decide what its members see and change in the admin; changes "
                       "are audited.")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):  # shown, not edited: in words too
            return ["permission_list" if name == "permissions" else name for name in fields]
        return fields

    @admin.display(description=_("permissions"))
    def permission_list(self, group):
        return ", ".join(sorted(permission_label(p) for p in group.permissions.select_related("content_type")))
