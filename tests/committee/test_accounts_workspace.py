"""Accounts managed from the committee workspace: the national committee invites, edits, deactivates and
reactivates any committee, reviewer and observer account; a provincial committee only its own province's
reviewers. Every change audited; the invitation is a queued message."""
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from awards.models import AuditEvent, Message, MessageKind, Region, Role
from awards.people import person_name
from awards.services.accounts import (
    AccountError,
    account_deactivate,
    account_invitation_resend,
    account_invite,
    account_reactivate,
    account_update,
)

User = get_user_model()


@pytest.fixture
def lampung(award):
    return Region.objects.get(pk="18")


@pytest.fixture
def jakarta(award):
    return Region.objects.get(pk="31")


def invite(acting_user, province, *, email="siti@example.org", role=Role.REVIEWER, **extra):
    return account_invite(first_name="Siti", last_name="Rahma", email=email, role=role, province=province,
                          language="en", acting_user=acting_user, **extra)


def events(user, *actions):
    return list(AuditEvent.objects.filter(object_id__in=[str(user.pk), str(getattr(user, "profile", user).pk)],
                                          action__in=actions).order_by("id").values_list("action", "actor__username"))


def test_the_national_committee_invites_a_reviewer(award, lampung, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        user = invite(award.committee, lampung, email="Siti@Example.org")
    user.refresh_from_db()
    assert (user.username, user.email, user.is_active, user.has_usable_password()) == (
        "siti@example.org", "Siti@example.org", True, False)
    assert (user.profile.role, user.profile.province_id, user.profile.language) == (Role.REVIEWER, "18", "en")
    created = AuditEvent.objects.get(action="account_invite", object_id=str(user.pk))
    assert (created.actor, created.changes["password"], created.changes["email"]) == (
        award.committee, [None, "unusable"], [None, "Siti@example.org"])
    profile = AuditEvent.objects.get(action="profile_set", object_id=str(user.profile.pk))
    assert profile.changes == {"role": [None, "reviewer"], "province": [None, "18"], "language": [None, "en"]}
    message = Message.objects.get(recipient=user)
    assert (message.kind, message.email, message.sent_by, message.province_id) == (
        MessageKind.INVITATION, "Siti@example.org", award.committee, "18")
    assert len(callbacks) == 1  # the mail goes out after the commit


def test_an_invitation_needs_an_unused_email_and_a_free_user_name(award, lampung):
    with pytest.raises(AccountError, match="Enter the person's email address"):
        invite(award.committee, lampung, email=" ")
    with pytest.raises(AccountError, match="is not an email address"):
        invite(award.committee, lampung, email="siti")
    award.reviewer.email = "penilai1@example.org"
    award.reviewer.save()
    with pytest.raises(AccountError, match="An active account already uses the email address"):
        invite(award.committee, lampung, email="PENILAI1@example.org")
    with pytest.raises(AccountError, match="The user name penilai2 is taken"):
        invite(award.committee, lampung, username="penilai2")
    with pytest.raises(AccountError, match="works in one province"):
        invite(award.committee, None)
    with pytest.raises(AccountError, match="leave the province empty"):
        invite(award.committee, lampung, role=Role.OBSERVER)
    assert not User.objects.filter(email__iexact="siti@example.org").exists()
    assert not Message.objects.filter(email__iexact="siti@example.org").exists()


def test_the_national_committee_may_invite_every_role(award, lampung):
    observer = invite(award.committee, None, role=Role.OBSERVER, email="o@example.org")
    member = invite(award.committee, None, role=Role.COMMITTEE, email="c@example.org")
    provincial = invite(award.committee, lampung, role=Role.PROVINCIAL_COMMITTEE, email="p@example.org")
    assert [u.profile.role for u in (observer, member, provincial)] == [
        Role.OBSERVER, Role.COMMITTEE, Role.PROVINCIAL_COMMITTEE]


def test_a_provincial_committee_invites_reviewers_of_its_own_province_only(award, lampung, jakarta):
    user = invite(award.provincial_committee, lampung)
    assert (user.profile.role, user.profile.province_id) == (Role.REVIEWER, "18")
    assert events(user, "account_invite", "profile_set") == [
        ("account_invite", "panitia_lampung"), ("profile_set", "panitia_lampung")]
    with pytest.raises(PermissionDenied):
        invite(award.provincial_committee, jakarta, email="b@example.org")
    for role, province in ((Role.COMMITTEE, None), (Role.OBSERVER, None), (Role.PROVINCIAL_COMMITTEE, lampung)):
        with pytest.raises(PermissionDenied):
            invite(award.provincial_committee, province, role=role, email=f"{role}@example.org")
    for outsider in (award.observer, award.reviewer):
        with pytest.raises(PermissionDenied):
            invite(outsider, lampung, email="x@example.org")
    assert User.objects.filter(email__endswith="@example.org").count() == 1


def test_edit_is_audited_old_to_new(award, lampung, jakarta):
    user = invite(award.committee, lampung)
    account_update(user=user, first_name="Siti", last_name="Rahmawati", email="siti.r@example.org",
                   role=Role.REVIEWER, province=jakarta, language="id", acting_user=award.committee)
    user.refresh_from_db()
    user.profile.refresh_from_db()
    assert (person_name(user), user.email, user.profile.province_id, user.profile.language) == (
        "Siti Rahmawati", "siti.r@example.org", "31", "id")
    change = AuditEvent.objects.get(action="account_change", object_id=str(user.pk))
    assert change.changes == {"last_name": ["Rahma", "Rahmawati"], "email": ["siti@example.org", "siti.r@example.org"]}
    profile = AuditEvent.objects.filter(action="profile_set", object_id=str(user.profile.pk)).latest("id")
    assert profile.changes == {"province": ["18", "31"], "language": ["en", "id"]}


def test_a_provincial_committee_edits_only_its_own_reviewers(award, lampung, jakarta):
    user = invite(award.committee, lampung)
    with pytest.raises(PermissionDenied):  # it may not move its reviewer to another province
        account_update(user=user, first_name="Siti", last_name="R", email=user.email, role=Role.REVIEWER,
                       province=jakarta, language="id", acting_user=award.provincial_committee)
    with pytest.raises(PermissionDenied):  # nor make them an observer
        account_update(user=user, first_name="Siti", last_name="R", email=user.email, role=Role.OBSERVER,
                       province=None, language="id", acting_user=award.provincial_committee)
    account_update(user=user, first_name="Siti", last_name="R", email=user.email, role=Role.REVIEWER,
                   province=lampung, language="id", acting_user=award.provincial_committee)
    with pytest.raises(PermissionDenied):  # Jakarta's committee may not touch Lampung's reviewer
        account_update(user=user, first_name="Siti", last_name="X", email=user.email, role=Role.REVIEWER,
                       province=jakarta, language="id", acting_user=award.other_province_committee)
    with pytest.raises(PermissionDenied):
        account_deactivate(user=user, acting_user=award.other_province_committee)
    with pytest.raises(PermissionDenied):  # nor the observer, nor a committee member
        account_deactivate(user=award.observer, acting_user=award.provincial_committee)


def test_deactivate_and_reactivate_are_audited_and_nobody_deactivates_themselves(award, lampung):
    user = invite(award.provincial_committee, lampung)
    account_deactivate(user=user, acting_user=award.provincial_committee)
    user.refresh_from_db()
    assert not user.is_active
    with pytest.raises(AccountError, match="deactivated"):
        account_invitation_resend(user=user, acting_user=award.committee)
    account_reactivate(user=user, acting_user=award.committee)
    user.refresh_from_db()
    assert user.is_active
    assert [(e.action, e.actor.username, e.changes) for e in AuditEvent.objects.filter(
        object_id=str(user.pk), action__in=["account_deactivate", "account_reactivate"]).order_by("id")] == [
        ("account_deactivate", "panitia_lampung", {"is_active": ["True", "False"]}),
        ("account_reactivate", "panitia", {"is_active": ["False", "True"]})]
    with pytest.raises(AccountError, match="your own account"):
        account_deactivate(user=award.committee, acting_user=award.committee)


def test_reactivation_is_refused_when_another_account_took_the_email(award, lampung):
    user = invite(award.committee, lampung)
    account_deactivate(user=user, acting_user=award.committee)
    invite(award.committee, lampung, username="siti2")
    with pytest.raises(AccountError, match="already uses the email address"):
        account_reactivate(user=user, acting_user=award.committee)


def test_the_invitation_is_sent_again_until_a_password_is_set(award, lampung):
    user = invite(award.provincial_committee, lampung)
    account_invitation_resend(user=user, acting_user=award.provincial_committee)
    assert Message.objects.filter(recipient=user, kind=MessageKind.INVITATION).count() == 2
    assert events(user, "account_invitation_resend") == [("account_invitation_resend", "panitia_lampung")]
    user.set_password("Rahasia-2025!x")
    user.save()
    with pytest.raises(AccountError, match="has already set a password"):
        account_invitation_resend(user=user, acting_user=award.committee)


# -- the pages ---------------------------------------------------------------------------------------

def pages(award, account):
    return [
        reverse("committee-accounts"),
        reverse("committee-account-invite"),
        reverse("committee-account", args=[account.pk]),
    ]


def posts(account):
    return [reverse("committee-account-invite")] + [
        reverse("committee-account-action", args=[account.pk, action])
        for action in ("nonaktifkan", "aktifkan", "undang-ulang")] + [reverse("committee-account", args=[account.pk])]


@pytest.mark.parametrize("role", ["observer", "reviewer"])
def test_observers_and_reviewers_get_403_on_every_account_page(client, award, lampung, role):
    account = invite(award.committee, lampung)
    client.force_login(getattr(award, role))
    assert [client.get(url).status_code for url in pages(award, account)] == [403, 403, 403]
    assert [client.post(url, {"email": "z@example.org"}).status_code for url in posts(account)] == [403] * 5
    account.refresh_from_db()
    assert account.is_active


def test_anonymous_visitors_are_sent_to_sign_in(client, award, lampung):
    account = invite(award.committee, lampung)
    assert {client.get(url).status_code for url in pages(award, account)} == {302}


def test_another_province_account_is_not_found_for_a_provincial_committee(client, award, lampung):
    account = invite(award.committee, lampung)
    client.force_login(award.other_province_committee)
    assert client.get(reverse("committee-account", args=[account.pk])).status_code == 404
    for action in ("nonaktifkan", "undang-ulang"):
        assert client.post(reverse("committee-account-action", args=[account.pk, action])).status_code == 404
    client.force_login(award.provincial_committee)  # nor the committee's own accounts
    assert client.get(reverse("committee-account", args=[award.committee.pk])).status_code == 404
    assert client.get(reverse("committee-account", args=[award.observer.pk])).status_code == 404
    assert client.get(reverse("committee-account", args=[account.pk])).status_code == 200


def test_the_list_shows_the_accounts_in_scope_by_full_name(english, award, lampung):
    invite(award.committee, lampung)
    english.force_login(award.provincial_committee)
    response = english.get(reverse("committee-accounts"))
    assert response.status_code == 200
    rows = [(person_name(row.record), row.record.password_set) for row in response.context["table"].page.object_list]
    assert rows == [("Penilai Dua (demo)", True), ("Penilai Satu (demo)", True), ("Penilai Tiga (demo)", True),
                    ("Siti Rahma", False)]
    page = response.content.decode()
    assert "invitation pending" in page and "Siti Rahma" in page
    english.force_login(award.committee)
    response = english.get(reverse("committee-accounts"), {"role": "reviewer", "password": "0"})
    assert [person_name(row.record) for row in response.context["table"].page.object_list] == ["Siti Rahma"]
    response = english.get(reverse("committee-accounts"), {"active": "1", "province": "31"})
    assert [r.record.username for r in response.context["table"].page.object_list] == ["panitia_jakarta"]


def account_list_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("committee-accounts"))
    assert response.status_code == 200
    return len(response.context["table"].page.object_list)


@pytest.mark.parametrize("who", ["committee", "provincial_committee"])
def test_the_list_query_count_does_not_grow_with_rows(client, award, lampung, django_assert_max_num_queries, who):
    client.force_login(getattr(award, who))
    before = account_list_queries(client, django_assert_max_num_queries, 6)
    for n in range(20):
        invite(award.committee, lampung, email=f"juri{n}@example.org")
    assert account_list_queries(client, django_assert_max_num_queries, 6) == before + 20


def test_invite_edit_and_deactivate_through_the_pages(english, award, lampung):
    english.force_login(award.provincial_committee)
    response = english.post(reverse("committee-account-invite"), {
        "first_name": "Budi", "last_name": "Santoso", "email": "budi@example.org", "language": "id",
        "role": "committee"})  # a provincial committee's form has no role: it is ignored
    user = User.objects.get(email="budi@example.org")
    assert response.status_code == 302 and response.url == reverse("committee-account", args=[user.pk])
    assert (user.profile.role, user.profile.province_id) == (Role.REVIEWER, "18")
    response = english.post(reverse("committee-account-invite"), {
        "first_name": "Budi", "last_name": "Lagi", "email": "BUDI@example.org", "language": "id"})
    assert response.status_code == 400
    assert "An active account already uses the email address" in response.content.decode()
    response = english.post(reverse("committee-account", args=[user.pk]), {
        "first_name": "Budi", "last_name": "Santosa", "email": "budi@example.org", "language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (person_name(user), user.profile.language) == ("Budi Santosa", "en")
    page = english.get(reverse("committee-account", args=[user.pk])).content.decode()
    assert "Deactivate the account of Budi Santosa" in page and "Send the invitation again" in page
    response = english.post(reverse("committee-account-action", args=[user.pk, "nonaktifkan"]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert english.post(reverse("committee-account-action", args=[user.pk, "hapus"])).status_code == 404


def test_the_national_committee_page_refuses_its_own_deactivation(english, award):
    english.force_login(award.committee)
    page = english.get(reverse("committee-account", args=[award.committee.pk])).content.decode()
    assert "You cannot deactivate your own account." in page
    english.post(reverse("committee-account-action", args=[award.committee.pk, "nonaktifkan"]))
    award.committee.refresh_from_db()
    assert award.committee.is_active


def test_the_overview_links_to_the_accounts_for_committees_only(client, award):
    client.force_login(award.provincial_committee)
    assert 'id="accounts-link"' in client.get(reverse("committee")).content.decode()
    client.force_login(award.observer)
    assert 'id="accounts-link"' not in client.get(reverse("committee")).content.decode()
