"""Pure rules of the annual summary (年汇总): score, ranks, grades under the 优秀 quota. No database.

DOMAIN §5: score = 40% quarterly average + 40% ledger (normalised) + 20% mass evaluation, base 100;
a missing component re-normalises the others. 优秀 at most 20% of a unit's cadres (a per-unit
setting, e.g. 25% for a unit rated excellent). Any 较差 quarter or a sanction that bars it keeps a
cadre from 优秀; mostly 好 quarters with no 一般/较差 give priority. Cadres on probation get a
comment, not a grade. Every number is a parameter.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.values import value_class

ANNUAL_GRADES = ("优秀", "称职", "基本称职", "不称职")  # best first
PROBATION = ""  # no grade: the committee writes a comment instead
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def _round(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def normalise(value, low, high):
    """``value`` on 0–100 between the group's lowest and highest ledger totals.

    When everyone in the group has the same total there is nothing to tell apart: all get 100.
    """
    if value is None:
        return None
    if high == low:
        return HUNDRED
    return (Decimal(value) - low) * HUNDRED / (high - low)


@value_class
class AnnualParts:
    review: Decimal = Decimal("0.4")
    ledger: Decimal = Decimal("0.4")
    mass: Decimal = Decimal("0.2")


def annual_score(quarter_average, ledger_normalised, mass_average, parts: AnnualParts):
    """The weighted score of the components that exist; None when none does."""
    total = weight = ZERO
    for value, part in ((quarter_average, parts.review), (ledger_normalised, parts.ledger), (mass_average, parts.mass)):
        if value is not None and part > 0:
            total += Decimal(value) * part
            weight += part
    if weight == 0:
        return None
    return _round(total / weight)


@dataclass(frozen=True)
class GradeThresholds:
    competent: Decimal = Decimal("70")  # 称职 from this score
    basic: Decimal = Decimal("60")  # 基本称职 from this score; below is 不称职


@value_class
class Candidate:
    """One cadre of a unit, as the grading needs them."""

    cadre_id: int
    score: Decimal | None
    quarter_grades: tuple[str, ...] = ()  # the approved quarters' grades (好/较好/一般/较差)
    mass_average: Decimal | None = None
    staff_no: str = ""
    on_probation: bool = False
    barred_from_excellent: bool = False  # e.g. a 警告 (or heavier) decided this year

    @property
    def has_poor_quarter(self):
        return "较差" in self.quarter_grades

    @property
    def priority(self):
        """Mostly 好 and nothing 一般 or 较差: first in line for 优秀."""
        good = self.quarter_grades.count("好")
        return good * 2 > len(self.quarter_grades) and not ({"一般", "较差"} & set(self.quarter_grades))


@value_class
class GradeDecision:
    cadre_id: int
    grade: str
    rank: int | None  # 1 = best in the unit; None for no score
    reasons: tuple[str, ...] = field(default=())


def excellent_limit(cadres: int, share: Decimal) -> int:
    """How many 优秀 a unit may suggest: the floor of its share of cadres (probationers excluded)."""
    return math.floor(Decimal(cadres) * share) if cadres > 0 else 0


def ranking_key(c: Candidate):
    """The documented tie-breakers: score, then priority, then more 好 quarters, then the mass
    evaluation, then the staff number (so equal cadres always come out in the same order)."""
    score = c.score if c.score is not None else Decimal("-1")
    mass = c.mass_average if c.mass_average is not None else Decimal("-1")
    return (-score, not c.priority, -c.quarter_grades.count("好"), -mass, c.staff_no, c.cadre_id)


def base_grade(score, thresholds: GradeThresholds):
    if score is None:
        return None
    if score >= thresholds.competent:
        return "称职"
    if score >= thresholds.basic:
        return "基本称职"
    return "不称职"


def allocate(candidates, *, excellent_share: Decimal, thresholds: GradeThresholds) -> dict[int, GradeDecision]:
    """Suggested annual grades of one unit.

    Ranked by ``ranking_key``; 优秀 goes down the ranking to eligible 称职-level cadres until the
    quota (the share of graded cadres) is used; the rest keep the grade their score gives.
    """
    graded = [c for c in candidates if not c.on_probation]
    ordered = sorted(graded, key=ranking_key)
    limit = excellent_limit(len(graded), excellent_share)
    decisions = {}
    used = 0
    for position, c in enumerate(ordered, start=1):
        grade = base_grade(c.score, thresholds)
        reasons = []
        if grade == "称职":
            if c.has_poor_quarter:
                reasons.append("poor_quarter_bars_excellent")
            elif c.barred_from_excellent:
                reasons.append("sanction_bars_excellent")
            elif used >= limit:
                reasons.append("excellent_quota_used")
            else:
                grade, used = "优秀", used + 1
        decisions[c.cadre_id] = GradeDecision(
            c.cadre_id, grade or "", position if c.score is not None else None, tuple(reasons)
        )
    for c in candidates:
        if c.on_probation:
            decisions[c.cadre_id] = GradeDecision(c.cadre_id, PROBATION, None, ("on_probation",))
    return decisions


def percentiles(scores: dict[int, Decimal]) -> dict[int, Decimal]:
    """Each cadre's position from the top as a share of the group (0 = best, ties share the best
    position), for rules like "top 10% of the category"."""
    ordered = sorted(scores.values(), reverse=True)
    n = len(ordered)
    first = {}
    for i, s in enumerate(ordered):
        first.setdefault(s, i)
    return {cid: Decimal(first[s]) / n for cid, s in scores.items()}


def competition_ranks(scores: dict[int, Decimal]) -> dict[int, int]:
    """Each cadre's rank in the group: 1 for the best, equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first = {}
    for i, s in enumerate(ordered, start=1):
        first.setdefault(s, i)
    return {cid: first[s] for cid, s in scores.items()}
