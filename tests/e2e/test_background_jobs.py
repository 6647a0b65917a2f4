"""A metrics file uploaded in the browser: the page answers at once with a progress bar, which follows the
worker's check until the preview shows; confirming shows the bar again until the import is done. Leaving
and coming back finds the same job; an invitation's link sets a password and signs in."""
import re

from django.core import mail

from awards.models import Job, JobState, MetricValue
from tests.jobs import run_worker

HEADER = "nominee_code,nominee_kind,nominee_name,region_code,size,sector,employees_total,employees_registered\n"


def test_upload_progress_preview_confirm_done(page, e2e_demo, sign_in, live_server, tmp_path):
    path = tmp_path / "metrik-2025.csv"
    path.write_text(HEADER + "".join(f"NPPE2E{n:04d},business,PT Uji {n},18.72,large,finance,{100 + n},{90 + n}\n"
                                     for n in range(300)))
    sign_in("panitia")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/panitia/metrik/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_year", "2025")
    page.get_by_role("button", name="Check the file").click()

    # The upload answered at once: the job waits for the worker, its bar on the page.
    page.wait_for_url("**/panitia/pekerjaan/*/")
    assert page.locator("#job-bar").is_visible()
    assert page.locator("#job-state").inner_text().startswith("Waiting for a worker")
    check = Job.objects.get()

    # Away and back: the metrics page lists the job, its link leads to the same page.
    page.goto("/panitia/metrik/")
    page.locator(".job-list").get_by_role("link", name=re.compile("metrik-2025.csv")).click()
    page.wait_for_url(f"**/panitia/pekerjaan/{check.pk}/")

    run_worker()  # the worker checks the file; the page notices by itself and shows the preview
    page.locator("#job-preview").wait_for()
    assert "300" in page.locator("#job-preview").inner_text()
    assert MetricValue.objects.filter(nominee__code__startswith="NPPE2E").count() == 0

    page.get_by_role("button", name="Confirm the import").click()
    page.wait_for_url("**/panitia/pekerjaan/*/")
    assert page.url != live_server.url + f"/panitia/pekerjaan/{check.pk}/"
    assert page.locator("#job-bar").is_visible()
    run_worker()
    page.locator("#job-done").wait_for()
    assert "300 new" in page.locator("#job-done").inner_text()
    assert MetricValue.objects.filter(nominee__code__startswith="NPPE2E", year=2025).count() == 600
    assert [j.state for j in Job.objects.order_by("pk")] == [JobState.DONE, JobState.DONE]


def test_an_invited_reviewer_sets_a_password_and_is_signed_in(page, e2e_demo, live_server, settings):
    from django.contrib.auth import get_user_model

    from awards.models import Profile, Role
    from awards.services.messages import invitation_send

    settings.PARITRANA_SITE_URL = live_server.url
    user = get_user_model().objects.create_user(username="dewi", email="dewi@example.org", first_name="Dewi",
                                                last_name="Lestari", password=None)
    Profile.objects.create(user=user, role=Role.REVIEWER, province_id="18", language="en")
    invitation_send(user=user, acting_user=get_user_model().objects.get(username="panitia"))
    run_worker()
    [invitation] = [m for m in mail.outbox if m.to == ["dewi@example.org"]]
    link = re.search(r"(http://\S+/akun/undangan/\S+)", invitation.body).group(1)

    page.goto(link)
    page.fill("#id_new_password1", "Kopi-Lampung-2025")
    page.fill("#id_new_password2", "Kopi-Lampung-2025")
    page.get_by_role("button", name="Simpan kata sandi saya").click()  # the page speaks Indonesian
    page.wait_for_url("**/penilaian/")  # signed in, on the reviewer's work list
    assert "Dewi Lestari" in page.locator(".who").inner_text()
    page.goto(link)
    assert "Tautan undangan ini tidak berlaku lagi" in page.locator("[role=alert]").inner_text()
