"""What the committee reads of the messages sent by email."""
from .. import permissions
from ..models import Message, Role


def messages_in_scope(user):
    """Every message for the national committee; for a provincial committee, its province's."""
    queryset = Message.objects.select_related("recipient")
    if permissions.role_of(user) == Role.PROVINCIAL_COMMITTEE:
        return queryset.filter(province_id=permissions.province_of(user))
    return queryset
