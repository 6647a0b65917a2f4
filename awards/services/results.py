"""Frozen results: freeze a ranking into an immutable snapshot, publish it, correct it (checking them:
result_checks.py).

The snapshot's `content` is canonical JSON (keys sorted, no insignificant whitespace, UTF-8, decimals as
strings) and `digest` is the SHA-256 of exactly those bytes, so anyone holding the content can
recompute the digest with `sha256sum`. A frozen snapshot is never edited (the database refuses it);
only `published_at` is set once. A correction is a new snapshot that supersedes the old one, with a
reason.

An edition's results form a chain: each one's content names the digest of the edition's result frozen
just before it (`previous`), so changing, removing or inserting a result afterwards breaks a link that
anyone holding a later digest can check. Freezes of one edition are serialised on the edition's row.
A result frozen before every weighted stage of its round is closed is an interim record: it names no
winners and is never published.
"""
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import permissions
from ..models import Edition, ResultSnapshot, Stage, StageKind, StageStatus
from ..scoring import ScoringError, explain_all, rank_group
from .audit import audit_record

CONTENT_FORMAT = "paritrana-result/2"
FREEZING_ACTIONS = ("result_freeze", "result_correct")


class ResultError(Exception):
    """Something the committee can fix before freezing, publishing or correcting; the message says what."""


def canonical_json(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_digest(content):
    """SHA-256 (hex) of the snapshot content's UTF-8 bytes."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def stage_facts(stages):
    """The round's stages as the content records them: why a result is interim can be read from it."""
    return [{"kind": s.kind, "weight": str(s.weight), "status": s.status}
            for s in sorted(stages, key=lambda s: s.position)]


def snapshot_content(*, ranking, frozen_at, frozen_by, supersedes=None, reason="", previous=None, interim=False,
                     stages=()):
    """The canonical content of a snapshot: the ranking, every row's breakdown, who froze it when, whether
    it is interim (with the round's stages as they were), and the digest of the edition's previous result."""
    category, round_ = ranking.category, ranking.round
    explanations = {nomination_id: explanation.as_data() for nomination_id, explanation in explain_all(ranking).items()}
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
        "round_stages": stage_facts(stages),
        "interim": interim,
        "frozen_at": frozen_at.isoformat(),
        "frozen_by": frozen_by.get_username(),
        "previous": None if previous is None else previous.digest,
        "supersedes": None if supersedes is None else supersedes.digest,
        "reason": reason,
        "ranking": ranking_data,
    })


def _weight(stage):
    return f"{stage.weight.normalize():f}"


def interim_reason(stages, stage):
    """Why a result of `stage` frozen with the round's `stages` as they are would be interim; "" when it
    names winners (every weighted stage of the round closed, and the ranking counts all of them)."""
    weighted = [s for s in sorted(stages, key=lambda s: s.position) if s.weight > 0]
    for s in weighted:
        if s.status != StageStatus.CLOSED:
            return _("the stage “%(stage)s” (weight %(weight)s) is not closed: it is %(status)s") % {
                "stage": s.get_kind_display(), "weight": _weight(s), "status": s.get_status_display().lower()}
    later = [s for s in weighted if s.position > stage.position]
    if later:
        return _("the ranking is at the stage “%(stage)s”, before the weighted stage “%(later)s”") % {
            "stage": stage.get_kind_display(), "later": later[-1].get_kind_display()}
    return ""


def content_interim_reason(content):
    """interim_reason() for a frozen result, from the stages its content recorded."""
    if not content.get("interim"):
        return ""
    stages = [Stage(kind=s["kind"], weight=Decimal(s["weight"]), status=s["status"], position=i)
              for i, s in enumerate(content.get("round_stages", []))]
    current = next((s for s in stages if s.kind == content["stage"]), None)
    return (interim_reason(stages, current) if current is not None else "") or _("frozen before the round ended")


def _check_stage(round_, stage):
    if stage is None or stage.round_id != round_.id:
        raise ResultError(_("That stage belongs to another round."))
    if stage.kind == StageKind.SCREENING:
        raise ResultError(_("Freeze the ranking of the assessment or interview stage, not of the screening."))
    if stage.status != StageStatus.CLOSED:
        raise ResultError(_("Close the stage “%(stage)s” before freezing its ranking: while it is open, "
                            "reviewers can still change scores.") % {"stage": stage.get_kind_display()})


def _lock_edition(edition_id):
    """Serialise freezes and corrections of one edition: each result links to the one frozen before it."""
    list(Edition.objects.select_for_update().filter(pk=edition_id).order_by().values_list("pk", flat=True))


def _round_stages(round_, *, lock=None):
    """The round's stages as committed now. The stage `lock` (the one frozen, closed) is locked so that it
    cannot reopen while its ranking is read; the others are not, so reviewers saving in an open stage
    never wait for a freeze (a stage closing meanwhile only leaves the result interim)."""
    if lock is not None:
        list(Stage.objects.select_for_update().filter(pk=lock.pk, round=round_).order_by().values_list("pk", flat=True))
    return list(Stage.objects.filter(round=round_).order_by("position"))


def chain_head(edition_id):
    """The edition's newest frozen result (the chain's head), or None."""
    return ResultSnapshot.objects.filter(round__edition_id=edition_id).only("id", "digest").order_by("-id").first()


@dataclass
class FreezePlan:
    """What freezing a group now would store: its stage, ranking, whether it is interim and why, winners."""
    stage: Stage
    ranking: object
    interim_reason: str
    stages: list

    @property
    def interim(self):
        return bool(self.interim_reason)

    @property
    def winners(self):
        if self.interim:
            return []
        return [row for row in self.ranking.rows if row.rank <= self.ranking.category.awards_count]


def _plan(*, round_, category, stage, stages):
    stage = next((s for s in stages if stage is not None and s.id == stage.id), None)
    _check_stage(round_, stage)
    try:
        ranking = rank_group(category, round_, stage, stages=stages)
    except ScoringError as error:
        raise ResultError(str(error)) from error
    if not ranking.rows:
        raise ResultError(_("There is nothing to freeze: no eligible nomination is ranked in this category."))
    return FreezePlan(stage=stage, ranking=ranking, interim_reason=interim_reason(stages, stage), stages=stages)


def _check_not_frozen(*, round_, category, plan):
    current = ResultSnapshot.objects.filter(round=round_, category=category, superseded_by__isnull=True)
    if current.filter(interim=False).exists():
        raise ResultError(_("This result is already frozen; a change is made as a correction with a reason."))
    if plan.interim and current.filter(interim=True, stage=plan.stage).exists():
        raise ResultError(_("An interim result of this stage is already frozen; freeze the final result once every "
                            "weighted stage of the round is closed."))


def result_freeze_plan(*, round_, category, stage):
    """What result_freeze would store now, for the confirmation page; ResultError if it would be refused."""
    plan = _plan(round_=round_, category=category, stage=stage, stages=_round_stages(round_))
    _check_not_frozen(round_=round_, category=category, plan=plan)
    return plan


def _freeze(*, round_, category, plan, acting_user, supersedes=None, reason=""):
    frozen_at = timezone.now().replace(microsecond=0)
    previous = chain_head(round_.edition_id)
    content = snapshot_content(ranking=plan.ranking, frozen_at=frozen_at, frozen_by=acting_user,
                               supersedes=supersedes, reason=reason, previous=previous, interim=plan.interim,
                               stages=plan.stages)
    return ResultSnapshot.objects.create(
        round=round_, category=category, stage=plan.stage, content=content, digest=content_digest(content),
        frozen_at=frozen_at, frozen_by=acting_user, supersedes=supersedes, reason=reason, previous=previous,
        interim=plan.interim,
    )


def _freeze_changes(snapshot, old_digest=None):
    """The audit row of a freeze records enough to name the result should it ever go missing."""
    round_ = snapshot.round
    return {"digest": [old_digest, snapshot.digest],
            "previous": [None, snapshot.previous.digest if snapshot.previous_id else None],
            "interim": [None, snapshot.interim],
            "edition": [None, round_.edition.year], "round": [None, round_.key],
            "category": [None, snapshot.category.code]}


def result_freeze(*, round_, category, stage, acting_user):
    """Freeze the ranking of a category in a round at a closed stage; refused if a final result is already
    frozen (correct it instead). Frozen while a weighted stage of the round is not closed, the result is
    interim: a record that names no winners."""
    permissions.require(permissions.can_manage_round(acting_user, round_))
    with transaction.atomic():
        _lock_edition(round_.edition_id)
        plan = _plan(round_=round_, category=category, stage=stage, stages=_round_stages(round_, lock=stage))
        _check_not_frozen(round_=round_, category=category, plan=plan)
        snapshot = _freeze(round_=round_, category=category, plan=plan, acting_user=acting_user)
        audit_record(actor=acting_user, action="result_freeze", obj=snapshot, changes=_freeze_changes(snapshot),
                     summary=gettext_lazy("%(category)s · %(round)s · %(stage)s · interim result") if snapshot.interim
                     else gettext_lazy("%(category)s · %(round)s · %(stage)s"),
                     summary_params={"category": category, "round": round_,
                                     "stage": StageKind(plan.stage.kind).label})
    return snapshot


def _check_correction(snapshot, plan):
    # A final result names winners (perhaps already public); its correction must name them too, or the
    # published winners would stand uncorrected while the chain's newest result names none.
    if not snapshot.interim and plan.interim:
        raise ResultError(_("A correction of a final result is final too: it is frozen at the round's last "
                            "weighted stage with every weighted stage closed, not as an interim record (%(reason)s).")
                          % {"reason": plan.interim_reason})


def result_correct_plan(*, snapshot, stage=None):
    """What result_correct would store now, for the confirmation page; ResultError if it would be refused."""
    round_ = snapshot.round
    if ResultSnapshot.objects.filter(supersedes=snapshot).exists():
        raise ResultError(_("This result has already been corrected; correct the newest one."))
    plan = _plan(round_=round_, category=snapshot.category, stage=stage or snapshot.stage,
                 stages=_round_stages(round_))
    _check_correction(snapshot, plan)
    return plan


def result_correct(*, snapshot, stage=None, reason, acting_user):
    """A new snapshot of the same group that supersedes `snapshot`, frozen now, with the reason."""
    round_ = snapshot.round
    permissions.require(permissions.can_manage_round(acting_user, round_))
    reason = (reason or "").strip()
    if not reason:
        raise ResultError(_("Give the reason for the correction; it is kept with the new result."))
    with transaction.atomic():
        _lock_edition(round_.edition_id)
        if ResultSnapshot.objects.filter(supersedes=snapshot).exists():
            raise ResultError(_("This result has already been corrected; correct the newest one."))
        plan = _plan(round_=round_, category=snapshot.category, stage=stage or snapshot.stage,
                     stages=_round_stages(round_, lock=stage or snapshot.stage))
        _check_correction(snapshot, plan)
        new = _freeze(round_=round_, category=snapshot.category, plan=plan, acting_user=acting_user,
                      supersedes=snapshot, reason=reason)
        audit_record(actor=acting_user, action="result_correct", obj=new,
                     changes=_freeze_changes(new, snapshot.digest), summary=reason)
    return new


def result_publish_check(*, snapshot):
    """ResultError if result_publish would refuse `snapshot` now (for the confirmation page)."""
    if snapshot.interim:
        raise ResultError(_("This is an interim result: it was frozen before every weighted stage of its round "
                            "was closed, so it names no winners and is never published. Close the round's "
                            "remaining stages and freeze the final result."))
    if snapshot.published_at is not None:
        raise ResultError(_("This result is already published."))
    if ResultSnapshot.objects.filter(supersedes=snapshot).exists():
        raise ResultError(_("A correction supersedes this result; publish the correction instead."))


def result_publish(*, snapshot, acting_user):
    """Make a final frozen result public; only the newest snapshot of its group, never an interim one."""
    permissions.require(permissions.can_manage_round(acting_user, snapshot.round))
    with transaction.atomic():
        locked = ResultSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        result_publish_check(snapshot=locked)
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        audit_record(actor=acting_user, action="result_publish", obj=locked,
                     changes={"published_at": [None, locked.published_at.isoformat()]}, summary=snapshot)
    snapshot.published_at = locked.published_at
    return locked
