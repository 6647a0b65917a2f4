"""The database refuses to change or delete a frozen result or an audit row (both engines), and
verify_results notices a result removed, edited or inserted by someone who goes around that refusal."""
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone

from awards.models import AuditEvent, ResultSnapshot
from awards.services.result_checks import results_verify
from awards.services.results import canonical_json, result_publish
from tests.results_guard import guard_lifted


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def refused(statement, params=()):
    """Whether the database refuses the statement (its transaction is left usable)."""
    try:
        with transaction.atomic():
            sql(statement, params)
    except IntegrityError as error:
        assert "paritrana-guard" in str(error)
        return True
    return False


def problems():
    return sorted((p.snapshot_id, p.message.split(":")[0]) for p in results_verify())


# The database's refusal.

def test_the_database_refuses_to_delete_or_change_a_frozen_result(chain):
    _interim, final, correction = chain
    assert refused("DELETE FROM awards_resultsnapshot WHERE id = %s", [correction.id])
    assert refused("UPDATE awards_resultsnapshot SET content = %s WHERE id = %s", ["{}", final.id])
    assert refused("UPDATE awards_resultsnapshot SET digest = %s WHERE id = %s", ["0" * 64, final.id])
    with pytest.raises(IntegrityError, match="paritrana-guard"), transaction.atomic():
        ResultSnapshot.objects.filter(pk=final.pk).update(reason="edited")
    with pytest.raises(IntegrityError, match="paritrana-guard"), transaction.atomic():
        ResultSnapshot.objects.filter(pk=correction.pk).delete()  # nothing links to it: the database refuses
    assert ResultSnapshot.objects.get(pk=final.pk).content == final.content
    assert results_verify() == []


@pytest.mark.parametrize("column", ["round_id", "category_id", "stage_id", "content", "digest", "frozen_at",
                                    "frozen_by_id", "supersedes_id", "reason", "previous_id", "interim"])
def test_every_column_of_a_frozen_result_is_guarded(award, chain, column):
    from awards.models import Category

    interim, _final, correction = chain
    value = {
        "round_id": award.national.id, "stage_id": award.stages["assessment"].id, "content": "{}",
        "category_id": Category.objects.exclude(pk=award.pemkab.pk).values_list("id", flat=True).first(),
        "digest": "0" * 64, "frozen_at": timezone.now(), "frozen_by_id": award.observer.id,
        "supersedes_id": interim.id, "reason": "x", "previous_id": interim.id, "interim": True,
    }[column]
    assert refused(f"UPDATE awards_resultsnapshot SET {column} = %s WHERE id = %s", [value, correction.id])
    # Not even together with the one change allowed, its publication:
    assert refused(f"UPDATE awards_resultsnapshot SET published_at = %s, {column} = %s WHERE id = %s",
                   [timezone.now(), value, correction.id])


def test_the_guard_names_every_column_there_is():
    columns = {field.column for field in ResultSnapshot._meta.concrete_fields} - {"id", "published_at"}
    assert columns == {"round_id", "category_id", "stage_id", "content", "digest", "frozen_at", "frozen_by_id",
                       "supersedes_id", "reason", "previous_id", "interim"}


def test_publication_is_the_one_change_and_only_once(award, chain):
    _interim, _final, correction = chain
    result_publish(snapshot=correction, acting_user=award.committee)
    correction.refresh_from_db()
    assert correction.published_at is not None
    assert refused("UPDATE awards_resultsnapshot SET published_at = %s WHERE id = %s", [timezone.now(), correction.id])
    assert refused("UPDATE awards_resultsnapshot SET published_at = NULL WHERE id = %s", [correction.id])


def test_the_database_refuses_an_interim_result_published(chain):
    interim, _final, _correction = chain
    with guard_lifted():
        assert not refused("UPDATE awards_resultsnapshot SET reason = 'x' WHERE id = %s", [interim.id])
        with pytest.raises(IntegrityError), transaction.atomic():
            sql("UPDATE awards_resultsnapshot SET published_at = %s WHERE id = %s", [timezone.now(), interim.id])


def test_the_database_refuses_to_delete_or_change_an_audit_row(award, chain):
    event = AuditEvent.objects.filter(action="result_freeze").first()
    assert refused("DELETE FROM awards_auditevent WHERE id = %s", [event.id])
    assert refused("UPDATE awards_auditevent SET summary = 'edited' WHERE id = %s", [event.id])
    assert refused("UPDATE awards_auditevent SET actor_id = NULL WHERE id = %s", [event.id])
    with pytest.raises(IntegrityError, match="paritrana-guard"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


def test_an_account_that_acted_is_not_deleted(award, chain):
    with pytest.raises(ProtectedError), transaction.atomic():
        award.committee.delete()
    assert AuditEvent.objects.filter(actor=award.committee).exists()


def test_a_page_that_meets_the_refusal_says_so(english, award, chain, settings):
    """No page of the application asks the database to change a result; should some other door do so, the user
    reads why instead of a server error."""
    from django.urls import include, path

    from awards.models import ResultSnapshot as Model

    def tamper(request):
        Model.objects.filter(pk=chain[1].pk).update(reason="edited")

    urlconf = type("urls", (), {"urlpatterns": [path("tamper/", tamper), path("", include("paritrana.urls"))]})
    settings.ROOT_URLCONF = urlconf
    english.raise_request_exception = False
    response = english.get("/tamper/")
    assert response.status_code == 409
    assert "A frozen result and the audit trail are never changed or deleted" in response.content.decode()


# Someone with direct access to the database goes around the refusal; verify_results notices.

def test_verify_results_passes_an_untouched_chain(chain, capsys):
    call_command("verify_results")
    assert capsys.readouterr().out == ("All 3 frozen results verified: every digest matches its content and every "
                                       "edition's chain is whole.\n")


def test_verify_results_notices_a_result_removed_from_the_middle(chain, capsys):
    interim, final, correction = chain
    with guard_lifted():
        sql("UPDATE awards_resultsnapshot SET previous_id = NULL, supersedes_id = NULL WHERE id = %s", [correction.id])
        sql("DELETE FROM awards_resultsnapshot WHERE id = %s", [final.id])
    assert (correction.id, "removed before it") in problems()
    assert (final.id, "removed") in problems()
    with pytest.raises(CommandError, match="results do not verify"):
        call_command("verify_results")
    err = capsys.readouterr().err
    assert (f"Result {correction.id} (edition 2025, category pemkab, provincial round Lampung): removed before it: "
            f"the result it follows (digest {final.digest}) is no longer stored") in err


def test_verify_results_notices_the_newest_result_removed(chain, capsys):
    _interim, _final, correction = chain
    with guard_lifted():
        sql("DELETE FROM awards_resultsnapshot WHERE id = %s", [correction.id])
    assert problems() == [(correction.id, "removed")]
    with pytest.raises(CommandError):
        call_command("verify_results")
    assert (f"Result {correction.id} (edition 2025, category pemkab, provincial round Lampung): removed: the audit trail records it "
            f"frozen with digest {correction.digest}") in capsys.readouterr().err


def test_verify_results_notices_a_result_edited(chain):
    _interim, final, _correction = chain
    edited = final.content.replace('"rank":1,', '"rank":2,', 1)
    with guard_lifted():
        sql("UPDATE awards_resultsnapshot SET content = %s WHERE id = %s", [edited, final.id])
    assert problems() == [(final.id, "changed")]


def test_verify_results_notices_a_result_edited_with_its_digest_recomputed(chain):
    _interim, final, correction = chain
    edited = final.content.replace('"rank":1,', '"rank":2,', 1)
    with guard_lifted():
        sql("UPDATE awards_resultsnapshot SET content = %s, digest = %s WHERE id = %s",
            [edited, hashlib.sha256(edited.encode()).hexdigest(), final.id])
    found = problems()
    assert (final.id, "changed") in found
    assert (correction.id, f"the result it follows, {final.id}, was changed after this one was frozen") in found


def insert_copy(of, **changes):
    """A result inserted with SQL, a well-formed copy of `of` with its own content and correct digest."""
    content = json.loads(of.content)
    content.update(changes, frozen_at="2030-01-01T00:00:00+00:00")
    text = canonical_json(content)
    row = {"round_id": of.round_id, "category_id": of.category_id, "stage_id": of.stage_id, "content": text,
           "digest": hashlib.sha256(text.encode()).hexdigest(), "frozen_at": timezone.now(),
           "frozen_by_id": of.frozen_by_id, "supersedes_id": None, "reason": "", "published_at": None,
           "previous_id": None, "interim": False}
    columns = ", ".join(row)
    sql(f"INSERT INTO awards_resultsnapshot ({columns}) VALUES ({', '.join(['%s'] * len(row))})", list(row.values()))
    return ResultSnapshot.objects.get(digest=row["digest"])


def test_verify_results_notices_a_result_inserted_at_the_head(chain):
    _interim, _final, correction = chain
    inserted = insert_copy(correction, previous=correction.digest, supersedes=None, reason="")
    with guard_lifted():
        sql("UPDATE awards_resultsnapshot SET previous_id = %s WHERE id = %s", [correction.id, inserted.id])
    assert problems() == [(inserted.id, "inserted")]


def test_verify_results_notices_a_result_inserted_out_of_order(chain):
    interim, final, _correction = chain
    inserted = insert_copy(final, previous=interim.digest, supersedes=None, reason="")
    found = problems()
    assert (inserted.id, "out of order") in found
    assert (inserted.id, "inserted") in found  # two results follow the interim one, and no audit row records it
    assert {snapshot_id for snapshot_id, _message in found} == {inserted.id}


def test_the_public_page_names_no_winners_from_a_result_changed_behind_the_applications_back(client, award, chain):
    _interim, _final, correction = chain
    result_publish(snapshot=correction, acting_user=award.committee)
    forged = correction.content.replace('"name":"Pemerintah Kota Metro"', '"name":"Pemerintah Kota Palsu"')
    assert forged != correction.content
    with guard_lifted(), connection.cursor() as cursor:
        cursor.execute("UPDATE awards_resultsnapshot SET content = %s WHERE id = %s", [forged, correction.id])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("public-results")).content.decode()
    assert "This result no longer matches its digest: it was changed after it was frozen" in page
    assert "Kota Palsu" not in page and "Kota Metro" not in page
    assert "How to check a result yourself" in page
