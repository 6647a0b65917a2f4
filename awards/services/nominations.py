"""Nominations: add by hand, screen (eligible / not eligible with a reason, one or many), and proposals of
the top K nominees per province by the category's metric criteria."""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    AuditEvent,
    Category,
    Criterion,
    CriterionKind,
    Eligibility,
    Nomination,
    Nominee,
    Region,
    RoundLevel,
    Stage,
    StageKind,
    StageStatus,
)
from ..people import person_name
from ..scoring import ScoringError, rank_group
from .audit import audit_record
from .standings import standings_changed


class NominationError(Exception):
    """A nomination change the award's rules refuse; the message says what to fix."""


def nominee_fits(*, nominee, category, round_):
    """Why `nominee` cannot be nominated in `category` in `round_`, or "" when it can."""
    if nominee.kind != category.nominee_kind:
        return _("%(nominee)s is a %(kind)s; the category takes %(wanted)s.") % {
            "nominee": nominee.name, "kind": nominee.get_kind_display(), "wanted": category.get_nominee_kind_display()}
    if category.size and nominee.size != category.size:
        return _("%(nominee)s is not of the category's business size.") % {"nominee": nominee.name}
    if category.sector and nominee.sector != category.sector:
        return _("%(nominee)s is not in the category's sector.") % {"nominee": nominee.name}
    if round_.level == RoundLevel.PROVINCIAL:
        if category.national_only:
            return _("This category is judged in the national round only.")
        if nominee.province_id != round_.province_id:
            return _("%(nominee)s is not in this round's province.") % {"nominee": nominee.name}
    return ""


def _screening_stage(round_):
    return Stage.objects.filter(round=round_, kind=StageKind.SCREENING).first()


def _require_screening_not_closed(round_):
    screening = _screening_stage(round_)
    if screening is not None and screening.status == StageStatus.CLOSED:
        raise NominationError(_("The screening stage of this round is closed: nominations and screening "
                                "decisions can no longer change."))


def _first_nomination(category, nominee):
    """The nominee's own (not advanced) nomination in the category, or None."""
    return (Nomination.objects.filter(category=category, nominee=nominee, advanced_from__isnull=True)
            .select_related("round__province").first())


def _already_nominated(nominee, nomination):
    return NominationError(_("%(nominee)s is already nominated in this category in this edition (%(round)s).")
                           % {"nominee": nominee.name, "round": nomination.round})


def nomination_add(*, round_, category, nominee, acting_user):
    """Nominate `nominee` in `category` in `round_`, pending screening; once per category and edition.

    The check before the insert gives the usual message; the database's unique constraint decides when two
    committee members nominate at the same instant, and the loser gets the same message."""
    permissions.require(permissions.can_manage_round(acting_user, round_))
    if category.edition_id != round_.edition_id:
        raise NominationError(_("The category belongs to another edition."))
    problem = nominee_fits(nominee=nominee, category=category, round_=round_)
    if problem:
        raise NominationError(problem)
    with transaction.atomic():
        _require_screening_not_closed(round_)
        existing = _first_nomination(category, nominee)
        if existing is not None:
            raise _already_nominated(nominee, existing)
        try:
            # A savepoint, so that a caller importing many rows in one transaction can go on after a refusal.
            with transaction.atomic():
                nomination = Nomination.objects.create(round=round_, category=category, nominee=nominee,
                                                       created_by=acting_user)
        except IntegrityError:
            existing = _first_nomination(category, nominee)
            if existing is None:
                raise
            raise _already_nominated(nominee, existing) from None
        audit_record(actor=acting_user, action="nomination_add", obj=nomination,
                     changes={"eligibility": [None, nomination.eligibility]}, summary=nomination)
        standings_changed(rounds=[round_], categories=[category])
    return nomination


def nominations_add(*, round_, category, nominees, acting_user):
    """Nominate several nominees at once (confirmed proposals): all or nothing."""
    with transaction.atomic():
        return [nomination_add(round_=round_, category=category, nominee=nominee, acting_user=acting_user)
                for nominee in nominees]


def _stale_message(nomination):
    """Who decided what on `nomination` since the page was shown, for the refusal of a stale decision."""
    event = (AuditEvent.objects.filter(action="nomination_screen", object_type=Nomination._meta.label_lower,
                                       object_id=str(nomination.pk)).select_related("actor").first())
    who = person_name(event.actor) if event and event.actor else _("someone")
    decision = nomination.get_eligibility_display()
    if nomination.eligibility_reason:
        decision = f"{decision} ({nomination.eligibility_reason})"
    return _("%(nominee)s was screened by %(who)s while you were deciding: now %(decision)s. Nothing was changed; "
             "look at the list again and decide anew.") % {"nominee": nomination.nominee.name, "who": who,
                                                          "decision": decision}


def nominations_screen(*, nominations, eligibility, reason, acting_user, seen=None):
    """Mark nominations eligible or not eligible (a reason is required for not eligible); one audit row
    each. All or nothing: a nomination outside the user's scope refuses the whole batch.

    `seen` ({nomination id: eligibility}) is what the deciding member's page showed: when another member
    screened one of them in the meantime, the whole decision is refused and says who decided what, so
    that nobody silently overwrites a colleague's decision."""
    reason = (reason or "").strip()
    if eligibility not in (Eligibility.ELIGIBLE, Eligibility.INELIGIBLE, Eligibility.PENDING):
        raise NominationError(_("Choose eligible or not eligible."))
    if eligibility == Eligibility.INELIGIBLE and not reason:
        raise NominationError(_("Give the reason why the nomination is not eligible."))
    seen = seen or {}
    with transaction.atomic():
        locked = list(Nomination.objects.select_for_update(of=("self",)).select_related("round", "nominee", "category")
                      .filter(pk__in=[n.pk for n in nominations]).order_by("pk"))
        if not locked:
            raise NominationError(_("Choose at least one nomination."))
        for round_ in {n.round_id: n.round for n in locked}.values():
            permissions.require(permissions.can_manage_round(acting_user, round_))
            _require_screening_not_closed(round_)
        stale = [n for n in locked if n.pk in seen and seen[n.pk] != n.eligibility]
        if stale:
            raise NominationError(" ".join(_stale_message(n) for n in stale[:3]))
        changed = []
        for nomination in locked:
            old = (nomination.eligibility, nomination.eligibility_reason)
            if old == (eligibility, reason):
                continue
            nomination.eligibility, nomination.eligibility_reason = eligibility, reason
            changed.append(nomination)
            audit_record(actor=acting_user, action="nomination_screen", obj=nomination, summary=nomination,
                         changes={name: [before, after] for name, before, after in (
                             ("eligibility", old[0], eligibility), ("eligibility_reason", old[1], reason))
                             if before != after})
        Nomination.objects.bulk_update(changed, ["eligibility", "eligibility_reason"])
        if changed:
            standings_changed(rounds={n.round_id for n in changed}, categories={n.category_id for n in changed})
    return changed


@dataclass
class Proposal:
    province_id: str
    nominee: Nominee
    rank: int
    score: object  # the metric part of the assessment score (Decimal)
    nominated: bool  # already nominated in this category in the edition
    province_name: str = ""


def nomination_proposals(*, round_, category, top=1, acting_user):
    """For each province of the round, the top `top` nominees of the category's kind by the category's
    metric assessment criteria, from the edition year's data.

    The scoring engine ranks nominations, not nominees: this ranks every candidate as a temporary,
    eligible nomination of a temporary copy of the category holding only its metric criteria, inside a
    savepoint that is always rolled back. Nothing is written.
    """
    permissions.require(permissions.can_manage_round(acting_user, round_))
    stage = Stage.objects.filter(round=round_, kind=StageKind.ASSESSMENT).first()
    metric_criteria = list(Criterion.objects.filter(category=category, kind=CriterionKind.METRIC,
                                                    stage_kind=StageKind.ASSESSMENT))
    if stage is None or not metric_criteria:
        raise NominationError(_("The category has no metric assessment criteria to propose nominees from."))
    candidates = Nominee.objects.filter(kind=category.nominee_kind)
    if category.size:
        candidates = candidates.filter(size=category.size)
    if category.sector:
        candidates = candidates.filter(sector=category.sector)
    if round_.level == RoundLevel.PROVINCIAL:
        candidates = candidates.filter(province_id=round_.province_id)
    nominated = set(Nomination.objects.filter(category=category).values_list("nominee_id", flat=True))
    provinces = sorted(set(candidates.values_list("province_id", flat=True)))
    province_names = dict(Region.objects.filter(pk__in=provinces).values_list("code", "name"))
    proposals = []
    with transaction.atomic():
        savepoint = transaction.savepoint()
        try:
            probe = Category.objects.create(
                edition_id=category.edition_id, code=f"proposal-{category.code}"[:64], name_id=category.name_id,
                name_en=category.name_en, nominee_kind=category.nominee_kind, awards_count=category.awards_count,
                advance_count=top,
            )
            probe.edition = category.edition
            for criterion in metric_criteria:
                criterion.pk, criterion.id, criterion.category = None, None, probe
                criterion._state.adding = True
            Criterion.objects.bulk_create(metric_criteria)
            for province_id in provinces:
                Nomination.objects.filter(category=probe).delete()
                Nomination.objects.bulk_create([
                    Nomination(round=round_, category=probe, nominee_id=nominee_id, eligibility=Eligibility.ELIGIBLE)
                    for nominee_id in candidates.filter(province_id=province_id).values_list("id", flat=True)
                ])
                try:
                    ranking = rank_group(probe, round_, stage)
                except ScoringError as error:
                    raise NominationError(str(error)) from error
                rows = [row for row in ranking.rows if row.rank <= top]
                by_code = Nominee.objects.in_bulk([row.nominee_code for row in rows], field_name="code")
                for row in rows:
                    nominee = by_code[row.nominee_code]
                    proposals.append(Proposal(province_id=province_id, nominee=nominee, rank=row.rank,
                                              score=row.round_score, nominated=nominee.id in nominated,
                                              province_name=province_names.get(province_id, province_id)))
        finally:
            transaction.savepoint_rollback(savepoint)
    return proposals
