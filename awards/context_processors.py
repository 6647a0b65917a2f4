"""The one menu of every page, by the signed-in person's role: each part of the app they may use."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import Role

# (URL name, label, roles that see it; None: everyone, signed in or not)
MENU = [
    ("reviewer-assignments", _("My assignments"), {Role.REVIEWER}),
    ("committee", _("Workspace"), {Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE, Role.OBSERVER}),
    ("metrics", _("Protection metrics"), {Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE, Role.OBSERVER}),
    ("committee-accounts", _("Accounts"), {Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE}),
    ("committee-messages", _("Messages"), {Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE}),
    ("committee-audit", _("Audit trail"), {Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE, Role.OBSERVER}),
    ("public-results", _("Results"), None),
]


def menu(request):
    role = permissions.role_of(getattr(request, "user", None))
    path = request.path
    items = []
    for name, label, roles in MENU:
        if roles is not None and role not in roles:
            continue
        items.append({"url": reverse(name), "label": label, "current": False})
    # The current part: the item whose address starts the page's (the longest such one).
    matches = [item for item in items if path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["current"] = True
    return {"menu": items}
