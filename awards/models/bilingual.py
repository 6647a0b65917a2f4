"""Picking the Indonesian or English text of a row's paired fields (name_id / name_en and the like)."""
from django.utils.translation import get_language


def in_active_language(indonesian, english):
    """`english` while English is active, else `indonesian` (the default language)."""
    return english if (get_language() or "id").startswith("en") else indonesian
