"""Accounts, roles and scopes change through the accounts service, audited; configuration through the
records service; stage options through the stage service. Each by the admin and directly."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.models import AuditEvent, Edition, Profile, Role, StageStatus
from awards.services.accounts import AccountError, account_save, profile_set
from awards.services.records import RecordError, record_delete, record_save
from awards.services.stages import StageError, stage_update_options
from tests.foundation.admin_forms import admin_form_data


@pytest.fixture
def root(make_user):
    return make_user("root", Role.COMMITTEE, is_staff=True, is_superuser=True)


def test_admin_adds_an_account_with_its_role_audited_without_the_password(client, root, lampung):
    client.force_login(root)
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "juri_baru", "usable_password": "true", "password1": "Rahasia-2025!x", "password2": "Rahasia-2025!x",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1", "profile-0-role": Role.REVIEWER, "profile-0-province": lampung.pk})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="juri_baru")
    assert user.check_password("Rahasia-2025!x")
    assert (user.profile.role, user.profile.province_id) == (Role.REVIEWER, "18")
    created = AuditEvent.objects.get(action="account_create", object_id=str(user.pk))
    assert (created.actor, created.changes["username"], created.changes["password"]) == (
        root, [None, "juri_baru"], [None, "set"])
    assert user.password not in str(created.changes)
    role = AuditEvent.objects.get(action="profile_set", object_id=str(user.profile.pk))
    assert role.changes == {"role": [None, "reviewer"], "province": [None, "18"]}


def test_admin_account_changes_are_audited_old_to_new(client, root, roles):
    client.force_login(root)
    reviewer = roles["reviewer"]
    group = Group.objects.create(name="Pemantau admin")
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    data = {**admin_form_data(client.get(url)), "is_staff": "on", "groups": [str(group.pk)]}
    data.pop("is_active")
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    reviewer.refresh_from_db()
    assert (reviewer.is_active, reviewer.is_staff, list(reviewer.groups.all())) == (False, True, [group])
    change = AuditEvent.objects.get(action="account_change", object_id=str(reviewer.pk))
    assert (change.actor, change.changes) == (root, {"is_active": ["True", "False"], "is_staff": ["False", "True"]})
    groups = AuditEvent.objects.get(action="user_groups", object_id=str(reviewer.pk))
    assert groups.changes == {"groups": [[], ["Pemantau admin"]]}


def test_admin_password_change_is_audited_as_changed_never_with_its_hash(client, root, roles):
    client.force_login(root)
    observer = roles["observer"]
    url = reverse("admin:auth_user_password_change", args=[observer.pk])
    response = client.post(url, {"password1": "Baru-Sekali-2025", "password2": "Baru-Sekali-2025",
                                 "usable_password": "true", "set-password": "1"})
    assert response.status_code == 302
    observer.refresh_from_db()
    assert observer.check_password("Baru-Sekali-2025")
    event = AuditEvent.objects.get(action="account_password", object_id=str(observer.pk))
    assert (event.actor, event.changes) == (root, {"password": ["(not recorded)", "changed"]})


def test_accounts_are_never_deleted_in_the_admin(client, root, roles):
    client.force_login(root)
    reviewer = roles["reviewer"]
    assert client.post(reverse("admin:auth_user_delete", args=[reviewer.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:auth_user_changelist"), {
        "action": "delete_selected", "_selected_action": [reviewer.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert get_user_model().objects.filter(pk=reviewer.pk).exists()
    profile = reviewer.profile
    assert client.post(reverse("admin:awards_profile_delete", args=[profile.pk]), {"post": "yes"}).status_code == 403
    assert Profile.objects.filter(pk=profile.pk).exists()


def test_only_a_superuser_grants_superuser_status(roles, root):
    reviewer = roles["reviewer"]
    reviewer.is_superuser = True
    with pytest.raises(PermissionDenied):
        account_save(user=reviewer, acting_user=roles["committee"])
    assert account_save(user=reviewer, acting_user=root) == {"is_superuser": ["False", "True"]}


def test_accounts_and_roles_are_the_national_committees(roles, lampung):
    for member in (roles["provincial_committee"], roles["reviewer"], roles["observer"]):
        with pytest.raises(PermissionDenied):
            profile_set(user=roles["reviewer"], role=Role.COMMITTEE, province=None, acting_user=member)
    assert Profile.objects.get(user=roles["reviewer"]).role == Role.REVIEWER
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role, with_province", [
    (Role.PROVINCIAL_COMMITTEE, False), (Role.REVIEWER, False), (Role.COMMITTEE, True), (Role.OBSERVER, True)])
def test_a_role_goes_with_a_province_or_with_none(roles, lampung, role, with_province):
    with pytest.raises(AccountError):
        profile_set(user=roles["observer"], role=role, province=lampung if with_province else None,
                    acting_user=roles["committee"])
    assert (roles["observer"].profile.role, AuditEvent.objects.count()) == (Role.OBSERVER, 0)


def test_configuration_is_the_national_committees_and_audited(roles):
    edition = Edition(year=2030, name="Paritrana Award 2030")
    with pytest.raises(PermissionDenied):
        record_save(instance=edition, acting_user=roles["provincial_committee"])
    assert not Edition.objects.exists()
    assert record_save(instance=edition, acting_user=roles["committee"]) == {
        "id": [None, str(edition.pk)], "year": [None, "2030"], "name": [None, "Paritrana Award 2030"]}
    edition.name = "Paritrana 2030"
    assert record_save(instance=edition, acting_user=roles["committee"]) == {
        "name": ["Paritrana Award 2030", "Paritrana 2030"]}
    assert record_save(instance=edition, acting_user=roles["committee"]) == {}  # nothing changed: no row
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "edition_create", "edition_change"]
    record_delete(instance=Edition.objects.get(), acting_user=roles["committee"])
    assert AuditEvent.objects.order_by("id").last().changes["name"] == ["Paritrana 2030", None]


def test_configuration_that_award_data_depends_on_is_not_deleted(demo, committee):
    from awards.models import Category

    category = Category.objects.get(code="pemkab")
    with pytest.raises(RecordError) as refused:
        record_delete(instance=category, acting_user=committee)
    assert str(refused.value).startswith(str(category))  # and names the rows that depend on it
    assert Category.objects.filter(pk=category.pk).exists()


def test_stage_options_change_until_the_stage_is_closed(demo, committee):
    from awards.models import Round

    provincial = Round.objects.get(level="provincial")
    interview = provincial.stages.get(kind="interview")
    lampung_committee = get_user_model().objects.get(username="panitia_lampung")
    stage_update_options(stage=interview, changes={"calibrate": True, "aggregation": "median"},
                         acting_user=lampung_committee)
    interview.refresh_from_db()
    assert (interview.calibrate, interview.aggregation, interview.status) == (True, "median", StageStatus.DRAFT)
    event = AuditEvent.objects.filter(action="stage_options").first()
    assert (event.actor, event.changes) == (lampung_committee, {"calibrate": ["False", "True"],
                                                               "aggregation": ["mean", "median"]})
    with pytest.raises(StageError):
        stage_update_options(stage=interview, changes={"status": "open"}, acting_user=committee)
    with pytest.raises(StageError):
        stage_update_options(stage=interview, changes={"disagreement_threshold": 120}, acting_user=committee)
    national = Round.objects.get(level="national").stages.get(kind="interview")
    with pytest.raises(PermissionDenied):
        stage_update_options(stage=national, changes={"calibrate": True}, acting_user=lampung_committee)
    screening = provincial.stages.get(kind="screening")
    with pytest.raises(StageError):
        stage_update_options(stage=screening, changes={"hide_reviewer_names": True}, acting_user=committee)
    interview.refresh_from_db()
    assert (interview.status, interview.disagreement_threshold) == (StageStatus.DRAFT, 30)


def test_admin_adds_a_round_with_its_stages_audited(client, root, lampung):
    from awards.models import Round

    edition = Edition(year=2031, name="Paritrana Award 2031")
    record_save(instance=edition, acting_user=root)
    client.force_login(root)
    response = client.post(reverse("admin:awards_round_add"), {
        "edition": edition.pk, "level": "provincial", "province": lampung.pk,
        "stages-TOTAL_FORMS": "0", "stages-INITIAL_FORMS": "0", "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    round_ = Round.objects.get(edition=edition)
    assert list(round_.stages.values_list("kind", "status")) == [
        ("screening", "draft"), ("assessment", "draft"), ("interview", "draft")]
    assert AuditEvent.objects.filter(action="round_create", object_id=str(round_.pk), actor=root).exists()


def test_a_committee_member_changes_accounts_but_not_superuser_status(client, roles):
    from django.contrib.auth.models import Permission

    member, reviewer = roles["committee"], roles["reviewer"]
    member.user_permissions.set(Permission.objects.filter(content_type__app_label="auth", codename__endswith="_user"))
    client.force_login(member)
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    data = {**admin_form_data(client.get(url)), "first_name": "Rina", "is_superuser": "on"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    reviewer.refresh_from_db()
    assert (reviewer.first_name, reviewer.is_superuser) == ("Rina", False)
    event = AuditEvent.objects.get(action="account_change", object_id=str(reviewer.pk))
    assert (event.actor, event.changes) == (member, {"first_name": ["", "Rina"]})
