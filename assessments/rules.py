"""Pure rules of the quarterly review: score, suggested grade, the 好 quota. No database."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DIMENSIONS = ("political", "responsibility", "problem_solving", "bottom_line", "results")
GRADES = ("好", "较好", "一般", "较差")  # best first
ZERO = Decimal("0")


@dataclass(frozen=True)
class QuarterWeights:
    dimensions: tuple[Decimal, ...]  # one per DIMENSIONS entry
    dimension_part: Decimal  # share of the weighted dimensions in the quarter score
    mass_part: Decimal  # share of the mass evaluation
    ledger_factor: Decimal  # each confirmed ledger point adds this much


@dataclass(frozen=True)
class Thresholds:
    good: Decimal
    fairly_good: Decimal
    average: Decimal


def _round(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dimension_average(scores, weights):
    """Weighted average of the five dimension scores (0–100); None while any is missing."""
    if any(s is None for s in scores):
        return None
    total = sum(weights, ZERO)
    return sum((s * w for s, w in zip(scores, weights, strict=True)), ZERO) / total


def quarter_score(scores, mass, ledger_points, weights: QuarterWeights):
    """Dimensions and mass evaluation share 100 by their parts; ledger points add on top.

    Without a mass evaluation the dimensions carry the whole 100 (re-normalised), so a missing
    evaluation neither helps nor hurts.
    """
    dims = dimension_average(scores, weights.dimensions)
    if dims is None:
        return None
    if mass is None:
        base = dims
    else:
        parts = weights.dimension_part + weights.mass_part
        base = (dims * weights.dimension_part + mass * weights.mass_part) / parts
    return _round(base + (ledger_points or ZERO) * weights.ledger_factor)


def suggest_grade(score, thresholds: Thresholds):
    if score is None:
        return ""
    if score >= thresholds.good:
        return "好"
    if score >= thresholds.fairly_good:
        return "较好"
    if score >= thresholds.average:
        return "一般"
    return "较差"


def grade_rank(grade):
    """0 for 好; larger is worse."""
    return GRADES.index(grade)


def allowed_grades(suggested):
    """An assessor may keep the suggestion or lower it (e.g. when the 好 quota is used), never raise it."""
    if not suggested:
        return ()
    return GRADES[grade_rank(suggested) :]


def quota_limit(cadres: int, ratio: Decimal) -> int:
    """How many 好 a unit of ``cadres`` may approve: the floor of the ratio, at least one if any cadre."""
    if cadres <= 0:
        return 0
    return max(1, math.floor(Decimal(cadres) * ratio))
