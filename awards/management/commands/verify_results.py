"""Recompute the SHA-256 digest of every frozen result; exit non-zero if any does not match."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...models import ResultSnapshot
from ...services.results import results_verify


class Command(BaseCommand):
    help = "Recompute every frozen result's SHA-256 digest from its stored content and report mismatches."

    def handle(self, *args, **options):
        count = ResultSnapshot.objects.count()
        problems = results_verify()
        for problem in problems:
            self.stderr.write(_("result %(id)s: %(message)s") % {"id": problem.snapshot_id, "message": problem.message})
        if problems:
            raise CommandError(_("%(bad)s of %(count)s frozen results do not verify.")
                               % {"bad": len(problems), "count": count})
        self.stdout.write(_("%(count)s frozen results verified: every digest matches its content.") % {"count": count})
