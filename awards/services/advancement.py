"""Advancement: the top K of a category in a provincial round become nominations of the national round,
linked to the provincial ones; a tie at the boundary needs a recorded committee decision."""
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Nomination, Round, RoundLevel, Stage, StageKind, StageStatus
from ..scoring import ScoringError, default_stage, rank_group
from .audit import audit_record
from .standings import standings_changed


class AdvancementError(Exception):
    """An advancement the award's rules refuse; the message says what to fix."""


def advancement_ranking(*, round_, category, lock=False):
    """The final ranking of the group: at its last weighted stage, once every weighted stage (weight > 0)
    of the round is closed, as for a result that names winners. With `lock`, the round's stages stay as
    they are until the transaction ends."""
    if round_.level != RoundLevel.PROVINCIAL:
        raise AdvancementError(_("Only a provincial round's nominations advance to the national round."))
    if category.national_only:
        raise AdvancementError(_("This category is judged in the national round only."))
    queryset = Stage.objects.filter(round=round_).order_by("position")
    stages = list(queryset.select_for_update() if lock else queryset)
    for stage in stages:
        if stage.weight > 0 and stage.status != StageStatus.CLOSED:
            raise AdvancementError(
                _("Close the stage “%(stage)s” (weight %(weight)s, now %(status)s) first: advancement uses the "
                  "final ranking, once every weighted stage of the round is closed.")
                % {"stage": stage.get_kind_display(), "weight": f"{stage.weight.normalize():f}",
                   "status": stage.get_status_display().lower()})
    weighted = [s for s in stages if s.weight > 0 and s.kind != StageKind.SCREENING]
    try:
        stage = weighted[-1] if weighted else default_stage(stages)
    except ScoringError as error:
        raise AdvancementError(str(error)) from error
    if stage.status != StageStatus.CLOSED:
        raise AdvancementError(_("Close the stage “%(stage)s” first: advancement uses the final ranking.")
                               % {"stage": stage.get_kind_display()})
    return rank_group(category, round_, stage, stages=stages)


def advancement_plan(ranking):
    """(sure, tied, places): the rows that advance outright, the rows tied across the boundary, and how many
    of the tied rows may advance."""
    k = ranking.category.advance_count
    tied = [row for row in ranking.rows if row.advancement_tie]
    sure = [row for row in ranking.rows if row.rank <= k and not row.advancement_tie]
    return sure, tied, max(0, k - len(sure)) if tied else 0


def round_advance(*, round_, category, acting_user, chosen=(), reason=""):
    """Advance the top K (category.advance_count) of `category` in the provincial `round_`.

    When rows tie across the boundary, `chosen` (nomination ids among the tied rows, exactly as many as
    places remain) and `reason` record the committee's decision in the audit trail."""
    permissions.require(permissions.can_manage_round(acting_user, round_))
    national = Round.objects.filter(edition_id=round_.edition_id, level=RoundLevel.NATIONAL).first()
    if national is None:
        raise AdvancementError(_("The edition has no national round yet."))
    with transaction.atomic():
        ranking = advancement_ranking(round_=round_, category=category, lock=True)
        sure, tied, places = advancement_plan(ranking)
        advancing = [row.nomination_id for row in sure]
        if tied:
            chosen = {int(value) for value in chosen}
            tied_ids = {row.nomination_id for row in tied}
            reason = (reason or "").strip()
            if len(chosen) != places or not chosen <= tied_ids:
                raise AdvancementError(_("%(count)s nominations are tied at the advancement boundary: choose "
                                         "exactly %(places)s of them.") % {"count": len(tied), "places": places})
            if not reason:
                raise AdvancementError(_("Give the reason for the committee's decision on the tie."))
            audit_record(actor=acting_user, action="advancement_tie_decision", obj=round_, summary=reason,
                         changes={"category": [None, category.code],
                                  "tied": [None, ",".join(str(i) for i in sorted(tied_ids))],
                                  "chosen": [None, ",".join(str(i) for i in sorted(chosen))]})
            advancing += sorted(chosen)
        sources = list(Nomination.objects.select_for_update().filter(pk__in=advancing).order_by("pk"))
        if Nomination.objects.filter(advanced_from__in=sources).exists():
            raise AdvancementError(_("This category has already advanced from this round."))
        created = []
        for source in sources:
            nomination = Nomination.objects.create(round=national, category=category, nominee_id=source.nominee_id,
                                                   advanced_from=source, created_by=acting_user)
            audit_record(actor=acting_user, action="nomination_advance", obj=nomination,
                         changes={"advanced_from": [None, str(source.pk)]}, summary=round_)
            created.append(nomination)
        standings_changed(rounds=[national], categories=[category])
    return created
