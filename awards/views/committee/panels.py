"""A round's reviewer panels managed from the workspace: create, rename, add and remove members, by whoever
manages the round (the national committee, or a provincial committee for its own province's round)."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from ...people import person_name
from ...selectors import accounts as account_selectors
from ...selectors import committee as selectors
from ...services import panels as service
from .results import CommitteeMixin


class PanelsView(CommitteeMixin, View):
    """The round's panels with their members; POST creates a panel."""

    template_name = "awards/committee/panels.html"

    def page(self, request, round_, status=200):
        return render(request, self.template_name, {
            "round": round_, "panels": account_selectors.round_panels_with_members(round_),
            "reviewers": list(account_selectors.round_reviewers(round_)),
        }, status=status)

    def get(self, request, round_id):
        return self.page(request, selectors.access_round(request.user, round_id, manage=True))

    def post(self, request, round_id):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        try:
            panel = service.panel_create(round_=round_, name=request.POST.get("name", ""), acting_user=request.user)
        except service.PanelError as error:
            messages.error(request, str(error))
            return self.page(request, round_, status=400)
        messages.success(request, _("The panel “%(panel)s” is created: add its members.") % {"panel": panel.name})
        return redirect("committee-panels", round_.id)


class PanelActionView(CommitteeMixin, View):
    """Rename a panel, add a reviewer to it or take one off it (POST)."""

    def post(self, request, round_id, panel_id, action):
        round_ = selectors.access_round(request.user, round_id, manage=True)
        panel = account_selectors.round_panel(round_, panel_id)
        try:
            if action == "ubah-nama":
                panel = service.panel_rename(panel=panel, name=request.POST.get("name", ""), acting_user=request.user)
                done = _("The panel is now named “%(panel)s”.") % {"panel": panel.name}
            elif action == "tambah":
                reviewer = account_selectors.reviewer_choice(round_, request.POST.get("reviewer", ""))
                if reviewer is None:
                    raise service.PanelError(_("Choose a reviewer of this round from the list."))
                service.panel_member_add(panel=panel, user=reviewer, acting_user=request.user)
                done = _("%(name)s is on the panel “%(panel)s”.") % {"name": person_name(reviewer),
                                                                     "panel": panel.name}
            elif action == "keluarkan":
                member = account_selectors.panel_member(panel, request.POST.get("reviewer", ""))
                service.panel_member_remove(panel=panel, user=member, acting_user=request.user)
                done = _("%(name)s is no longer on the panel “%(panel)s”.") % {"name": person_name(member),
                                                                               "panel": panel.name}
            else:
                raise Http404
        except service.PanelError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return redirect("committee-panels", round_.id)
