"""Every page a role of the demo can reach reads in Indonesian: no English phrase of the catalogue, no string
the catalogue lacks, no raw code (an action, flag, rule or kind code, "None", an ISO timestamp, "Provinsi 18").
See tests/page_text.py for what counts.

The walk starts at the home page and follows the site's own links breadth first: GET only, no downloads or
sign-out, at most a few pages per URL name (one per admin page kind). A failure lists every offender at once,
page by page, so that one run says all there is to fix (a string added since the catalogue was last
translated shows here until it is).
"""
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import translation

from tests.page_text import offenders, page_text, record_missing_msgids

PAGES_PER_NAME = 3
# Links that lead to a file, a download, sign-out, or Django's admin history and delete confirmations.
SKIPPED = re.compile(r"logout|keluar|ekspor|export|unduh|download|\.json|\.csv|\.xlsx|\.pdf|masalah"
                     r"|/history/|/delete/|_popup=")
SORTING = re.compile(r"(^|&)(sort|o)=")  # the same list sorted another way


def walk(client, missing):
    """({url: [offender, ...]}, pages per URL name) for the pages reached from the home page; a page that
    fails (500) is an offender too."""
    queue, seen, per_name, report = deque(["/"]), {"/"}, Counter(), {}
    while queue:
        url = queue.popleft()
        try:
            name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if per_name[name] >= (1 if name.startswith("admin:") else PAGES_PER_NAME):
            continue
        per_name[name] += 1
        missing.clear()
        response = client.get(url)
        if response.status_code in (301, 302):
            links = [response["Location"]]
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            parser = page_text(response.content.decode())
            found = offenders(parser.pieces, missing)
            if found:
                report[url] = found
            links = parser.links
        else:
            if response.status_code >= 500:
                report[url] = [f"status {response.status_code}"]
            continue
        for href in links:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(target) or SORTING.search(parts.query):
                continue
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return report, per_name


@pytest.mark.parametrize("role", ["committee", "provincial_committee", "observer", "reviewer"])
def test_every_page_reads_in_indonesian(client, award, frozen, monkeypatch, role):
    missing = record_missing_msgids(monkeypatch)
    client.force_login(getattr(award, role))
    client.raise_request_exception = False  # a failing page is reported with the others
    client.cookies["django_language"] = "id"
    with translation.override("id"):
        report, per_name = walk(client, missing)
    assert per_name["home"] == 1 and sum(per_name.values()) > 5, per_name
    assert report == {}, "\n".join(f"{url}\n    " + "\n    ".join(found) for url, found in report.items())


def test_proposals_name_the_province_and_the_explanation_names_rules_and_stages(english, award):
    from django.urls import reverse

    from awards.models import Category

    english.force_login(award.committee)
    desa = Category.objects.get(code="desa")
    page = english.get(reverse("committee-proposals", args=[award.national.id]) + f"?category={desa.id}")
    assert "<td>Lampung</td>" in page.content.decode()  # not "18"
    nomination = award.provincial.nominations.filter(category=award.pemkab).order_by("id").first()
    page = english.get(reverse("committee-explanation", args=[award.provincial.id, award.pemkab.id, nomination.id])
                       + f"?tahap={award.stages['interview'].id}").content.decode()
    assert "<td>Linear between low and high</td>" in page and "<td>linear</td>" not in page
    # What is missing, in words: the stage and the criterion's name, not "interview:wawancara-komitmen".
    assert "Interview: Leadership commitment (interview), Interview: Sustainability of the programme" in page
