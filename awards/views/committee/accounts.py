"""Accounts managed from the committee workspace: the list, invite, edit, deactivate, reactivate, invite again.
The national committee manages every committee, reviewer and observer account; a provincial committee
its own province's reviewers (Tim Sembilan)."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ... import permissions
from ...filters import AccountFilter
from ...forms import AccountForm
from ...models import Region, Role
from ...people import person_name
from ...selectors import accounts as selectors
from ...services import accounts as service
from ...tables import AccountTable


class AccountsMixin(LoginRequiredMixin):
    """The national and provincial committees only; observers and reviewers get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(service.can_manage_accounts(request.user))
        return super().dispatch(request, *args, **kwargs)

    @property
    def provincial(self):
        return not permissions.is_committee(self.request.user)

    def account_form(self, data=None, **kwargs):
        return AccountForm(data, roles=service.manageable_roles(self.request.user), provincial=self.provincial,
                           **kwargs)

    def role_and_province(self, form):
        """What the form chose, or for a provincial committee: a reviewer of its own province."""
        if self.provincial:
            return Role.REVIEWER, Region.objects.get(pk=permissions.province_of(self.request.user))
        return form.cleaned_data["role"], form.cleaned_data.get("province")


class AccountsView(AccountsMixin, SingleTableMixin, FilterView):
    template_name = "awards/committee/accounts.html"
    table_class = AccountTable
    filterset_class = AccountFilter
    table_pagination = {"per_page": 50}
    strict = False

    def get_queryset(self):
        return selectors.accounts_visible_to(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "provincial": self.provincial}

    def get_table_kwargs(self):
        return {"exclude": ("role", "province")} if self.provincial else {}


class AccountInviteView(AccountsMixin, View):
    template_name = "awards/committee/account_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": self.account_form(initial={"language": "id"}),
                                                    "inviting": True})

    def post(self, request):
        form = self.account_form(request.POST)
        if form.is_valid():
            role, province = self.role_and_province(form)
            data = form.cleaned_data
            try:
                user = service.account_invite(
                    first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                    username=data.get("username", ""), role=role, province=province, language=data["language"],
                    acting_user=request.user)
            except service.AccountError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(name)s is invited: the email to set a password is on its way to "
                                            "%(email)s.") % {"name": person_name(user), "email": user.email})
                return redirect("committee-account", user.pk)
        return render(request, self.template_name, {"form": form, "inviting": True}, status=400)


class AccountEditView(AccountsMixin, View):
    template_name = "awards/committee/account_form.html"

    def context(self, account, form):
        return {"form": form, "account": account, "inviting": False, "is_self": account.pk == self.request.user.pk}

    def get(self, request, account_id):
        account = selectors.access_account(request.user, account_id)
        profile = getattr(account, "profile", None)
        form = self.account_form(inviting=False, initial={
            "first_name": account.first_name, "last_name": account.last_name, "email": account.email,
            "role": profile.role if profile else None, "province": profile.province_id if profile else None,
            "language": profile.language if profile else "id"})
        return render(request, self.template_name, self.context(account, form))

    def post(self, request, account_id):
        account = selectors.access_account(request.user, account_id)
        form = self.account_form(request.POST, inviting=False)
        if form.is_valid():
            role, province = self.role_and_province(form)
            data = form.cleaned_data
            try:
                account = service.account_update(
                    user=account, first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                    role=role, province=province, language=data["language"], acting_user=request.user)
            except service.AccountError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The account of %(name)s is saved.") % {"name": person_name(account)})
                return redirect("committee-account", account.pk)
        return render(request, self.template_name, self.context(account, form), status=400)


ACTIONS = {
    "nonaktifkan": (service.account_deactivate,
                    gettext_lazy("%(name)s's account is deactivated: they can no longer sign in.")),
    "aktifkan": (service.account_reactivate, gettext_lazy("%(name)s's account is active again.")),
    "undang-ulang": (service.account_invitation_resend, gettext_lazy("The invitation is sent again to %(name)s.")),
}


class AccountActionView(AccountsMixin, View):
    """Deactivate, reactivate or invite again (POST only, from the account's page)."""

    def post(self, request, account_id, action):
        if action not in ACTIONS:
            raise Http404
        account = selectors.access_account(request.user, account_id)
        act, done = ACTIONS[action]
        try:
            act(user=account, acting_user=request.user)
        except service.AccountError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, str(done) % {"name": person_name(account)})
        return redirect("committee-account", account.pk)
