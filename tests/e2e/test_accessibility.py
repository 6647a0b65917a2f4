"""axe-core on every main page of every role of the demo, and signed out: no violation of impact serious or
critical. One browser context per role; the demo is seeded once, and moved on (stages closed, a result frozen
and published) only after the pages that show it as it was have been checked. Pages that only repeat for
another role what a first role's check covered (same template, same controls) are checked once."""
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse

from awards.models import Assignment, Category, Nomination, Round, Stage
from awards.services.results import result_freeze, result_publish
from awards.services.stages import stage_close, stage_open
from tests.e2e.conftest import CSP_LISTENER, current_code

AXE = Axe()
BLOCKING = ("serious", "critical")
METRICS_FILE = (b"nominee_code,nominee_kind,nominee_name,region_code,size,sector,employees_total,employees_registered\n"
                b"NPPA11Y0001,business,PT Uji,18.72,large,finance,100,90\n")


class Checker:
    """One role's browser context: opens pages and keeps what axe (and the Content-Security-Policy) refused."""

    def __init__(self, browser, base_url, role):
        self.role = role
        self.problems = []
        self.pages = 0
        self.context = browser.new_context(base_url=base_url, locale="id-ID")
        self.context.expose_function("reportCspViolation", lambda report: self.problems.append(f"CSP: {report}"))
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)

    def sign_in(self, username, *, check_second_factor=False):
        page = self.page
        page.goto(reverse("login"))
        page.fill("#id_username", username)
        page.fill("#id_password", "paritrana-demo")
        with page.expect_navigation():
            page.click("button[type=submit].primary")
        if "/masuk/kode/" in page.url:
            if check_second_factor:
                self.check("second factor")
            page.fill("#id_code", current_code(get_user_model().objects.get(username=username)))
            with page.expect_navigation():
                page.click("button[type=submit].primary")
        assert "/masuk/" not in page.url, f"{username} could not sign in"

    def visit(self, url, name, status=200):
        response = self.page.goto(url)
        if response.status != status:
            self.problems.append(f"{self.role} · {name} ({url}): answered {response.status}, not {status}")
            return
        self.check(name)

    def follow(self, locator, name):
        with self.page.expect_navigation():
            locator.click()
        self.check(name)

    def check(self, name):
        self.pages += 1
        for violation in AXE.run(self.page).response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                self.problems.append(f"{self.role} · {name} ({self.page.url}): {violation['id']} "
                                     f"[{violation['impact']}] {violation['help']} — {targets}")


def test_every_main_page_has_no_serious_accessibility_violation(browser, live_server, e2e_demo):
    provincial = Round.objects.get(province__isnull=False)
    national = Round.objects.get(province__isnull=True)
    pemkab = Category.objects.get(code="pemkab")
    assessment = Stage.objects.get(round=provincial, kind="assessment")
    checkers = []

    def checker(role):
        checkers.append(Checker(browser, live_server.url, role))
        return checkers[-1]

    try:
        # Signed out: sign-in, password reset, the public results before anything is published, a missing page.
        visitor = checker("signed out")
        visitor.visit(reverse("login"), "sign-in")
        visitor.visit(reverse("password_reset"), "password reset")
        visitor.visit(reverse("public-results"), "public results, none published")
        visitor.visit("/tidak-ada/", "404", status=404)

        # The reviewer, while the assessment stage is open: work list, scoring page, conflict form, refusals.
        reviewer = checker("reviewer")
        reviewer.sign_in("penilai1")
        reviewer.check("work list")
        reviewer.visit(reverse("home"), "home")
        reviewer.visit(reverse("reviewer-assignments"), "work list")
        reviewer.follow(reviewer.page.locator("table.assignment-table tbody a").first, "scoring page")
        reviewer.follow(reviewer.page.locator("#declare-conflict-link"), "conflict form")
        other = Assignment.objects.exclude(reviewer__username="penilai1").first()
        reviewer.visit(reverse("reviewer-assignment", args=[other.pk]), "another's assignment", status=404)
        reviewer.visit(reverse("committee"), "the committee's workspace", status=403)

        # The national committee: every page of the workspace, reached from the home as far as links lead.
        committee = checker("national committee")
        committee.sign_in("panitia", check_second_factor=True)
        page = committee.page
        committee.visit(reverse("home"), "home")
        committee.follow(page.locator(f'main a[href="{reverse("committee")}"]').first, "workspace overview")
        committee.follow(page.locator(f'a[href="{reverse("committee-round", args=[provincial.id])}"]'), "round page")
        committee.follow(page.locator("#categories tbody a").first, "leaderboard")
        committee.follow(page.locator("main table tbody a").first, "explanation")
        committee.visit(reverse("committee-charts", args=[provincial.id, pemkab.id]), "charts")
        committee.visit(reverse("committee-progress", args=[provincial.id]), "progress")
        committee.visit(reverse("committee-assignments", args=[provincial.id]), "assignments")
        committee.follow(page.locator("#assignment-list tbody a").first,
                         "one assignment")
        committee.visit(reverse("committee-nominations", args=[provincial.id]), "nominations, screening closed")
        committee.visit(reverse("committee-nominations", args=[national.id]), "nominations and screening")
        committee.visit(reverse("committee-proposals", args=[national.id]), "proposals")
        committee.visit(reverse("committee-advancement", args=[provincial.id, pemkab.id]), "advancement")
        committee.visit(reverse("committee-panels", args=[provincial.id]), "panels")
        committee.visit(reverse("committee-accounts"), "accounts")
        committee.visit(reverse("committee-account-invite"), "account invitation")
        committee.visit(reverse("committee-messages"), "messages")
        committee.visit(reverse("committee-audit"), "audit trail")
        committee.visit(reverse("metrics"), "metrics")
        committee.visit(reverse("second-factor"), "authenticator app")
        committee.visit(reverse("password_change"), "password change")
        committee.visit(reverse("committee-stage-action", args=[provincial.id, assessment.id, "close"]),
                        "closing a stage")
        # A background job's page: a small metrics file waiting for the worker (which does not run here).
        page.goto(reverse("metrics"))
        page.set_input_files("#id_file", files=[{"name": "metrik.csv", "mimeType": "text/csv",
                                                 "buffer": METRICS_FILE}])
        page.fill("#id_year", "2025")
        with page.expect_navigation():
            page.locator("form:has(#id_file) button[type=submit]").click()
        assert "/panitia/pekerjaan/" in page.url
        committee.check("background job")

        # Stages closed, the result frozen and published: the freeze confirmation, the frozen result, the
        # leaderboard of a closed stage and the public page with its winners.
        acting = get_user_model().objects.get(username="panitia")
        stage_close(stage=assessment, acting_user=acting)
        interview = stage_open(stage=Stage.objects.get(round=provincial, kind="interview"), acting_user=acting)
        interview = stage_close(stage=interview, acting_user=acting)
        committee.visit(reverse("committee-freeze", args=[provincial.id, pemkab.id]) + f"?tahap={interview.id}",
                        "freeze confirmation")
        snapshot = result_freeze(round_=provincial, category=pemkab, stage=interview, acting_user=acting)
        result_publish(snapshot=snapshot, acting_user=acting)
        committee.visit(reverse("committee-snapshot", args=[snapshot.id]), "frozen result")
        committee.visit(reverse("committee-leaderboard", args=[provincial.id, pemkab.id]) + f"?tahap={interview.id}",
                        "leaderboard of a closed stage")
        visitor.visit(reverse("public-results"), "public results")

        # The provincial committee and the observer: their home, workspace and what their role changes.
        nomination = Nomination.objects.filter(round=provincial, category=pemkab).order_by("pk").first()
        for role, username in [("provincial committee", "panitia_lampung"), ("observer", "pemantau")]:
            other_role = checker(role)
            other_role.sign_in(username)
            other_role.visit(reverse("home"), "home")
            other_role.visit(reverse("committee"), "workspace overview")
            other_role.visit(reverse("committee-round", args=[provincial.id]), "round page")
            other_role.visit(reverse("committee-leaderboard", args=[provincial.id, pemkab.id]), "leaderboard")
            other_role.visit(reverse("committee-explanation", args=[provincial.id, pemkab.id, nomination.id]),
                             "explanation")
            other_role.visit(reverse("committee-progress", args=[provincial.id]), "progress")
            if username == "pemantau":
                other_role.visit(reverse("committee-accounts"), "accounts", status=403)
            else:
                other_role.visit(reverse("committee-accounts"), "accounts")
    finally:
        for each in checkers:
            each.context.close()

    problems = [problem for each in checkers for problem in each.problems]
    pages = sum(each.pages for each in checkers)
    assert problems == [], f"{len(problems)} problems on {pages} pages:\n" + "\n".join(problems)
