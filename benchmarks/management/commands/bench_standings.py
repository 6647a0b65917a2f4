"""Benchmark: how soon stored standings are fresh again after a change, on bench_ranking's synthetic edition."""
from django.core.management.base import BaseCommand, CommandError

from ...ranking import BenchRefused, bench_build, bench_exists, bench_run
from ...standings import bench_standings


class Command(BaseCommand):
    help = ("On the synthetic edition of bench_ranking --nominees N: recompute every stored standing as after a "
            "national metrics import, then the largest metric group and a judged group after one change each, "
            "and print the times and the checksum of the stored rows beside the engine's (they must be equal).")

    def add_arguments(self, parser):
        parser.add_argument("--nominees", type=int, default=800_000, help="N, the number of nominees.")

    def handle(self, *args, nominees, **options):
        try:
            if not bench_exists(nominees):
                self.stdout.write(f"building N={nominees} ...")
                bench_build(nominees, log=self.stdout.write)
            engine = bench_run(log=self.stdout.write)["checksum"]
            stored = bench_standings(log=self.stdout.write)["checksum"]
        except BenchRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write("stored standings equal the engine's ranking: " + ("yes" if stored == engine else "NO"))
