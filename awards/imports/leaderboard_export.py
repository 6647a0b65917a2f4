"""A leaderboard as a file (CSV streamed by the page, XLSX prepared by a job): the stored standings of one
ranking group with the page's filters, ranks and scores as numbers (the stored 4 decimals)."""
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _

from ..filters import LeaderboardFilter
from ..scoring import ScoringError, default_stage
from ..scoring.ranking import counted_stages
from ..selectors import committee as selectors
from ..selectors.standings import group_standings, standing_group
from ..tables import flag_text
from .tabular import SCORE_FORMAT, WHOLE_FORMAT


def stage_of(stages, stage_id):
    """The scored stage `stage_id` names (?tahap=), or the round's default one (ScoringError if it has none);
    Http404 for an id that is not a scored stage of the round."""
    if stage_id:
        for stage in stages:
            if str(stage.id) == str(stage_id) and stage.kind != "screening":
                return stage
        raise Http404
    return default_stage(stages)


def stage_columns(stages, stage):
    """(kind, label) of the stages whose scores a leaderboard at `stage` shows: the weighted ones up to it."""
    return [(s.kind, s.get_kind_display()) for s in counted_stages(stages, stage)]


def leaderboard_export(*, user, round_id, category_id, query):
    """(file name, header, rows, XLSX number formats) of the leaderboard `user` asked for with `query`."""
    round_ = selectors.access_round(user, round_id)
    category = selectors.round_category(round_, category_id)
    stages = selectors.stages_of_round(round_)
    try:
        stage = stage_of(stages, query.get("tahap"))
    except ScoringError:
        raise Http404 from None
    group = standing_group(round_, category, stage)
    filterset = LeaderboardFilter(query or None, queryset=group_standings(group), round_=round_)
    kinds = stage_columns(stages, stage)
    header = [_("Rank"), _("Code"), _("Nominee"), _("Region"), _("Round score"), *[label for _k, label in kinds],
              _("Flags")]
    rows = ([s.rank, s.nomination.nominee.code, s.nomination.nominee.name,
             s.nomination.nominee.region.name if s.nomination.nominee.region_id else "", s.round_score,
             *[_decimal(s.stage_scores.get(kind)) for kind, _label in kinds], flag_text(s.flags)]
            for s in filterset.qs.iterator(chunk_size=2000))
    number_formats = {0: WHOLE_FORMAT, **{column: SCORE_FORMAT for column in range(4, 5 + len(kinds))}}
    return f"peringkat-{category.code}-{round_.key}-{stage.kind}", header, rows, number_formats


def _decimal(text):
    return None if text is None else Decimal(text)
