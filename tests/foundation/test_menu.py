"""One menu on every page, by role: each part of the app the person may use, and nothing else."""
import pytest
from django.urls import reverse

from awards.models import Role

EXPECTED = {
    Role.COMMITTEE: ["committee", "metrics", "committee-accounts", "committee-messages", "committee-audit",
                     "public-results"],
    Role.PROVINCIAL_COMMITTEE: ["committee", "metrics", "committee-accounts", "committee-messages",
                                "committee-audit", "public-results"],
    Role.OBSERVER: ["committee", "metrics", "committee-audit", "public-results"],
    Role.REVIEWER: ["reviewer-assignments", "public-results"],
}


def menu_of(response):
    return [item["url"] for item in response.context["menu"]]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_menu_is_the_same_on_every_page_and_fits_the_role(client, roles, role):
    client.force_login(roles[str(role)])
    expected = [reverse(name) for name in EXPECTED[role]]
    pages = [reverse("home"), reverse("public-results")] + (
        [reverse("committee"), reverse("metrics")] if role != Role.REVIEWER else [reverse("reviewer-assignments")])
    for url in pages:
        response = client.get(url, follow=True)
        assert menu_of(response) == expected, url
        for link in expected:
            assert f'href="{link}"' in response.content.decode()


def test_the_current_part_is_marked_and_the_home_leads_onward(client, roles):
    client.force_login(roles["committee"])
    page = client.get(reverse("metrics")).content.decode()
    assert f'<a href="{reverse("metrics")}" aria-current="page">' in page
    home = client.get(reverse("home")).content.decode()
    assert 'class="card home-links"' in home and f'href="{reverse("committee")}"' in home


def test_a_visitor_sees_only_the_results(client, db):
    assert menu_of(client.get(reverse("public-results"))) == [reverse("public-results")]
