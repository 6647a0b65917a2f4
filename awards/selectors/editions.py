"""Reads about editions for pages."""
from django.db.models import Count, Q

from ..models import Edition


def editions_overview():
    """Editions with their number of categories and provincial rounds, newest first."""
    return Edition.objects.annotate(
        category_count=Count("categories", distinct=True),
        provincial_round_count=Count("rounds", filter=Q(rounds__level="provincial"), distinct=True),
    ).order_by("-year")
