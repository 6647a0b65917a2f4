"""Walk every edition's chain of frozen results; exit non-zero if a result was changed, removed or inserted."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ...models import ResultSnapshot
from ...services.result_checks import results_verify


class Command(BaseCommand):
    help = ("Recompute every frozen result's SHA-256 digest, follow each edition's chain of results and the "
            "audit trail's record of them, and report any result changed, removed or inserted.")

    def handle(self, *args, **options):
        count = ResultSnapshot.objects.count()
        problems = results_verify()
        for problem in problems:
            self.stderr.write(_("Result %(id)s (edition %(edition)s, category %(category)s, %(round)s): %(message)s")
                              % {"id": problem.snapshot_id if problem.snapshot_id is not None else "?",
                                 "edition": problem.edition or "?", "category": problem.category,
                                 "round": problem.round, "message": problem.message})
        if problems:
            bad = len({problem.snapshot_id for problem in problems})
            raise CommandError(_("%(bad)s results do not verify (%(count)s stored).") % {"bad": bad, "count": count})
        self.stdout.write(_("All %(count)s frozen results verified: every digest matches its content and every "
                            "edition's chain is whole.") % {"count": count})
