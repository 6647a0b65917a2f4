"""Frozen results: freeze a ranking into an immutable snapshot, publish it, correct it, verify digests.

The snapshot's `content` is canonical JSON (keys sorted, no insignificant whitespace, UTF-8, decimals as
strings) and `digest` is the SHA-256 of exactly those bytes, so anyone holding the content can
recompute the digest with `sha256sum`. A frozen snapshot is never edited; only `published_at` is set
once. A correction is a new snapshot that supersedes the old one, with a reason.
"""
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import ResultSnapshot, Round, StageKind, StageStatus
from ..scoring import ScoringError, explain, rank_group
from .audit import audit_record

CONTENT_FORMAT = "paritrana-result/1"


class ResultError(Exception):
    """Something the committee can fix before freezing, publishing or correcting; the message says what."""


def canonical_json(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_digest(content):
    """SHA-256 (hex) of the snapshot content's UTF-8 bytes."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def snapshot_content(*, ranking, frozen_at, frozen_by, supersedes=None, reason=""):
    """The canonical content of a snapshot: the ranking, every row's breakdown, and who froze it when."""
    category, round_ = ranking.category, ranking.round
    explanations = {row.nomination_id: explain(ranking, row.nomination_id).as_data() for row in ranking.rows}
    rows = []
    for row in ranking.rows:
        data = row.as_data()
        data["breakdown"] = explanations[row.nomination_id]["stages"]
        rows.append(data)
    ranking_data = ranking.as_data()
    ranking_data["rows"] = rows
    return canonical_json({
        "format": CONTENT_FORMAT,
        "edition": {"year": category.edition.year, "name": category.edition.name},
        "round": {
            "key": round_.key, "level": round_.level,
            "province": None if round_.province_id is None else {"code": round_.province_id,
                                                                 "name": round_.province.name},
        },
        "category": {
            "code": category.code, "name_id": category.name_id, "name_en": category.name_en,
            "awards_count": category.awards_count, "advance_count": category.advance_count,
        },
        "stage": ranking.stage.kind,
        "frozen_at": frozen_at.isoformat(),
        "frozen_by": frozen_by.get_username(),
        "supersedes": None if supersedes is None else supersedes.digest,
        "reason": reason,
        "ranking": ranking_data,
    })


def _check_stage(round_, stage):
    if stage.round_id != round_.id:
        raise ResultError(_("That stage belongs to another round."))
    if stage.kind == StageKind.SCREENING:
        raise ResultError(_("Freeze the ranking of the assessment or interview stage, not of the screening."))
    if stage.status != StageStatus.CLOSED:
        raise ResultError(_("Close the stage “%(stage)s” before freezing its ranking: while it is open, "
                            "reviewers can still change scores.") % {"stage": stage.get_kind_display()})


def _freeze(*, round_, category, stage, acting_user, supersedes=None, reason=""):
    _check_stage(round_, stage)
    try:
        ranking = rank_group(category, round_, stage)
    except ScoringError as error:
        raise ResultError(str(error)) from error
    if not ranking.rows:
        raise ResultError(_("There is nothing to freeze: no eligible nomination is ranked in this category."))
    frozen_at = timezone.now().replace(microsecond=0)
    content = snapshot_content(ranking=ranking, frozen_at=frozen_at, frozen_by=acting_user,
                               supersedes=supersedes, reason=reason)
    return ResultSnapshot.objects.create(
        round=round_, category=category, stage=stage, content=content, digest=content_digest(content),
        frozen_at=frozen_at, frozen_by=acting_user, supersedes=supersedes, reason=reason,
    )


def _lock_round(round_):
    """Serialise freezes and corrections of one round, so two clicks cannot make two current snapshots."""
    list(Round.objects.select_for_update().filter(pk=round_.pk).order_by().values_list("pk", flat=True))


def result_freeze(*, round_, category, stage, acting_user):
    """Freeze the ranking of a category in a round at a closed stage; refused if a result is already frozen
    (correct it instead)."""
    permissions.require(permissions.can_manage_round(acting_user, round_))
    with transaction.atomic():
        _lock_round(round_)
        if ResultSnapshot.objects.filter(round=round_, category=category, superseded_by__isnull=True).exists():
            raise ResultError(_("This result is already frozen; a change is made as a correction with a reason."))
        snapshot = _freeze(round_=round_, category=category, stage=stage, acting_user=acting_user)
        audit_record(actor=acting_user, action="result_freeze", obj=snapshot,
                     changes={"digest": [None, snapshot.digest]},
                     summary=f"{category.code} · {round_} · {stage.kind}")
    return snapshot


def result_correct(*, snapshot, stage=None, reason, acting_user):
    """A new snapshot of the same group that supersedes `snapshot`, frozen now, with the reason."""
    round_ = snapshot.round
    permissions.require(permissions.can_manage_round(acting_user, round_))
    reason = (reason or "").strip()
    if not reason:
        raise ResultError(_("Give the reason for the correction; it is kept with the new result."))
    with transaction.atomic():
        _lock_round(round_)
        if ResultSnapshot.objects.filter(supersedes=snapshot).exists():
            raise ResultError(_("This result has already been corrected; correct the newest one."))
        new = _freeze(round_=round_, category=snapshot.category, stage=stage or snapshot.stage,
                      acting_user=acting_user, supersedes=snapshot, reason=reason)
        audit_record(actor=acting_user, action="result_correct", obj=new,
                     changes={"digest": [snapshot.digest, new.digest]}, summary=reason)
    return new


def result_publish(*, snapshot, acting_user):
    """Make a frozen result public; only the newest snapshot of its group can be published."""
    permissions.require(permissions.can_manage_round(acting_user, snapshot.round))
    with transaction.atomic():
        locked = ResultSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if locked.published_at is not None:
            raise ResultError(_("This result is already published."))
        if ResultSnapshot.objects.filter(supersedes=locked).exists():
            raise ResultError(_("A correction supersedes this result; publish the correction instead."))
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        audit_record(actor=acting_user, action="result_publish", obj=locked,
                     changes={"published_at": [None, locked.published_at.isoformat()]},
                     summary=f"{locked.category_id} · {locked.digest[:12]}")
    snapshot.published_at = locked.published_at
    return locked


@dataclass
class DigestProblem:
    snapshot_id: int
    message: str


def results_verify(snapshots=None):
    """Recompute every snapshot's digest from its content; the list of mismatches (empty when all agree).

    Also checks that a correction's content names the digest of the snapshot it supersedes.
    """
    if snapshots is None:
        snapshots = ResultSnapshot.objects.select_related("supersedes").order_by("id")
    problems = []
    for snapshot in snapshots.iterator(chunk_size=200) if hasattr(snapshots, "iterator") else snapshots:
        actual = content_digest(snapshot.content)
        if actual != snapshot.digest:
            problems.append(DigestProblem(snapshot.id, _("stored digest %(stored)s, content hashes to %(actual)s")
                                          % {"stored": snapshot.digest, "actual": actual}))
            continue
        try:
            named = json.loads(snapshot.content).get("supersedes")
        except ValueError:
            problems.append(DigestProblem(snapshot.id, _("content is not valid JSON")))
            continue
        expected = snapshot.supersedes.digest if snapshot.supersedes_id else None
        if named != expected:
            problems.append(DigestProblem(snapshot.id, _("content names superseded digest %(named)s, "
                                                         "the superseded snapshot has %(expected)s")
                                          % {"named": named, "expected": expected}))
    return problems
