"""The load benchmark: N reviewers sign in and score at once against gunicorn, as browsers would.

It runs on the demo edition (`seed_demo` on a scratch database, PostgreSQL for the real figure): N load
reviewers join the Lampung round's panel and get K nominations each at its open assessment stage, all
through the services. gunicorn serves the app in processes of its own; one thread per reviewer signs in
(the sign-in page, then the password), then for each assignment opens the scoring page, saves a draft and
submits. Every request's time is recorded by kind; afterwards every submitted value is read back from the
database: a value that is not the last one the reviewer sent is a lost update."""
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from awards.models import Assignment, Criterion, CriterionKind, Nomination, Panel, Round, Score, StageKind
from awards.services.accounts import account_save, profile_set
from awards.services.assignments import assignment_add
from awards.services.panels import panel_member_add

PASSWORD = "load-reviewer-password-2025"
PREFIX = "load_reviewer_"


class LoadRefused(Exception):
    pass


@dataclass
class LoadFigures:
    reviewers: int
    assignments: int
    seconds: float = 0.0
    times: dict = field(default_factory=dict)  # kind -> [seconds]
    errors: list = field(default_factory=list)
    lost: int = 0

    @property
    def requests(self):
        return sum(len(t) for t in self.times.values())


def load_prepare(*, reviewers, per_reviewer):
    """The load reviewers on the provincial round's panel, each with `per_reviewer` unsubmitted assignments
    at the open assessment stage: [(username, [assignment ids])]."""
    round_ = Round.objects.filter(level="provincial").select_related("province").first()
    if round_ is None:
        raise LoadRefused("No provincial round: run seed_demo on this scratch database first.")
    stage = round_.stages.filter(kind=StageKind.ASSESSMENT, status="open").first()
    panel = Panel.objects.filter(round=round_).first()
    if stage is None or panel is None:
        raise LoadRefused("The demo's provincial assessment stage must be open, with a panel.")
    committee = get_user_model().objects.filter(is_superuser=False, profile__role="committee").first()
    nominations = list(Nomination.objects.filter(round=round_, eligibility="eligible").order_by("id"))
    if not nominations:
        raise LoadRefused("The provincial round has no eligible nomination.")
    User = get_user_model()
    plan = []
    for index in range(reviewers):
        username = f"{PREFIX}{index:03d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name="Penilai", last_name=f"Beban {index:03d}")
            user.set_password(PASSWORD)
            account_save(user=user, acting_user=committee)
            profile_set(user=user, role="reviewer", province=round_.province, acting_user=committee)
        if not panel.members.filter(pk=user.pk).exists():
            panel_member_add(panel=panel, user=user, acting_user=committee)
        ids = []
        for offset in range(per_reviewer):
            nomination = nominations[(index * per_reviewer + offset) % len(nominations)]
            assignment = Assignment.objects.filter(nomination=nomination, stage=stage, reviewer=user).first()
            if assignment is None:
                assignment = assignment_add(nomination=nomination, stage=stage, reviewer=user, acting_user=committee)
            ids.append(assignment.pk)
        plan.append((username, ids))
    return plan


def load_clear():
    """Remove the load reviewers' scores and assignments (the accounts stay, deactivated never needed)."""
    with transaction.atomic():
        Score.objects.filter(assignment__reviewer__username__startswith=PREFIX).delete()
        Assignment.objects.filter(reviewer__username__startswith=PREFIX).delete()


class Browser:
    """One reviewer's browser: cookies, the form token, timed requests."""

    def __init__(self, base, figures, lock):
        self.base, self.figures, self.lock = base, figures, lock
        self.jar = http.cookiejar.CookieJar()
        self.url = ""  # where the last request ended, after redirects
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, kind, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                content = response.read()
                status, self.url = response.status, response.url
        except urllib.error.HTTPError as error:
            content, status = error.read(), error.code
        except OSError as error:
            content, status = str(error).encode(), 0
        elapsed = time.perf_counter() - started
        with self.lock:
            self.figures.times.setdefault(kind, []).append(elapsed)
            if status >= 400 or status == 0:
                self.figures.errors.append(f"{kind} {path}: {status}")
        return status, content.decode("utf-8", "replace")


def reviewer_run(browser, username, assignment_ids, criteria_of, sent):
    browser.request("sign-in page", "/masuk/")
    browser.request("sign in", "/masuk/", {"username": username, "password": PASSWORD,
                                           "csrfmiddlewaretoken": browser.csrf()})
    if "/masuk/" in browser.url:
        with browser.lock:
            browser.figures.errors.append(f"sign in refused for {username}")
        return
    for position, pk in enumerate(assignment_ids):
        status, page = browser.request("scoring page", f"/penilaian/{pk}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        token = token.group(1) if token else browser.csrf()
        values = {}
        for code, low, high in criteria_of[pk]:
            span = int(high - low)
            values[code] = low + (position * 7 + len(values) * 3 + len(username)) % (span + 1)
        form = {"csrfmiddlewaretoken": token, **{f"score-{code}": str(v) for code, v in values.items()}}
        browser.request("save draft", f"/penilaian/{pk}/", {**form, "action": "save"})
        browser.request("submit", f"/penilaian/{pk}/", {**form, "action": "confirm"})
        sent[pk] = values


def load_run(*, plan, workers, port):
    """Serve the app with gunicorn (`workers` processes), let every reviewer of `plan` work at once, and
    return the figures (lost updates counted against the database)."""
    criteria_of = {}
    for _username, ids in plan:
        for assignment in Assignment.objects.filter(pk__in=ids).select_related("stage__round"):
            criteria_of[assignment.pk] = [
                (c.code, c.scale_min, c.scale_max) for c in Criterion.objects.filter(
                    category_id=assignment.nomination.category_id, stage_kind=assignment.stage.kind,
                    kind=CriterionKind.JUDGED).order_by("position")]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "paritrana.settings.development", "DJANGO_DEBUG": "0",
           "DATABASE_URL": database_url()}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "paritrana.wsgi", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
        cwd=settings.BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base)
        figures = LoadFigures(reviewers=len(plan), assignments=sum(len(ids) for _u, ids in plan))
        lock, sent = threading.Lock(), {}
        threads = [threading.Thread(target=reviewer_run, args=(Browser(base, figures, lock), username, ids,
                                                               criteria_of, sent))
                   for username, ids in plan]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures.seconds = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    figures.lost = _lost(sent)
    return figures


def database_url():
    """This process's database as a URL, for the server processes (the test database under the tests)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = urllib.parse.quote(db["USER"] or "") + (f":{urllib.parse.quote(db['PASSWORD'])}"
                                                          if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(base):
    for _attempt in range(100):
        try:
            urllib.request.urlopen(base + "/masuk/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise LoadRefused("gunicorn did not answer")


def _lost(sent):
    """Submitted values that the database does not hold as sent, or assignments not submitted."""
    lost = 0
    stored = {}
    for assignment_id, code, value in Score.objects.filter(assignment_id__in=list(sent)).values_list(
            "assignment_id", "criterion__code", "value"):
        stored[(assignment_id, code)] = value
    submitted = set(Assignment.objects.filter(pk__in=list(sent), status="submitted").values_list("pk", flat=True))
    for assignment_id, values in sent.items():
        if assignment_id not in submitted:
            lost += 1
            continue
        lost += sum(1 for code, value in values.items() if stored.get((assignment_id, code)) != Decimal(value))
    return lost


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(values):
    return statistics.median(values) if values else 0.0

