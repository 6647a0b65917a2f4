import io
import re
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards.imports.metrics_import import metrics_import
from awards.models import Job, JobKind, JobState, MetricValue, Nominee
from tests.jobs import run_worker

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
    assert response.status_code == (302 if upload == 200 else upload)
    assert Nominee.objects.count() == 0


def test_anonymous_users_are_sent_to_sign_in(regions):
    for url in (reverse("metrics"), reverse("metrics-export") + "?year=2024&format=csv"):
        response = Client().get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))


@pytest.mark.parametrize("role", ["provincial_committee", "observer", "reviewer"])
def test_only_the_national_committee_may_confirm_or_read_problems(users, role):
    _page, job = upload_and_check(client_for(users["committee"]))
    client = client_for(users[role])
    assert client.post(reverse("job-confirm", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-problems", args=[job.pk])).status_code == 404
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    assert Nominee.objects.count() == 0


def test_page_shows_import_only_to_the_committee_in_pinned_queries(users, django_assert_num_queries):
    committee, observer = client_for(users["committee"]), client_for(users["observer"])
    # session, user, profile, latest edition year, the user's recent jobs, provinces of the export form
    with django_assert_num_queries(6):
        response = committee.get(reverse("metrics"))
    assert (response.context["can_import"], response.context["upload_form"] is not None) == (True, True)
    assert b'name="file"' in response.content
    with django_assert_num_queries(6):
        response = observer.get(reverse("metrics"))
    assert (response.context["can_import"], response.context["upload_form"]) == (False, None)
    assert b'name="file"' not in response.content
    assert [p.code for p in response.context["export_form"].fields["province"].queryset] == ["18", "31"]


def upload_and_check(client, rows=ROWS, year=2024, **data):
    """Upload a file, let the worker check it; the job's page as the uploader then sees it."""
    response = client.post(reverse("metrics-import"), {"file": csv_upload(rows) if isinstance(rows, list) else rows,
                                                       "year": year, **data})
    assert response.status_code == 302, response.content
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.state == JobState.QUEUED
    assert run_worker() == 1
    return client.get(reverse("job", args=[job.pk])), job


def confirm(client, job):
    response = client.post(reverse("job-confirm", args=[job.pk]))
    assert response.status_code == 302
    run_worker()
    return client.get(response["Location"])


def test_the_upload_answers_at_once_then_a_worker_checks_and_imports(users, settings):
    client = client_for(users["committee"])

    page, job = upload_and_check(client)

    result = page.context["result"]
    assert (result["ok"], result["nominees_new"], result["values_new"]) == (True, 2, 6)
    assert b'id="job-confirm"' in page.content
    assert (Nominee.objects.count(), MetricValue.objects.count()) == (0, 0)
    assert sorted(p.name for p in (settings.MEDIA_ROOT / "uploads" / job.params["token"]).iterdir()) == ["upload"]

    # Another client with the same session cookie stands for another web process: nothing lives in memory.
    other_worker = Client()
    other_worker.cookies = client.cookies
    done = confirm(other_worker, job)

    assert b'id="job-done"' in done.content
    assert values_of("NPP001") == {"employees_total": Decimal("120"), "employees_registered": Decimal("100"),
                                   "wages_reported_pct": Decimal("95.5"), "contributions_on_time_months": Decimal("12")}
    assert not (settings.MEDIA_ROOT / "uploads" / job.params["token"] / "upload").exists()
    # The confirmation posted again leads to the same import, which does not run twice.
    again = other_worker.post(reverse("job-confirm", args=[job.pk]))
    assert again["Location"] == reverse("job", args=[Job.objects.get(pk=job.pk).follow_up_id])
    assert Job.objects.filter(kind=JobKind.METRICS_IMPORT).count() == 1


def test_a_job_is_only_its_starters(users, make_committee):
    first = client_for(users["committee"])
    _page, job = upload_and_check(first)
    second = client_for(make_committee("pusat2"))
    for name in ("job", "job-status", "job-problems"):
        assert second.get(reverse(name, args=[job.pk])).status_code == 404
    assert second.post(reverse("job-confirm", args=[job.pk])).status_code == 404
    assert first.post(reverse("job-confirm", args=[job.pk + 100])).status_code == 404
    assert Nominee.objects.count() == 0


def test_a_second_check_of_the_same_year_waits_for_the_first(users, make_committee):
    first = client_for(users["committee"])
    first.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    second = client_for(make_committee("pusat2"))

    refused = second.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    other_year = second.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2023})

    assert refused.status_code == 409
    assert "A metrics file for 2024 is being checked or imported right now" in refused.content.decode()
    assert other_year.status_code == 302
    assert run_worker() == 2


def test_a_lost_job_is_reported_failed_and_frees_its_year(users):
    from django.utils import timezone

    client = client_for(users["committee"])
    client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    job = Job.objects.get()
    # Its worker took it, then died: no sign of life since.
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, beat_at=timezone.now() - timedelta(hours=1))

    page = client.get(reverse("job", args=[job.pk]))
    assert "The worker running this job stopped before it finished" in page.content.decode()
    assert client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024}).status_code == 302
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED
    # Once marked failed, its page still says why in words.
    assert "The worker running this job stopped before it finished" in client.get(
        reverse("job", args=[job.pk])).content.decode()


def test_a_job_whose_file_is_gone_fails_with_the_reason(users, settings):
    client = client_for(users["committee"])
    client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    job = Job.objects.get()
    (settings.MEDIA_ROOT / "uploads" / job.params["token"] / "upload").unlink()
    run_worker()
    page = client.get(reverse("job", args=[job.pk]))
    assert Job.objects.get().state == JobState.FAILED
    assert "The uploaded file is no longer kept" in page.content.decode()


def test_the_status_of_a_running_job_for_its_progress_bar(users):
    client = client_for(users["committee"])
    client.post(reverse("metrics-import"), {"file": csv_upload(ROWS), "year": 2024})
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, rows_total=1000, rows_read=600, rows_checked=500,
                                         phase="checking")
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert {k: status[k] for k in ("state", "active", "rows_total", "rows_read", "rows_checked", "percent",
                                   "phase")} == {"state": "running", "active": True, "rows_total": 1000,
                                                 "rows_read": 600, "rows_checked": 500, "percent": 50,
                                                 "phase": "Checking"}
    page = client.get(reverse("job", args=[job.pk]))
    assert b'id="job-bar"' in page.content and b"job-progress.js" in page.content


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

    response, job = upload_and_check(client, bad)

    assert [(p["row"], p["column"], p["message"]) for p in response.context["result"]["problems"]] == [
        (3, "employees_total", "A value may not be negative."), (3, "region_code", 'Unknown region code "18.99".')]
    assert b"Unknown region code &quot;18.99&quot;." in response.content
    problems = client.get(reverse("job-problems", args=[job.pk]))
    assert b"".join(problems.streaming_content).decode("utf-8-sig").splitlines() == [
        "row,column,problem", "3,employees_total,A value may not be negative.",
        '3,region_code,"Unknown region code ""18.99""."']
    assert client.post(reverse("job-confirm", args=[job.pk])).status_code == 404
    assert Nominee.objects.count() == 0


def test_preview_of_an_xlsx_with_indonesian_numbers(users):
    workbook = openpyxl.Workbook()
    workbook.active.append(EMPLOYER_HEADER)
    workbook.active.append(["NPP001", "business", "PT Maju", "18.72", "", "", "1.234", "1.000", "24,5", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("data.xlsx", buffer.getvalue())
    client = client_for(users["committee"])

    page, job = upload_and_check(client, upload)  # no option: the format is read from the file's text numbers
    assert page.context["number_format_note"] == (
        'Numbers were read in the Indonesian (1.234.567,5) format, detected from the file: "24,5" on row 2, column '
        'wages_reported_pct.')
    confirm(client, job)

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


def test_observer_exports_xlsx_by_kind_through_a_job(users, loaded):
    client = client_for(users["observer"])
    started = client.get(reverse("metrics-export"), {"year": 2024, "kind": "umkm", "format": "xlsx"})
    job = Job.objects.get(kind=JobKind.EXPORT)
    assert started["Location"] == reverse("job", args=[job.pk])
    run_worker()
    assert b'id="job-download"' in client.get(started["Location"]).content
    assert client_for(users["committee"]).get(reverse("job-download", args=[job.pk])).status_code == 404
    response = client.get(reverse("job-download", args=[job.pk]))
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


GOVERNMENT_ID = ("nominee_code;nominee_kind;nominee_name;region_code;workers_total;has_regulation;"
                 "coverage_target_pct;protection_budget_idr\n"
                 "18;province_government;Pemerintah Provinsi Lampung;18;{workers};{regulation};{target};{budget}\n")


def test_the_upload_form_shows_the_number_format_read_from_the_file_by_default(users):
    form = client_for(users["committee"]).get(reverse("metrics")).context["upload_form"]
    assert (form["number_format"].value(), [value for value, _label in form.fields["number_format"].choices]) == (
        "auto", ["auto", "id", "plain"])


def test_the_preview_names_metrics_by_label_and_numbers_by_unit_in_the_readers_language(users, tmp_path):
    stored = tmp_path / "stored.csv"
    stored.write_text(GOVERNMENT_ID.format(workers="2.800.000", regulation="tidak", target="30",
                                           budget="11.250.000.000"), encoding="utf-8")
    assert metrics_import(acting_user=national_committee(), path=stored, year=2024).problems == []
    run_worker()  # the recompute of the standings that the import queued
    client = client_for(users["committee"])
    client.cookies["django_language"] = "id"
    upload = SimpleUploadedFile("b.csv", GOVERNMENT_ID.format(workers="2.800.000", regulation="ya", target="32,5",
                                                              budget="12.500.000.000").encode())

    page, _job = upload_and_check(client, upload)

    assert page.context["result"]["number_format"] == "id"
    changes = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(
        r'<table class="table" id="job-changes">.*?</table>', page.content.decode(), flags=re.S).group(0)))
    assert ("Memiliki regulasi perlindungan pekerja (Perda/Pergub/Perbup/Perdes): Tidak → Ya; "
            "Target cakupan (%): 30 % → 32,5 %; "
            "Anggaran perlindungan pekerja rentan (Rp): Rp 11.250.000.000 → Rp 12.500.000.000") in changes
    assert 'title="protection_budget_idr"' in page.content.decode()  # the code stays, as the label's title
    assert "12500000000" not in changes
