import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards.imports.metrics_import import metrics_import
from awards.models import MetricValue, Nominee

from .conftest import EMPLOYER_HEADER, national_committee, values_of

ROWS = [["NPP001", "business", "PT Maju", "18.72", "large", "finance", "120", "100", "95.5", "12"],
        ["NPP002", "umkm", "Koperasi Jakarta", "31.71", "micro", "", "8", "8", "", ""]]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def csv_upload(rows, name="metrics.csv"):
    text = "\n".join(",".join(r) for r in [EMPLOYER_HEADER] + rows) + "\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def csv_body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


@pytest.mark.parametrize("role, index, upload", [
    ("committee", 200, 200), ("provincial_committee", 200, 403), ("observer", 200, 403), ("reviewer", 403, 403),
])
def test_who_may_see_the_page_and_import(users, role, index, upload):
    client = client_for(users[role])
    assert client.get(reverse("metrics")).status_code == index
    response = client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    assert response.status_code == upload
    assert Nominee.objects.count() == 0


def test_anonymous_users_are_sent_to_sign_in(regions):
    for url in (reverse("metrics"), reverse("metrics-export") + "?year=2024&format=csv"):
        response = Client().get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))


@pytest.mark.parametrize("role", ["provincial_committee", "observer", "reviewer"])
def test_only_the_national_committee_may_confirm_or_read_problems(users, role):
    preview = client_for(users["committee"]).post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    token = preview.context["upload"].token
    client = client_for(users[role])
    assert client.post(reverse("metrics-import-confirm", args=[token])).status_code == 403
    assert client.get(reverse("metrics-import-problems", args=[token])).status_code == 403
    assert Nominee.objects.count() == 0


def test_page_shows_import_only_to_the_committee_in_pinned_queries(users, django_assert_num_queries):
    committee, observer = client_for(users["committee"]), client_for(users["observer"])
    # session, user, profile, latest edition year, provinces of the export form
    with django_assert_num_queries(5):
        response = committee.get(reverse("metrics"))
    assert (response.context["can_import"], response.context["upload_form"] is not None) == (True, True)
    assert b'name="file"' in response.content
    with django_assert_num_queries(5):
        response = observer.get(reverse("metrics"))
    assert (response.context["can_import"], response.context["upload_form"]) == (False, None)
    assert b'name="file"' not in response.content
    assert [p.code for p in response.context["export_form"].fields["province"].queryset] == ["18", "31"]


def test_preview_then_confirm_imports_through_a_stored_file(users, settings):
    client = client_for(users["committee"])

    preview = client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})

    result, upload = preview.context["result"], preview.context["upload"]
    assert (preview.status_code, result.ok, result.nominees_new, result.values_new) == (200, True, 2, 6)
    assert (Nominee.objects.count(), MetricValue.objects.count()) == (0, 0)
    assert sorted(p.name for p in upload.folder.iterdir()) == ["meta.json", "upload"]
    assert upload.folder.parent == settings.MEDIA_ROOT / "metric-imports"

    # Another client with the same session cookie stands for another worker: nothing lives in memory.
    other_worker = Client()
    other_worker.cookies = client.cookies
    response = other_worker.post(reverse("metrics-import-confirm", args=[upload.token]))

    assert (response.status_code, response["Location"]) == (302, reverse("metrics"))
    assert values_of("NPP001") == {"employees_total": Decimal("120"), "employees_registered": Decimal("100"),
                                   "wages_reported_pct": Decimal("95.5"), "contributions_on_time_months": Decimal("12")}
    assert not upload.folder.exists()
    assert other_worker.post(reverse("metrics-import-confirm", args=[upload.token])).status_code == 404


def test_confirm_needs_the_uploaders_session_and_a_known_token(users, make_committee):
    first = client_for(users["committee"])
    token = first.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024}).context["upload"].token
    second = client_for(make_committee("pusat2"))
    assert second.post(reverse("metrics-import-confirm", args=[token])).status_code == 404
    assert first.post(reverse("metrics-import-confirm", args=["0" * 32])).status_code == 404
    assert first.post(reverse("metrics-import-confirm", args=["..%2F..%2Fetc"])).status_code == 404
    assert Nominee.objects.count() == 0


@pytest.fixture
def make_committee(regions):
    from django.contrib.auth import get_user_model

    from awards.models import Profile, Role

    def make(username):
        user = get_user_model().objects.create_user(username=username, password="pw")
        Profile.objects.create(user=user, role=Role.COMMITTEE)
        return user

    return make


def test_preview_with_problems_lists_them_and_offers_the_csv(users):
    client = client_for(users["committee"])
    bad = [ROWS[0], ["NPP003", "business", "PT X", "18.99", "", "", "-2", "", "", ""]]

    response = client.post(reverse("metrics-import"), {"file": csv_upload(bad), "year": 2024})

    assert [(p.row, p.column, p.message) for p in response.context["result"].problems] == [
        (3, "employees_total", "A value may not be negative."), (3, "region_code", 'Unknown region code "18.99".')]
    assert b"Unknown region code &quot;18.99&quot;." in response.content
    token = response.context["upload"].token
    problems = client.get(reverse("metrics-import-problems", args=[token]))
    assert b"".join(problems.streaming_content).decode("utf-8-sig").splitlines() == [
        "row,column,problem", "3,employees_total,A value may not be negative.",
        '3,region_code,"Unknown region code ""18.99""."']
    assert client.post(reverse("metrics-import-confirm", args=[token])).status_code == 404
    assert Nominee.objects.count() == 0


def test_preview_of_an_xlsx_with_indonesian_numbers(users):
    workbook = openpyxl.Workbook()
    workbook.active.append(EMPLOYER_HEADER)
    workbook.active.append(["NPP001", "business", "PT Maju", "18.72", "", "", "1.234", "1.000", "24,5", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("data.xlsx", buffer.getvalue())
    client = client_for(users["committee"])

    response = client.post(reverse("metrics-import"), {"file": upload, "year": 2024, "indonesian_numbers": "on"})
    client.post(reverse("metrics-import-confirm", args=[response.context["upload"].token]))

    assert values_of("NPP001") == {"employees_total": Decimal("1234"), "employees_registered": Decimal("1000"),
                                   "wages_reported_pct": Decimal("24.5")}


def test_invalid_upload_form_is_shown_again(users):
    response = client_for(users["committee"]).post(reverse("metrics-import"), {"year": 1990})
    assert response.status_code == 400
    assert sorted(response.context["upload_form"].errors) == ["file", "year"]


@pytest.fixture
def loaded(regions, write_csv):
    result = metrics_import(acting_user=national_committee(), path=write_csv(ROWS), year=2024)
    assert result.problems == []


def test_export_csv_is_streamed_for_the_committee(users, loaded):
    response = client_for(users["committee"]).get(reverse("metrics-export"), {"year": 2024, "format": "csv"})
    assert (response.status_code, response.streaming, response["Content-Disposition"]) == (
        200, True, 'attachment; filename="metrics-2024.csv"')
    assert [line.split(",")[0] for line in csv_body(response)] == ["nominee_code", "NPP001", "NPP002"]


def test_provincial_committee_exports_only_its_province(users, loaded):
    client = client_for(users["provincial_committee"])
    response = client.get(reverse("metrics-export"), {"year": 2024, "format": "csv"})
    assert [line.split(",")[0] for line in csv_body(response)] == ["nominee_code", "NPP001"]
    assert response["Content-Disposition"] == 'attachment; filename="metrics-2024-18.csv"'
    assert client.get(reverse("metrics-export"), {"year": 2024, "province": "31"}).status_code == 403
    assert [p.code for p in client.get(reverse("metrics")).context["export_form"].fields["province"].queryset] == ["18"]


def test_observer_exports_xlsx_by_kind(users, loaded):
    response = client_for(users["observer"]).get(reverse("metrics-export"),
                                                 {"year": 2024, "kind": "umkm", "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="metrics-2024-umkm.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    assert [list(r)[:8] for r in sheet.iter_rows(values_only=True)][1:] == [
        ["NPP002", "umkm", "Koperasi Jakarta", "31.71", "micro", None, 8, 8]]


def test_reviewer_may_not_export(users, loaded):
    response = client_for(users["reviewer"]).get(reverse("metrics-export"), {"year": 2024, "format": "csv"})
    assert response.status_code == 403


def test_export_with_a_bad_year_shows_the_form_again(users, loaded):
    response = client_for(users["committee"]).get(reverse("metrics-export"), {"year": "abc", "format": "csv"})
    assert (response.status_code, sorted(response.context["export_form"].errors)) == (400, ["year"])
