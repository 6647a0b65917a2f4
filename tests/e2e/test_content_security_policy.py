"""Every page the committee and a reviewer open, the admin included, works under the Content-Security-Policy:
each response carries the header and the browser refuses nothing (the page fixture fails on any refusal)."""
from django.urls import reverse

from awards.models import Assignment, Criterion, MetricDefinition, Nomination
from tests.foundation.test_content_security_policy import POLICY, directives


def visit(page, csp_violations, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    assert response.status == 200, url
    assert directives(response.headers["content-security-policy"]) == POLICY, url
    assert csp_violations == [], url


def test_committee_pages_and_the_admin_work_under_the_policy(page, e2e_demo, sign_in, csp_violations):
    sign_in("panitia")
    nomination = Nomination.objects.select_related("round", "category").filter(round__province__isnull=False).first()
    round_, category = nomination.round, nomination.category
    leaderboard = reverse("committee-leaderboard", args=[round_.id, category.id])
    criterion = Criterion.objects.filter(category=category).first()
    for url in [
        reverse("home"), reverse("committee"), reverse("committee-round", args=[round_.id]), leaderboard,
        reverse("committee-charts", args=[round_.id, category.id]),
        reverse("committee-explanation", args=[round_.id, category.id, nomination.id]),
        reverse("committee-nominations", args=[round_.id]), reverse("committee-audit"), reverse("metrics"),
        reverse("public-results"),
        reverse("admin:index"), reverse("admin:awards_nominee_changelist"), reverse("admin:awards_nomination_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:awards_round_change", args=[round_.id]),  # stage inline, province autocomplete
        reverse("admin:awards_metricdefinition_delete", args=[MetricDefinition.objects.first().pk]),
    ]:
        visit(page, csp_violations, url)
    # A change form whose inline rows use autocomplete: open a search box, let it fetch, add an inline row.
    visit(page, csp_violations, reverse("admin:awards_category_change", args=[category.id]))
    page.locator(".inline-related .field-metric .select2-selection").first.click()
    page.locator(".select2-search__field").fill("a")
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    page.locator(".add-row a").first.click()
    # The criterion's own change form, its autocomplete widgets outside an inline.
    visit(page, csp_violations, reverse("admin:awards_criterion_change", args=[criterion.id]))
    # The administration's language switch submits by itself when a language is chosen.
    with page.expect_navigation():
        page.select_option("#admin-language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert csp_violations == []


def test_reviewer_pages_work_under_the_policy(page, e2e_demo, sign_in, csp_violations):
    sign_in("penilai1")
    assignment = Assignment.objects.filter(reviewer__username="penilai1").first()
    for url in [reverse("home"), reverse("reviewer-assignments"), reverse("reviewer-assignment", args=[assignment.pk]),
                reverse("public-results")]:
        visit(page, csp_violations, url)
    assert csp_violations == []
