"""The scoring rules of DOMAIN.md that run in Python, with exact Decimal arithmetic (rules 2-8).

Rule 1 (metric criteria) runs in the database and lives in `metric_sql.py`; everything else that
turns numbers into scores and ranks is here, once, as pure functions without database access.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from ..models import Aggregation

HUNDRED = Decimal(100)
ZERO = Decimal(0)
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
# Enough digits that no intermediate result of a score (0-100) is ever rounded in practice.
PRECISION = 50


def exact():
    """The Decimal context every score computation runs in."""
    return localcontext(prec=PRECISION)


def round_score(value):
    """Rule 7: a score as stored, shown and compared: rounded half-up to 4 decimals."""
    return Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def display_score(value):
    """Rule 7: a score as shown to people: 2 decimals (after the 4-decimal rounding)."""
    return round_score(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def coverage_percent(part, total):
    """A coverage ratio in percent, 100 · part ÷ total (rule 1's `ratio` as shown beside the scores, e.g.
    workers protected of workers in total); None when either is unknown or the total is zero."""
    if part is None or total is None or total == 0:
        return None
    with exact():
        return HUNDRED * Decimal(part) / Decimal(total)


def map_judged(value, scale_min, scale_max):
    """Rule 2: a reviewer's value on [min, max] mapped onto 0-100."""
    with exact():
        return HUNDRED * (Decimal(value) - scale_min) / (scale_max - scale_min)


def mean(values):
    with exact():
        return sum(values, ZERO) / len(values)


def sample_sd(values):
    """Sample standard deviation (n − 1 in the denominator); needs at least 2 values."""
    with exact():
        mu = mean(values)
        return (sum([(v - mu) * (v - mu) for v in values], ZERO) / (len(values) - 1)).sqrt()


MIN_CALIBRATION_SCORES = 3


@dataclass(frozen=True)
class Calibration:
    """Rule 3 for one stage of one ranking group: who is rescaled and how."""

    mu: Decimal | None
    sigma: Decimal | None
    # reviewer id -> (mean, sample sd) for the reviewers that are rescaled
    reviewers: dict

    def apply(self, reviewer_id, mapped):
        params = self.reviewers.get(reviewer_id)
        if params is None:
            return mapped
        mu_r, sigma_r = params
        with exact():
            y = self.mu + self.sigma * (mapped - mu_r) / sigma_r
        return min(max(y, ZERO), HUNDRED)


def calibration(scores_by_reviewer):
    """Rule 3: fit the calibration from {reviewer id: [mapped score, ...]} of one group's stage.

    A reviewer with fewer than 3 scores or σᵣ = 0 keeps their scores (y = x).
    """
    everything = [v for values in scores_by_reviewer.values() for v in values]
    rescaled = {}
    mu = sigma = None
    if len(everything) >= 2:
        mu, sigma = mean(everything), sample_sd(everything)
        for reviewer_id, values in scores_by_reviewer.items():
            if len(values) < MIN_CALIBRATION_SCORES:
                continue
            sigma_r = sample_sd(values)
            if sigma_r == 0:
                continue
            rescaled[reviewer_id] = (mean(values), sigma_r)
    return Calibration(mu=mu, sigma=sigma, reviewers=rescaled)


def aggregate(values, method):
    """Rule 4: one criterion's reviewers' scores into one score (mean, median or trimmed mean)."""
    if not values:
        return None
    with exact():
        if method == Aggregation.MEDIAN:
            ordered = sorted(values)
            middle = len(ordered) // 2
            if len(ordered) % 2:
                return ordered[middle]
            return (ordered[middle - 1] + ordered[middle]) / 2
        if method == Aggregation.TRIMMED_MEAN and len(values) >= 4:
            ordered = sorted(values)
            return mean(ordered[1:-1])
        return mean(values)


def spread(values):
    """Rule 9: max − min of the reviewers' mapped scores (0 for fewer than two)."""
    return max(values) - min(values) if len(values) >= 2 else ZERO


def disagrees(values, threshold):
    """Rule 9: the spread, compared after the 4-decimal rounding, is above the stage's threshold."""
    return round_score(spread(values)) > threshold


def weighted_mean(pairs):
    """Rules 5 and 6: Σ w·s ÷ Σ w over (weight, score) pairs; 0 when there is nothing to weigh."""
    with exact():
        total_weight = sum((w for w, _s in pairs), ZERO)
        if total_weight == 0:
            return ZERO
        return sum((w * s for w, s in pairs), ZERO) / total_weight


def competition_ranks(keys):
    """Rule 8: standard competition ranks (1, 2, 2, 4) for keys already sorted best first.

    Equal keys share a rank; the next different key gets 1 + the number of keys before it.
    """
    ranks = []
    previous = object()
    for position, key in enumerate(keys, start=1):
        if key != previous:
            current = position
            previous = key
        ranks.append(current)
    return ranks


def boundary_ties(ranks, boundary):
    """Rule 9: positions (0-based) of the rows whose tie straddles position `boundary`.

    With ranks sorted ascending, a tie straddles the boundary K when rows at positions K and K+1
    (1-based) share a rank: then the award/advancement cannot be decided by the score alone.
    """
    if boundary < 1 or boundary >= len(ranks) or ranks[boundary - 1] != ranks[boundary]:
        return set()
    tied_rank = ranks[boundary]
    return {i for i, rank in enumerate(ranks) if rank == tied_rank}
