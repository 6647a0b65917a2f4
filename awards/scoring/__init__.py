"""The scoring engine: the ten rules of DOMAIN.md, in one place. The API is documented in docs/scoring.md."""
from .explain import Explanation, explain, explain_all, nomination_metric_scores
from .metric_sql import MetricDetail, ScoringError
from .ranking import Ranking, RankingRow, default_stage, rank_edition, rank_group
from .rules import display_score, round_score

__all__ = [
    "Explanation", "MetricDetail", "Ranking", "RankingRow", "ScoringError", "default_stage", "display_score",
    "explain", "explain_all", "nomination_metric_scores", "rank_edition", "rank_group", "round_score",
]
