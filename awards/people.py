"""How a person is named to other people: their full name, or their user name when they gave none."""


def name_from(first_name, last_name, username):
    """The name shown for an account, from its parts (for rows read with values())."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def person_name(user):
    """The name shown for `user` (an account or None) wherever a person is named to someone else."""
    if user is None:
        return ""
    return name_from(user.first_name, user.last_name, user.get_username())
