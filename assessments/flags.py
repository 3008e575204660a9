"""Flag conditions (人选提示) of DOMAIN §6 and §7 as pure functions over plain data. No database.

A flag is reference for the committee, never a decision. Each rule looks at one cadre's year
(``CadreYear``, assembled by the caller from effective ledger totals, approved reviews and
sanctions) and returns a ``Flag`` carrying the reasons that met it, or None when its conditions do
not hold. When the conditions hold but something bars the flag (an impact period, probation, …)
the flag comes back with blockers, so the page can say why it was not raised
("未提示优先提拔：政务处分记过影响期至 2027-03-31").

Points are effective points: the caller counts a waived deduction (容错 免责) as 0 and a reduced one
at its reduced value, and lists only the entries that count. Every number is a setting: a scheme's
``flag_thresholds`` merged over ``DEFAULTS`` (``Thresholds.from_settings``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from core.values import value_class

from .rules import GRADES

ANNUAL_GRADES = ("优秀", "称职", "基本称职", "不称职")  # best first
# DOMAIN §9, 综合管理类, highest first.
RANKS = (
    "一级巡视员",
    "二级巡视员",
    "一级调研员",
    "二级调研员",
    "三级调研员",
    "四级调研员",
    "一级主任科员",
    "二级主任科员",
    "三级主任科员",
    "四级主任科员",
    "一级科员",
    "二级科员",
)
KINDS = (
    "promotion",
    "rank_promotion",
    "commendation",
    "talk_reminder",
    "yellow_card",
    "red_card",
    "adjustment",
    "rotation_due",
)
ZERO = Decimal("0")
# Each grade's place on its scale (0 = best): the rules compare grades for every cadre of a county.
_PLACE = {scale: {grade: i for i, grade in enumerate(scale)} for scale in (GRADES, ANNUAL_GRADES)}
_QUARTER_GRADES = frozenset(("", *GRADES))
_ANNUAL_GRADES = frozenset(("", *ANNUAL_GRADES))
_RANK_PLACE = {rank: i for i, rank in enumerate(RANKS)}
LIST_SEPARATOR = "、"  # joins dates or categories in a reason's detail

# Every threshold of the flags, as a scheme stores it (JSON). The first eight keys are the ones in
# assessments.models.DEFAULT_FLAG_THRESHOLDS (the scheme form edits those); the rest default here.
DEFAULTS = {
    # 优先提拔: fewer than this share of the category ranks above the cadre …
    "promotion_top_share": "0.10",
    # … at least this many quarters graded 好 and at most this many 较差 …
    "promotion_min_good_quarters": 3,
    "promotion_max_poor_quarters": 0,
    # … and the last annual grade at least this (blocker otherwise).
    "promotion_min_annual_grade": "称职",
    # 职级晋升: top share of the category.
    "rank_promotion_top_share": "0.20",
    # Years in the current rank before the next step: up to 四级调研员 (junior), to 三级/二级/一级调研员
    # (middle), to 二级/一级巡视员 (senior).
    "rank_min_years_junior": 2,
    "rank_min_years_middle": 3,
    "rank_min_years_senior": 4,
    # Each year graded 优秀 in the rank shortens the wait by this many months.
    "rank_excellent_credit_months": 6,
    # Years in the rank graded below this do not count toward it.
    "rank_min_year_grade": "称职",
    # A calendar year belongs to the rank (its grade counts) when the cadre held the rank this many
    # months of it.
    "rank_year_min_months": 6,
    # 约谈提醒: a month's net deductions at or below this, a quarter graded this or worse, or this many
    # consecutive falls of the quarter score.
    "talk_month_net_deduction": "-5",
    "talk_quarter_grade": "一般",
    "talk_falling_quarters": 2,
    # 黄牌: a quarter graded this or worse, or a quarter's net deductions at or below this.
    "yellow_quarter_grade": "较差",
    "yellow_quarter_deduction": "-10",
    # 红牌: this many yellow cards within this many months, an annual grade this or worse, or the
    # deductions of these categories in the year at or below this.
    "red_yellow_cards": 2,
    "red_yellow_window_months": 12,
    "red_annual_grade": "不称职",
    "red_sanction_deduction": "-15",
    "red_sanction_categories": ["问责", "纪律处分"],
    # 调整: a red card, an annual grade this or worse, or this many quarters graded 较差.
    "adjustment_annual_grade": "基本称职",
    "adjustment_poor_quarters": 2,
    # 交流轮岗: years in the same post for the head or deputy of a unit / of an internal office, and the
    # leadership levels that count as such (a 股级 post heads an internal office).
    "rotation_unit_years": 10,
    "rotation_office_years": 5,
    "rotation_unit_levels": ["正处", "副处", "正科", "副科"],
    "rotation_office_levels": ["股级"],
}

_ANNUAL_GRADE_SETTINGS = (
    "promotion_min_annual_grade",
    "rank_min_year_grade",
    "red_annual_grade",
    "adjustment_annual_grade",
)
_QUARTER_GRADE_SETTINGS = ("talk_quarter_grade", "yellow_quarter_grade")


@dataclass(frozen=True)
class Thresholds:
    promotion_top_share: Decimal
    promotion_min_good_quarters: int
    promotion_max_poor_quarters: int
    promotion_min_annual_grade: str
    rank_promotion_top_share: Decimal
    rank_min_years_junior: int
    rank_min_years_middle: int
    rank_min_years_senior: int
    rank_excellent_credit_months: int
    rank_min_year_grade: str
    rank_year_min_months: int
    talk_month_net_deduction: Decimal
    talk_quarter_grade: str
    talk_falling_quarters: int
    yellow_quarter_grade: str
    yellow_quarter_deduction: Decimal
    red_yellow_cards: int
    red_yellow_window_months: int
    red_annual_grade: str
    red_sanction_deduction: Decimal
    red_sanction_categories: tuple[str, ...]
    adjustment_annual_grade: str
    adjustment_poor_quarters: int
    rotation_unit_years: int
    rotation_office_years: int
    rotation_unit_levels: tuple[str, ...]
    rotation_office_levels: tuple[str, ...]

    def __post_init__(self):
        for name in _ANNUAL_GRADE_SETTINGS:
            if getattr(self, name) not in ANNUAL_GRADES:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not an annual grade")
        for name in _QUARTER_GRADE_SETTINGS:
            if getattr(self, name) not in GRADES:
                raise ValueError(f"{name}: {getattr(self, name)!r} is not a quarter grade")

    @classmethod
    def from_settings(cls, settings: Mapping | None = None):
        """The scheme's ``flag_thresholds`` over ``DEFAULTS``; keys this module does not know are ignored."""
        merged = {**DEFAULTS, **{k: v for k, v in (settings or {}).items() if k in DEFAULTS}}
        values = {}
        for f in fields(cls):
            raw = merged[f.name]
            if f.type is Decimal:
                values[f.name] = Decimal(str(raw))
            elif f.type is int:
                values[f.name] = int(raw)
            elif f.type is str:
                values[f.name] = str(raw)
            else:
                values[f.name] = tuple(raw)
        return cls(**values)


DEFAULT_THRESHOLDS = Thresholds.from_settings()

Ref = tuple[str, int]  # ("review", 12), ("entry", 345), ("sanction", 7), ("annual", 2024): id is the year


@value_class
class QuarterFact:
    quarter: int  # 1–4
    grade: str = ""  # approved grade, "" while none
    score: Decimal | None = None
    deductions: Decimal = ZERO  # net effective deduction points of the quarter, ≤ 0
    review_id: int | None = None
    deduction_entry_ids: tuple[int, ...] = ()  # the entries that counted (waived ones left out)

    def __post_init__(self):
        if self.quarter not in (1, 2, 3, 4) or self.grade not in _QUARTER_GRADES:
            raise ValueError(f"bad quarter fact: Q{self.quarter} {self.grade!r}")


@value_class
class MonthFact:
    month: int  # 1–12 of the cadre year
    deductions: Decimal  # net effective deduction points of the month (reversals netted), ≤ 0
    entry_ids: tuple[int, ...] = ()


@value_class
class SanctionFact:
    sanction_id: int
    kind: str  # 政务处分 / 党纪处分 / 诫勉 / 组织处理
    measure: str  # 警告, 记过, …
    decided_on: date
    promotion_barred_until: date  # last day of the impact period
    post_barred_until: date | None = None
    blocks_excellent: bool = False

    @property
    def name(self):
        return self.measure if self.measure.startswith(self.kind) else self.kind + self.measure

    @property
    def barred_until(self):
        """Last day barred from promotion (a post bar never outlasts it in DOMAIN §7, but be safe)."""
        return max(self.promotion_barred_until, self.post_barred_until or self.promotion_barred_until)


@value_class
class CategoryDeduction:
    category: str  # ledger category, e.g. 问责, 纪律处分
    points: Decimal  # the year's effective total, ≤ 0
    entry_ids: tuple[int, ...] = ()


@value_class
class CadreYear:
    """What the flags need to know about one cadre and one year, as of one day."""

    cadre_id: int
    year: int
    as_of: date
    rank: str = ""  # one of RANKS
    rank_since: date | None = None
    post_since: date | None = None  # in the same post (unit) since
    leadership_level: str = "无"
    unit_is_internal_office: bool = False
    on_probation: bool = False
    # Share of the category ranked strictly above the cadre by annual score: 0 = top, ties share the
    # better place (assessments.annual_rules.percentiles). "Top 10%" means fewer than 10% are above.
    category_percentile: Decimal | None = None
    suggested_grade: str = ""  # this year's suggested annual grade; "" on probation or not yet
    final_grade: str = ""  # the committee's, when decided
    earlier_grades: Mapping[int, str] = field(default_factory=dict)  # year → annual grade
    quarters: tuple[QuarterFact, ...] = ()
    months: tuple[MonthFact, ...] = ()
    sanctions: tuple[SanctionFact, ...] = ()
    category_deductions: tuple[CategoryDeduction, ...] = ()
    earlier_yellow_cards: tuple[date, ...] = ()  # yellow cards of earlier years, for the 12-month window
    # The year's cards as the committee holds them ("yellow_card", "red_card"), e.g. stored flags not
    # dismissed; None to compute them from this record.
    cards: tuple[str, ...] | None = None

    def __post_init__(self):
        for grade in (self.suggested_grade, self.final_grade, *self.earlier_grades.values()):
            if grade not in _ANNUAL_GRADES:
                raise ValueError(f"bad annual grade {grade!r}")

    # Several rules read the quarters and months in order; each sorts them once per cadre (the
    # values live in the instance, outside the fields: equality and hashing ignore them).
    @cached_property
    def quarters_in_order(self):
        return tuple(sorted(self.quarters, key=lambda q: q.quarter))

    @cached_property
    def months_in_order(self):
        return tuple(sorted(self.months, key=lambda m: m.month))

    @property
    def annual_grade(self):
        """This year's grade: the committee's when decided, else the suggestion."""
        return self.final_grade or self.suggested_grade


@value_class
class Reason:
    rule: str
    threshold: object
    actual: object
    refs: tuple[Ref, ...] = ()
    period: str = ""  # "2025" (year), "2025-Q2" (quarter), "2025-03" (month)
    detail: str = ""


@value_class
class Blocker:
    rule: str
    detail: str = ""
    until: date | None = None
    refs: tuple[Ref, ...] = ()
    period: str = ""


@value_class
class Flag:
    kind: str
    reasons: tuple[Reason, ...]
    blockers: tuple[Blocker, ...] = ()

    @property
    def raised(self):
        return not self.blockers

    def as_data(self):
        """JSON-ready: decimals as strings, dates ISO, tuples as lists."""
        # Written out field by field (the recompute serialises every flag of a county): ``rule``,
        # ``period`` and ``detail`` are always text, refs always (kind, id) pairs.
        return {
            "kind": self.kind,
            "reasons": [
                {
                    "rule": r.rule,
                    "threshold": _plain(r.threshold),
                    "actual": _plain(r.actual),
                    "refs": [[kind, ident] for kind, ident in r.refs],
                    "period": r.period,
                    "detail": r.detail,
                }
                for r in self.reasons
            ],
            "blockers": [
                {
                    "rule": b.rule,
                    "detail": b.detail,
                    "until": b.until and b.until.isoformat(),
                    "refs": [[kind, ident] for kind, ident in b.refs],
                    "period": b.period,
                }
                for b in self.blockers
            ],
        }

    @classmethod
    def from_data(cls, data):
        def refs(items):
            return tuple((kind, ident) for kind, ident in items)

        reasons = tuple(
            Reason(**{**r, "refs": refs(r["refs"]), "actual": _tuple(r["actual"]), "threshold": _tuple(r["threshold"])})
            for r in data["reasons"]
        )
        blockers = tuple(
            Blocker(**{**b, "refs": refs(b["refs"]), "until": b["until"] and date.fromisoformat(b["until"])})
            for b in data["blockers"]
        )
        return cls(data["kind"], reasons, blockers)


_PLAIN_TYPES = (str, int, bool, type(None))


def _plain(value):
    if type(value) in _PLAIN_TYPES:  # most values; checked first as the recompute serialises every flag
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


# ---------------------------------------------------------------------------------------- dates


def _months_between(start, end):
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    return months


def _end(cy):
    """Durations run to the end of ``as_of``: the day it names counts as served."""
    return cy.as_of + timedelta(days=1)


def _years_between(start, end):
    if end < start:
        return 0
    return (end.year - start.year) - ((end.month, end.day) < (start.month, start.day))


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_of_next = date(year + (month == 11), (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (first_of_next - timedelta(days=1)).day))


def quarter_end(year, quarter):
    return date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(days=1)


# -------------------------------------------------------------------------------------- helpers


def _at_or_worse(grade, threshold, scale):
    place = _PLACE[scale]
    return grade in place and place[grade] >= place[threshold]


def _at_least(grade, threshold):
    return grade in ANNUAL_GRADES and ANNUAL_GRADES.index(grade) <= ANNUAL_GRADES.index(threshold)


def _quarters(cy):
    return cy.quarters_in_order


def _review_refs(quarters):
    return tuple(("review", q.review_id) for q in quarters if q.review_id is not None)


def _entry_refs(ids):
    return tuple(("entry", i) for i in ids)


def _quarter_code(year, quarter):
    return f"{year}-Q{quarter}"


def _last_annual_grade(cy):
    """(year, grade) of the latest annual grade: this year's when there is one, else the last earlier one."""
    if cy.annual_grade:
        return cy.year, cy.annual_grade
    earlier = [(y, g) for y, g in cy.earlier_grades.items() if g and y < cy.year]
    return max(earlier) if earlier else None


def _impact_blockers(cy):
    active = [s for s in cy.sanctions if s.decided_on <= cy.as_of <= s.barred_until]
    return [
        Blocker("impact_period", detail=s.name, until=s.barred_until, refs=(("sanction", s.sanction_id),))
        for s in sorted(active, key=lambda s: (s.barred_until, s.sanction_id), reverse=True)
    ]


def _year_cards(cy, t):
    """(kind, refs) of the year's yellow and red cards."""
    if cy.cards is not None:
        return [(kind, ()) for kind in ("yellow_card", "red_card") if kind in cy.cards]
    cards = []
    for flag in (yellow_card(cy, t), red_card(cy, t)):
        if flag is not None:
            cards.append((flag.kind, tuple(dict.fromkeys(ref for r in flag.reasons for ref in r.refs))))
    return cards


# ---------------------------------------------------------------------------------------- rules


def promotion(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """优先提拔: near the top of the category with mostly 好 quarters; barred by an active impact
    period, a weak last annual grade, probation or a card this year."""
    p = cy.category_percentile
    if p is None or not p < t.promotion_top_share:
        return None
    quarters = _quarters(cy)
    good = [q for q in quarters if q.grade == GRADES[0]]
    poor = [q for q in quarters if q.grade == GRADES[-1]]
    if len(good) < t.promotion_min_good_quarters or len(poor) > t.promotion_max_poor_quarters:
        return None
    reasons = (
        Reason("promotion.top_share", t.promotion_top_share, p, period=str(cy.year)),
        Reason("promotion.good_quarters", t.promotion_min_good_quarters, len(good), _review_refs(good)),
        Reason("promotion.poor_quarters", t.promotion_max_poor_quarters, len(poor), _review_refs(poor)),
    )
    blockers = _impact_blockers(cy)
    last = _last_annual_grade(cy)
    if last is None and not cy.on_probation:
        blockers.append(Blocker("annual_grade"))
    elif last is not None and not _at_least(last[1], t.promotion_min_annual_grade):
        year, grade = last
        blockers.append(Blocker("annual_grade", detail=grade, refs=(("annual", year),), period=str(year)))
    if cy.on_probation:
        blockers.append(Blocker("probation"))
    blockers += [Blocker(kind, refs=refs) for kind, refs in _year_cards(cy, t)]
    return Flag("promotion", reasons, tuple(blockers))


def min_years_for_next_rank(rank: str, t: Thresholds = DEFAULT_THRESHOLDS) -> int | None:
    """Years in ``rank`` before the next step up the ladder; None at the top."""
    if rank not in _RANK_PLACE:
        raise ValueError(f"not a rank of the ladder: {rank!r}")
    target = _RANK_PLACE[rank] - 1
    if target < 0:
        return None
    if target >= _RANK_PLACE["四级调研员"]:
        return t.rank_min_years_junior
    if target >= _RANK_PLACE["一级调研员"]:
        return t.rank_min_years_middle
    return t.rank_min_years_senior


def _graded_years_in_rank(cy, t):
    """(year, grade, months held in the rank that year) for each graded year that belongs to the rank."""
    out = []
    for year in range(cy.rank_since.year, cy.year + 1):
        months = _months_between(max(cy.rank_since, date(year, 1, 1)), min(_end(cy), date(year + 1, 1, 1)))
        grade = cy.annual_grade if year == cy.year else cy.earlier_grades.get(year, "")
        if grade and months >= t.rank_year_min_months:
            out.append((year, grade, months))
    return out


def rank_promotion(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """职级晋升: the minimum time in the current rank (each 优秀 year shortens it) and top of the category.

    A year graded below 称职 does not count toward the time; when that leaves it short, the flag is
    returned with the weak years as blockers. An active impact period blocks too.
    """
    p = cy.category_percentile
    if p is None or not p < t.rank_promotion_top_share or cy.rank not in _RANK_PLACE or cy.rank_since is None:
        return None
    years = min_years_for_next_rank(cy.rank, t)
    if years is None:
        return None
    graded = _graded_years_in_rank(cy, t)
    excellent = [(y, g, m) for y, g, m in graded if g == ANNUAL_GRADES[0]]
    weak = [(y, g, m) for y, g, m in graded if not _at_least(g, t.rank_min_year_grade)]
    required = max(0, years * 12 - t.rank_excellent_credit_months * len(excellent))
    in_rank = _months_between(cy.rank_since, _end(cy))
    if in_rank < required:
        return None
    counted = in_rank - sum(m for _y, _g, m in weak)
    weak_years = {y for y, _g, _m in weak}
    annual_refs = tuple(("annual", y) for y, _g, _m in graded if y not in weak_years)
    reasons = [Reason("rank.years", required, counted, annual_refs, detail=cy.rank)]
    if excellent:
        refs = tuple(("annual", y) for y, _g, _m in excellent)
        reasons.append(Reason("rank.excellent_credit", t.rank_excellent_credit_months, len(excellent), refs))
    reasons.append(Reason("rank.top_share", t.rank_promotion_top_share, p, period=str(cy.year)))
    blockers = []
    if counted < required:
        blockers += [Blocker("rank.year_grade", detail=g, refs=(("annual", y),), period=str(y)) for y, g, _m in weak]
    blockers += _impact_blockers(cy)
    return Flag("rank_promotion", tuple(reasons), tuple(blockers))


def commendation(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """评先评优: suggested 优秀; a sanction decided this year that bars 优秀 blocks it."""
    if cy.suggested_grade != ANNUAL_GRADES[0]:
        return None
    reasons = (Reason("commendation.suggested_excellent", ANNUAL_GRADES[0], cy.suggested_grade, period=str(cy.year)),)
    blockers = tuple(
        Blocker("excellent_barred", detail=s.name, refs=(("sanction", s.sanction_id),))
        for s in cy.sanctions
        if s.blocks_excellent and s.decided_on.year == cy.year and s.decided_on <= cy.as_of
    )
    return Flag("commendation", reasons, blockers)


def _falling_runs(quarters, falls):
    """Maximal runs of consecutive quarters whose score fell at least ``falls`` times in a row."""
    runs, run = [], []
    for q in quarters:
        if q.score is not None and run and q.quarter == run[-1].quarter + 1 and q.score < run[-1].score:
            run.append(q)
            continue
        # The run ends here: by a score that did not fall, a gap, or a quarter without a score yet
        # (Q4 still in review must not lose Q1 → Q2 → Q3).
        if len(run) > max(falls, 1):
            runs.append(run)
        run = [q] if q.score is not None else []
    if len(run) > max(falls, 1):
        runs.append(run)
    return runs


def talk_reminder(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """约谈提醒: a month's net deductions at the line, a quarter graded 一般 or worse, or falling scores."""
    reasons = [
        Reason(
            "talk.month_deduction",
            t.talk_month_net_deduction,
            m.deductions,
            _entry_refs(m.entry_ids),
            period=f"{cy.year}-{m.month:02d}",
        )
        for m in cy.months_in_order
        if m.deductions <= t.talk_month_net_deduction
    ]
    quarters = _quarters(cy)
    reasons += [
        Reason(
            "talk.quarter_grade", t.talk_quarter_grade, q.grade, _review_refs([q]), _quarter_code(cy.year, q.quarter)
        )
        for q in quarters
        if _at_or_worse(q.grade, t.talk_quarter_grade, GRADES)
    ]
    reasons += [
        Reason(
            "talk.falling_score",
            t.talk_falling_quarters,
            tuple(q.score for q in run),
            _review_refs(run),
            _quarter_code(cy.year, run[-1].quarter),
        )
        for run in _falling_runs(quarters, t.talk_falling_quarters)
    ]
    return Flag("talk_reminder", tuple(reasons)) if reasons else None


def _yellow_quarters(cy, t):
    """(quarter, reasons) of each quarter that earns a yellow card; each is one card."""
    out = []
    for q in _quarters(cy):
        poor = _at_or_worse(q.grade, t.yellow_quarter_grade, GRADES)
        deducted = q.deductions <= t.yellow_quarter_deduction
        if not (poor or deducted):  # most quarters
            continue
        code, reasons = _quarter_code(cy.year, q.quarter), []
        if poor:
            reasons.append(Reason("yellow.quarter_grade", t.yellow_quarter_grade, q.grade, _review_refs([q]), code))
        if deducted:
            refs = _review_refs([q]) + _entry_refs(q.deduction_entry_ids)
            reasons.append(Reason("yellow.quarter_deduction", t.yellow_quarter_deduction, q.deductions, refs, code))
        out.append((q, reasons))
    return out


def yellow_card(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """黄牌: a quarter graded 较差, or a quarter's net deductions at the line."""
    return _yellow_flag(_yellow_quarters(cy, t))


def _yellow_flag(yellow_quarters):
    reasons = tuple(r for _q, rs in yellow_quarters for r in rs)
    return Flag("yellow_card", reasons) if reasons else None


def _yellow_window(cy, t, yellow_quarters):
    """The most cards within the window ending at one of this year's cards, as (date, refs) pairs.

    A card of this year is dated at its quarter's end; "within 12 months" means the earlier card is
    less than 12 months before the later one (Q1 to Q1 of the next year is not within).
    """
    start = date(cy.year, 1, 1)
    cards = sorted(
        [(d, ()) for d in set(cy.earlier_yellow_cards) if d < start]
        + [(quarter_end(cy.year, q.quarter), _review_refs([q])) for q, _rs in yellow_quarters]
    )
    best = []
    for end, _refs in cards:
        if end < start:
            continue
        window = [(d, r) for d, r in cards if d <= end and _add_months(d, t.red_yellow_window_months) > end]
        if len(window) > len(best):
            best = window
    return best


def red_card(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """红牌: two yellow cards within 12 months, annual 不称职, or 问责/纪律处分 deductions at the line."""
    return _red_card(cy, t, _yellow_quarters(cy, t))


def _red_card(cy, t, yellow_quarters):
    reasons = []
    window = _yellow_window(cy, t, yellow_quarters)
    if window and len(window) >= t.red_yellow_cards:
        reasons.append(
            Reason(
                "red.yellow_cards",
                (t.red_yellow_cards, t.red_yellow_window_months),
                len(window),
                tuple(ref for _d, refs in window for ref in refs),
                detail=LIST_SEPARATOR.join(d.isoformat() for d, _r in window),
            )
        )
    if _at_or_worse(cy.annual_grade, t.red_annual_grade, ANNUAL_GRADES):
        reasons.append(
            Reason("red.annual_grade", t.red_annual_grade, cy.annual_grade, (("annual", cy.year),), str(cy.year))
        )
    counted = [c for c in cy.category_deductions if c.category in t.red_sanction_categories]
    total = sum((c.points for c in counted), ZERO)
    if counted and total <= t.red_sanction_deduction:
        refs = tuple(ref for c in counted for ref in _entry_refs(c.entry_ids))
        detail = LIST_SEPARATOR.join(t.red_sanction_categories)
        reasons.append(Reason("red.sanction_deduction", t.red_sanction_deduction, total, refs, str(cy.year), detail))
    return Flag("red_card", tuple(reasons)) if reasons else None


_COMPUTE = object()


def adjustment(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS, *, red=_COMPUTE) -> Flag | None:
    """调整 (不适宜担任现职 review): a red card, annual 基本称职 or worse, or two 较差 quarters.

    ``red``: the year's red card when the caller has it already (None for none)."""
    reasons = []
    if red is _COMPUTE:
        red = red_card(cy, t)
    if red is not None:
        refs = tuple(dict.fromkeys(ref for r in red.reasons for ref in r.refs))
        reasons.append(Reason("adjustment.red_card", None, "red_card", refs))
    if _at_or_worse(cy.annual_grade, t.adjustment_annual_grade, ANNUAL_GRADES):
        reasons.append(
            Reason(
                "adjustment.annual_grade",
                t.adjustment_annual_grade,
                cy.annual_grade,
                (("annual", cy.year),),
                str(cy.year),
            )
        )
    poor = [q for q in _quarters(cy) if q.grade == GRADES[-1]]
    if poor and len(poor) >= t.adjustment_poor_quarters:
        reasons.append(Reason("adjustment.poor_quarters", t.adjustment_poor_quarters, len(poor), _review_refs(poor)))
    return Flag("adjustment", tuple(reasons)) if reasons else None


def rotation_due(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS) -> Flag | None:
    """交流轮岗: head or deputy of a unit long in the same post (10 years), of an internal office 5."""
    level = cy.leadership_level
    if cy.post_since is None or (level not in t.rotation_unit_levels and level not in t.rotation_office_levels):
        return None
    if cy.unit_is_internal_office or level in t.rotation_office_levels:
        rule, need = "rotation.office_years", t.rotation_office_years
    else:
        rule, need = "rotation.unit_years", t.rotation_unit_years
    years = _years_between(cy.post_since, _end(cy))
    if years < need:
        return None
    return Flag("rotation_due", (Reason(rule, need, years, detail=level),))


RULES = {
    "promotion": promotion,
    "rank_promotion": rank_promotion,
    "commendation": commendation,
    "talk_reminder": talk_reminder,
    "yellow_card": yellow_card,
    "red_card": red_card,
    "adjustment": adjustment,
    "rotation_due": rotation_due,
}


def evaluate(cy: CadreYear, t: Thresholds = DEFAULT_THRESHOLDS, *, dismissed_cards=()) -> list[Flag]:
    """Every flag whose conditions hold, blocked or not, in the order of KINDS.

    The cards are worked out once and reused by the rules that depend on them. Unless ``cy.cards``
    says which cards the committee holds, the year's computed cards count, less the kinds in
    ``dismissed_cards`` (a card the committee dismissed does not block a promotion)."""
    yellow_quarters = _yellow_quarters(cy, t)
    yellow, red = _yellow_flag(yellow_quarters), _red_card(cy, t, yellow_quarters)
    if cy.cards is None:
        cards = tuple(f.kind for f in (yellow, red) if f is not None and f.kind not in dismissed_cards)
        # ``replace(cy, cards=cards)`` without running __init__ and its checks again on every field
        # (a recompute evaluates every cadre of a county): only ``cards`` differs.
        copy = object.__new__(CadreYear)
        copy.__dict__.update(cy.__dict__, cards=cards)
        cy = copy
    known = {"yellow_card": yellow, "red_card": red, "adjustment": adjustment(cy, t, red=red)}
    return [flag for kind in KINDS if (flag := known[kind] if kind in known else RULES[kind](cy, t)) is not None]
