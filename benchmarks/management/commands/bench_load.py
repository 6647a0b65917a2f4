"""Reviewers signing in and scoring at once against gunicorn (benchmarks/load.py)."""
from django.core.management.base import BaseCommand, CommandError

from ...load import LoadRefused, load_clear, load_prepare, load_run, median, percentile


class Command(BaseCommand):
    help = ("N reviewers sign in and score at once (scoring page, save draft, submit) against gunicorn; prints "
            "requests per second, p50/p95 per kind of request, errors and lost updates. Run it on a scratch "
            "database holding the demo (seed_demo); it adds load_reviewer_* accounts and their assignments, "
            "and removes the assignments and scores at the end.")

    def add_arguments(self, parser):
        parser.add_argument("--reviewers", type=int, default=50)
        parser.add_argument("--assignments", type=int, default=3, help="Nominations each reviewer scores.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, reviewers, assignments, workers, port, **options):
        from django.db import connection

        try:
            load_clear()
            plan = load_prepare(reviewers=reviewers, per_reviewer=assignments)
            figures = load_run(plan=plan, workers=workers, port=port)
        except LoadRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        finally:
            load_clear()
        out = self.stdout.write
        out(f"engine            {connection.vendor}; gunicorn with {workers} workers")
        out(f"reviewers         {figures.reviewers}, {figures.assignments} assignments, all at once")
        out(f"requests          {figures.requests} in {figures.seconds:.1f} s = "
            f"{figures.requests / figures.seconds:.1f} requests/s")
        for kind, times in figures.times.items():
            out(f"{kind:<17} p50 {median(times) * 1000:7.0f} ms   p95 {percentile(times, 0.95) * 1000:7.0f} ms   "
                f"({len(times)})")
        out(f"errors            {len(figures.errors)}" + (f"   first: {figures.errors[0]}" if figures.errors else ""))
        out(f"lost updates      {figures.lost}")
