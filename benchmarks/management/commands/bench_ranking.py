"""Benchmark: build a synthetic national edition of N nominees and time a full re-rank of every group."""
from django.core.management.base import BaseCommand, CommandError

from ...ranking import BenchRefused, bench_build, bench_exists, bench_judged, bench_run


class Command(BaseCommand):
    help = ("Build a reproducible synthetic edition (year 2090) with N nominees in a scratch database and time "
            "rank_edition beside one hand-written SQL statement. Refuses a database that holds real editions.")

    def add_arguments(self, parser):
        parser.add_argument("--nominees", type=int, default=800_000, help="N, the number of nominees.")
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the dataset even if it exists for N.")
        parser.add_argument("--runs", type=int, default=1, help="How many timed runs.")
        parser.add_argument("--judged", action="store_true",
                            help="Also time one category of 1,000 nominations × 9 reviewers × 6 judged criteria.")

    def handle(self, *args, nominees, rebuild=False, runs=1, judged=False, **options):
        try:
            if rebuild or not bench_exists(nominees):
                self.stdout.write(f"building N={nominees} ...")
                bench_build(nominees, log=self.stdout.write)
            for _run in range(runs):
                bench_run(log=self.stdout.write)
            if judged:
                bench_judged(log=self.stdout.write)
        except BenchRefused as error:
            raise CommandError(str(error)) from error
