"""Benchmark: time the committee's list pages and a large leaderboard on bench_ranking's synthetic edition."""
import statistics
import time
from io import BytesIO
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from awards.models import AuditEvent, Category, Edition, Profile, Role, Round

from ...ranking import YEAR, BenchRefused, bench_build, bench_exists, bench_judged_group


class Command(BaseCommand):
    help = ("Request the committee's list pages (nominations, leaderboard, progress, audit) through Django's WSGI "
            "handler, as a WSGI server such as gunicorn calls it, as a committee user on the data of bench_ranking --nominees N, RUNS times each, and print p50/p95 "
            "(wall clock), the query count per page and the median CPU time of this process (on SQLite that includes "
            "the database's work; on PostgreSQL it does not); also the leaderboard of a category of 1,000 nominations × 9 reviewers × "
            "6 judged criteria. What the command adds (user, audit rows, that category) is rolled back.")

    def add_arguments(self, parser):
        parser.add_argument("--nominees", type=int, default=50_000, help="N, the bench_ranking dataset size.")
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the dataset even if it exists for N.")
        parser.add_argument("--runs", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--audit-events", type=int, default=100_000,
                            help="Audit rows added (and rolled back) so that the audit page has a trail to page.")
        parser.add_argument("--only", default="",
                            help="Time only the pages whose name contains this text (e.g. 'judged', 'progress').")

    def handle(self, *args, nominees, rebuild=False, runs=20, audit_events=100_000, only="", **options):
        built = False
        try:
            if rebuild or not bench_exists(nominees):
                self.stdout.write(f"building N={nominees} ...")
                bench_build(nominees, log=self.stdout.write)
                built = True
        except BenchRefused as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'awards_nomination' "
                               "AND last_vacuum IS NULL AND last_autovacuum IS NULL")
                if built or cursor.fetchone()[0]:
                    # After a bulk load autovacuum sets the visibility map (index-only scans) and the
                    # statistics; a benchmark server may run without it, so do once what it would do.
                    self.stdout.write("VACUUM ANALYZE after the bulk load ...")
                    cursor.execute("VACUUM ANALYZE")
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts), transaction.atomic():
            self.run(nominees, runs, audit_events, only)
            transaction.set_rollback(True)

    def run(self, nominees, runs, audit_events, only=""):
        edition = Edition.objects.get(year=YEAR)
        user = get_user_model().objects.create_user(username="bench-committee")
        Profile.objects.create(user=user, role=Role.COMMITTEE)
        AuditEvent.objects.bulk_create([
            AuditEvent(actor=user, action="nomination_screen", object_type="awards.nomination", object_id=str(i),
                       summary=f"bench {i}", changes={"eligibility": ["pending", "eligible"]})
            for i in range(audit_events)], batch_size=5000)
        judged_category, judged_round, judged_stage = bench_judged_group()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE awards_auditevent")
        national = Round.objects.get(edition=edition, level="national")
        largest = (Round.objects.filter(edition=edition, level="provincial").order_by("province_id")
                   .first())
        largest_category = (Category.objects.filter(edition=edition, nominations__round=largest)
                            .exclude(pk=judged_category.pk).order_by("code").distinct().first())
        # The largest metric category of that round too (umkm: 11,570 ranked rows at N = 800,000).
        biggest_category = (Category.objects.filter(edition=edition, nominations__round=largest)
                            .exclude(pk=judged_category.pk).annotate(n=Count("nominations")).order_by("-n", "code")
                            .first())
        client = Client()
        client.force_login(user)  # the session; the pages are then requested as a WSGI server would
        client.cookies["django_language"] = "en"
        server = WsgiRequests(client.cookies)
        pages = [
            ("nominations, national round", reverse("committee-nominations", args=[national.id])),
            (f"nominations, provincial round {largest.province_id}",
             reverse("committee-nominations", args=[largest.id])),
            (f"nominations, provincial round {largest.province_id}, page 10",
             reverse("committee-nominations", args=[largest.id]) + "?page=10"),
            (f"nominations, provincial round {largest.province_id}, by name, search",
             reverse("committee-nominations", args=[largest.id]) + "?sort=nominee&search=Bench"),
            (f"leaderboard {largest_category.code}, round {largest.province_id}",
             reverse("committee-leaderboard", args=[largest.id, largest_category.id])),
            (f"leaderboard {biggest_category.code}, round {largest.province_id}",
             reverse("committee-leaderboard", args=[largest.id, biggest_category.id])),
            ("leaderboard 1,000 × 9 reviewers × 6 judged",
             reverse("committee-leaderboard", args=[judged_round.id, judged_category.id])
             + f"?tahap={judged_stage.id}"),
            ("progress, national round", reverse("committee-progress", args=[national.id])),
            (f"progress, provincial round {largest.province_id}", reverse("committee-progress", args=[largest.id])),
            ("audit trail", reverse("committee-audit")),
            ("audit trail, page 100", reverse("committee-audit") + "?page=100"),
        ]
        self.stdout.write(f"N={nominees} on {connection.vendor}; {runs} requests per page after one warm-up; "
                          f"{audit_events} audit rows")
        self.stdout.write(f"{'page':<58} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'rows':>6} {'cpu p50':>8}")
        for name, url in pages:
            if only not in name:
                continue
            status, content = server.get(url)  # warm-up (and the status check)
            if status != 200:
                raise CommandError(f"{url} answered {status}")
            timings, cpu = [], []
            for _run in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    status, content = server.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
            rows = content.count(b"<tr") - content.count(b"<thead")
            self.stdout.write(f"{name:<58} {statistics.median(timings):>8.1f} {percentile(timings, 95):>8.1f} "
                              f"{len(queries):>8} {rows:>6} {statistics.median(cpu):>8.1f}")


class WsgiRequests:
    """GET requests served the way a WSGI server (gunicorn) serves them: Django's WSGI handler, the body read
    and closed, nothing kept. Django's test Client, by contrast, keeps each response's templates and context
    in reference cycles, so a large page's data lived on until a garbage collection (hundreds of ms that a
    served request does not pay). As the test Client does, connections are not closed between requests:
    the benchmark's additions are one transaction that is rolled back at the end."""

    def __init__(self, cookies):
        self.handler = WSGIHandler()
        self.cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())

    def get(self, url):
        path, _sep, query = url.partition("?")
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "HTTP_COOKIE": self.cookie,
                   "HTTP_HOST": "localhost", "wsgi.input": BytesIO()}
        setup_testing_defaults(environ)
        statuses = []
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = self.handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
            try:
                content = b"".join(body)
            finally:
                body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return int(statuses[0].split()[0]), content


def percentile(values, percent):
    """The nearest-rank percentile (of 20 values, the 95th is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]
