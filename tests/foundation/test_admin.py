"""Every admin changelist renders for the committee; add pages only for configuration; others are kept out."""
import pytest
from django.contrib import admin
from django.urls import reverse

# Data with a lifecycle: changed in the workspace by its services, never added in the admin (stages come
# with their round).
READ_ONLY = {"nomination", "assignment", "conflict", "score", "resultsnapshot", "auditevent", "stage", "job", "message"}


def test_committee_walks_every_admin_page(client, committee, django_assert_max_num_queries):
    client.force_login(committee)
    pages, refused = [], []
    for model in admin.site._registry:
        if model._meta.app_label != "awards":
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        add = reverse("admin:{}_{}_add".format(*info))
        (refused if model._meta.model_name in READ_ONLY else pages).append(add)
    from django.apps import apps

    registered = {m for m in admin.site._registry if m._meta.app_label == "awards"}
    # Metric values (composite primary key, which the admin cannot edit) are shown on their nominee's
    # page; they change through the metrics import. Stored standings are computed, never edited: the
    # leaderboards show them.
    assert registered == {m for m in apps.get_app_config("awards").get_models()
                          if m._meta.model_name not in ("metricvalue", "standing", "standinggroup")}
    assert len(pages) == 2 * len(registered) - len(READ_ONLY)
    for url in pages:
        with django_assert_max_num_queries(40):
            response = client.get(url)
        assert response.status_code == 200, url
    for url in refused:
        assert client.get(url).status_code == 403, url
    # A change page of a big table renders its foreign keys without a dropdown of every row.
    from awards.models import Nomination

    nomination = Nomination.objects.first()
    response = client.get(reverse("admin:awards_nomination_change", args=[nomination.pk]))
    assert response.status_code == 200
    assert b'<option value="18.01.04.2001"' not in response.content
    # A nominee's page lists its reported metric values.
    from awards.models import MetricValue

    value = MetricValue.objects.select_related("metric").first()
    response = client.get(reverse("admin:awards_nominee_change", args=[value.nominee_id]))
    assert response.status_code == 200
    assert value.metric.code in response.content.decode()
    # Accounts and groups are listed (changing them is for whoever holds those permissions).
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200


@pytest.mark.parametrize("username", ["panitia_lampung", "penilai1", "pemantau"])
def test_other_roles_cannot_enter_the_admin(client, demo, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("admin:awards_nominee_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_speaks_indonesian_by_default_and_english_on_request(client, committee):
    client.force_login(committee)
    response = client.get(reverse("admin:index"))
    assert b"Administrasi Paritrana Award" in response.content
    assert b'id="admin-language-select"' in response.content
    client.post(reverse("set_language"), {"language": "en", "next": reverse("admin:index")})
    response = client.get(reverse("admin:index"))
    assert b"Paritrana Award administration" in response.content
