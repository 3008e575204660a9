"""The demo county's quarterly reviews of the ledger year: Q1–Q3 approved, Q4 caught mid-cycle.

seed_demo calls this after the ledger, so every review carries its quarter's capped confirmed ledger
points. One ``random.Random`` derived from the command's seed drives everything, cadres are visited in
plan order and every timestamp is drawn on or before REFERENCE_DATE, so a seed gives the same reviews
on any database. The cadres are the ones seed_demo has just created, so none has a review yet; a second
run of the command stops before reaching here.

上级考下级: 东岭镇's reviewer assesses 东岭镇's cadres and the county-level assessor everyone else's; the
county reviewer approves, so nobody approves what they assessed.
"""

import random
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from records import demo_data as data
from records.models import CadreStatus
from records.services.ledger import month_end

from .models import CadreGroup, QuarterlyReview, ReviewStatus, ScoringScheme
from .rules import quarter_score, quota_limit, suggest_grade
from .selectors import QUARTER_MONTHS, quarter_ledger_points
from .services import scheme_create, scheme_default, scheme_for

YEAR = data.LEDGER_YEAR
CHUNK = 5000  # cadres per ledger read, so memory stays flat (about 350 MB at 20,000 cadres)
BATCH = 1000
S = ReviewStatus
STATUSES = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED)
SERVING = (CadreStatus.ACTIVE, CadreStatus.SECONDED)  # whom review_cycle_open would take

# The leaders' scheme leans on political steadiness and responsibility and listens more to the masses.
LEADERS_SCHEME = {
    "name": "领导干部季度考评方案",
    "w_political": Decimal("1.2"),
    "w_responsibility": Decimal("1.2"),
    "w_problem_solving": Decimal("1.0"),
    "w_bottom_line": Decimal("1.0"),
    "w_results": Decimal("1.1"),
    "quarter_dimension_part": Decimal("0.7"),
    "quarter_mass_part": Decimal("0.3"),
}

COMMENTS = {
    "好": (
        "政治立场坚定，勇于担当，本季度牵头完成重点任务，成效突出。",
        "工作思路清晰，破解难题有办法，群众认可度高。",
        "严守纪律规矩，攻坚克难冲在前，季度目标全面完成。",
    ),
    "较好": (
        "履职尽责，较好完成本季度各项工作任务。",
        "工作积极主动，作风扎实，创新意识有待加强。",
        "能够按时完成交办任务，群众评价较好，攻坚能力需进一步提升。",
    ),
    "一般": (
        "基本完成本季度工作，主动性不够，个别任务推进较慢。",
        "工作标准不高，担当意识需加强。",
    ),
    "较差": ("本季度工作任务完成较差，作风纪律方面存在问题，需加强教育管理。",),
}
RETURN_REASONS = (
    "评语过于简单，请补充本季度具体实绩",
    "群众评议得分与测评汇总表不一致，请核对",
    "担当精神评分依据不足，请补充典型事例",
    "本单位“好”等次已超出比例，请重新评定",
)


@dataclass(slots=True)
class Draw:
    """One review as plain data until it is written: 80,000 model instances would cost more memory."""

    order: int  # the cadre's place in plan order, for stable ties
    cadre_id: int
    unit: object
    quarter: int
    scheme: ScoringScheme
    ledger_points: Decimal
    created_at: datetime
    status: str = S.DRAFT
    scores: tuple = (None,) * 5
    mass: Decimal | None = None
    score: Decimal | None = None
    suggested: str = ""
    grade: str = ""
    comment: str = ""
    assessor_id: int | None = None
    submitted_at: datetime | None = None
    approver_id: int | None = None
    decided_at: datetime | None = None
    return_reason: str = ""

    def row(self):
        political, responsibility, problem_solving, bottom_line, results = self.scores
        return QuarterlyReview(
            cadre_id=self.cadre_id,
            unit=self.unit,
            year=YEAR,
            quarter=self.quarter,
            scheme=self.scheme,
            status=self.status,
            political=political,
            responsibility=responsibility,
            problem_solving=problem_solving,
            bottom_line=bottom_line,
            results=results,
            mass_score=self.mass,
            ledger_points=self.ledger_points,
            score=self.score,
            suggested_grade=self.suggested,
            grade=self.grade,
            comment=self.comment,
            assessor_id=self.assessor_id,
            submitted_at=self.submitted_at,
            approver_id=self.approver_id,
            decided_at=self.decided_at,
            return_reason=self.return_reason,
            created_at=self.created_at,
        )


@contextmanager
def own_timestamps():
    """bulk_create stamps auto_now_add fields with the current time; the demo's reviews are of 2025."""
    field = QuarterlyReview._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def seed_reviews(*, cadres, plans, units, users, seed):
    """Write four quarters of reviews for ``cadres`` (saved, in plan order); answers the summary's counts."""
    return ReviewSeeder(units=units, users=users, seed=seed).run(cadres, plans)


class ReviewSeeder:
    def __init__(self, *, units, users, seed):
        self.rng = random.Random(f"{seed}:reviews")  # noqa: S311 - demo data, not a secret
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.units = units
        self.town = next(scope for username, _n, _r, scope, _p in data.DEMO_USERS if username == "demo_reviewer_town")
        self.assessor_town = users["demo_reviewer_town"]
        self.assessor_county = users["demo_assessor"]
        self.approver = users["demo_reviewer"]
        self.sysadmin = users["demo_sysadmin"]

    # --- who and when ------------------------------------------------------------------------------

    def between(self, low, high):
        return low + int(self.rng.random() * (high - low + 1))

    def moment(self, day):
        minute = self.between(8 * 60 + 30, 17 * 60 + 30)
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)

    def assessor(self, unit):
        town = unit.code == self.town or unit.code.startswith(f"{self.town}-")
        return self.assessor_town if town else self.assessor_county

    def schemes(self):
        """The year's default scheme and a leaders' one, reused when the year already has them."""
        existing = set(ScoringScheme.objects.filter(year=YEAR).values_list("pk", flat=True))
        default = scheme_default(YEAR)
        leaders = ScoringScheme.objects.filter(
            year=YEAR, cadre_group=CadreGroup.LEADERS, unit_kind="", is_current=True
        ).first()
        if leaders is None:
            leaders = scheme_create(actor=self.sysadmin, year=YEAR, cadre_group=CadreGroup.LEADERS, **LEADERS_SCHEME)
        # Drawn up before the first quarter's reviews, not on the day the demo was seeded.
        made = {default.pk, leaders.pk} - existing
        ScoringScheme.objects.filter(pk__in=made).update(created_at=self.moment(date(YEAR, 3, 20)))
        return [default, leaders]

    def quarter_unit(self, plan, quarter):
        """The unit the cadre served in at the quarter's end (None if they joined after the quarter)."""
        months = QUARTER_MONTHS[quarter]
        start, end = date(YEAR, months[0], 1), month_end(date(YEAR, months[-1], 1))
        held = [p for p in plan.postings if p[3] <= end and (p[4] is None or p[4] >= start)]
        return self.units[held[-1][0]] if held else None

    # --- the run -----------------------------------------------------------------------------------

    def run(self, cadres, plans):
        schemes = self.schemes()
        ratio = min(s.good_quota for s in schemes)
        people = [(c, p) for c, p in zip(cadres, plans, strict=True) if c.status in SERVING]
        points = {}
        for start in range(0, len(people), CHUNK):
            ids = [c.pk for c, _p in people[start : start + CHUNK]]
            for q in range(1, 5):
                for cadre_id, value in quarter_ledger_points(ids, YEAR, q).items():
                    points[cadre_id, q] = value

        opened = {q: self.moment(date(YEAR, 3 * q + 1, 1) + timedelta(days=self.between(0, 3))) for q in (1, 2, 3)}
        opened[4] = self.moment(date(YEAR, 12, 22))
        # How far each unit has got with Q4, and whether it has imported its mass evaluation yet.
        pace = {code: self.rng.random() for code in self.units}
        # The demo town is mid-cycle, so its reviewer's login shows drafts, submissions and decisions.
        pace |= {code: 0.5 for code in self.units if code == self.town or code.startswith(f"{self.town}-")}
        imported = {code: self.rng.random() < 0.6 for code in self.units}

        draws, fourth = [], []
        for order, (cadre, plan) in enumerate(people):
            ability = self.rng.gauss(70, 5) if self.rng.random() < 0.04 else self.rng.gauss(86, 4)
            scheme = scheme_for(YEAR, cadre, schemes=schemes)
            for q in range(1, 5):
                unit = self.quarter_unit(plan, q)
                if unit is None:
                    continue
                draw = Draw(order, cadre.pk, unit, q, scheme, points[cadre.pk, q], opened[q])
                if q < 4:
                    self.assess(draw, ability)
                    self.decide(draw, S.APPROVED, self.later(draw.submitted_at, 1, 6))
                else:
                    fourth.append((draw, ability))
                draws.append(draw)
        self.fourth_quarter(fourth, pace, imported)
        self.hold_quota(draws, ratio)

        with own_timestamps():
            for start in range(0, len(draws), BATCH):
                QuarterlyReview.objects.bulk_create([d.row() for d in draws[start : start + BATCH]])
        stats = Counter((d.quarter, d.status) for d in draws)
        stats["cadres"] = len({d.cadre_id for d in draws})
        stats["schemes"] = len(schemes)
        return stats

    def later(self, moment, low, high):
        day = min(moment.date() + timedelta(days=self.between(low, high)), data.REFERENCE_DATE)
        return self.moment(day) if day > moment.date() else moment + timedelta(minutes=self.between(5, 30))

    # --- one review --------------------------------------------------------------------------------

    def mass(self, ability):
        return Decimal(str(round(min(100.0, max(70.0, self.rng.gauss(ability + 2, 4))), 1)))

    def assess(self, draw, ability, *, submit=True):
        """一看一听: five dimension scores around the cadre's ability, the mass evaluation, a comment."""
        drift = self.rng.gauss(0, 1.5)
        scores = []
        for bonus in (1.5, 0, 0, 1.5, 0):  # political steadiness and the bottom line are rarely marked down
            value = round(ability + drift + bonus + self.rng.gauss(0, 3))
            scores.append(Decimal(min(99, max(55, value))))
        draw.scores = tuple(scores)
        if draw.mass is None:
            draw.mass = self.mass(ability)
        draw.score = quarter_score(draw.scores, draw.mass, draw.ledger_points, draw.scheme.quarter_weights)
        draw.suggested = draw.grade = suggest_grade(draw.score, draw.scheme.thresholds)
        draw.comment = self.rng.choice(COMMENTS[draw.grade])
        draw.assessor_id = self.assessor(draw.unit).pk
        if submit:
            draw.status = S.SUBMITTED
            draw.submitted_at = self.later(draw.created_at, 2, 14 if draw.quarter < 4 else 6)

    def decide(self, draw, status, when):
        draw.status, draw.approver_id, draw.decided_at = status, self.approver.pk, when
        if status == S.RETURNED:
            draw.return_reason = self.rng.choice(RETURN_REASONS)

    def fourth_quarter(self, fourth, pace, imported):
        """Q4 as of the reference date: units at their own pace, so some are done and some barely begun."""
        n = len(fourth)
        approved, submitted = round(n * 0.22), round(n * 0.22)
        returned = min(max(2, round(n * 0.03)), max(0, n - approved - submitted))
        keys = [pace[draw.unit.code] + self.rng.gauss(0, 0.25) for draw, _a in fourth]
        ranked = [fourth[i] for i in sorted(range(n), key=lambda i: (-keys[i], i))]
        scored_drafts = (n - approved - submitted - returned) // 3
        for rank, (draw, ability) in enumerate(ranked):
            if rank < approved + submitted + returned:
                self.assess(draw, ability)
                if rank < approved:
                    self.decide(draw, S.APPROVED, self.later(draw.submitted_at, 1, 2))
                elif rank >= approved + submitted:
                    self.decide(draw, S.RETURNED, self.later(draw.submitted_at, 1, 2))
            elif rank < approved + submitted + returned + scored_drafts:
                self.assess(draw, ability, submit=False)
            elif imported[draw.unit.code]:
                draw.mass = self.mass(ability)

    @staticmethod
    def hold_quota(draws, ratio):
        """At most the unit's 好 quota among its submitted and approved reviews of a quarter: the best
        scores keep 好, the rest are lowered to 较好 (never above the suggestion)."""
        sizes = Counter((d.unit.pk, d.quarter) for d in draws)
        good = defaultdict(list)
        for d in draws:
            if d.grade == "好" and d.status in (S.SUBMITTED, S.APPROVED):
                good[d.unit.pk, d.quarter].append(d)
        for key, candidates in good.items():
            candidates.sort(key=lambda d: (-d.score, d.order))
            for d in candidates[quota_limit(sizes[key], ratio) :]:
                d.grade = "较好"
                d.comment = COMMENTS["较好"][d.order % len(COMMENTS["较好"])]


def audit_note(stats):
    counts = {status: sum(stats[q, status] for q in range(1, 5)) for status in STATUSES}
    q4 = {status: stats[4, status] for status in STATUSES}
    total = sum(counts.values())
    return (
        f"{YEAR} 年季度考评 {total} 份（{stats['cadres']} 名干部，{stats['schemes']} 个考评方案；"
        f"四季度草稿 {q4[S.DRAFT]}、待审定 {q4[S.SUBMITTED]}、已退回 {q4[S.RETURNED]}、已审定 {q4[S.APPROVED]}）"
    )


def summary_lines(stats):
    total = sum(n for key, n in stats.items() if isinstance(key, tuple))
    lines = [
        _("Quarterly reviews %(year)d: %(reviews)d for %(cadres)d cadres under %(schemes)d scoring schemes")
        % {"year": YEAR, "reviews": total, "cadres": stats["cadres"], "schemes": stats["schemes"]}
    ]
    for q in range(1, 5):
        lines.append(
            _("  Q%(quarter)d: %(draft)d draft, %(submitted)d submitted, %(returned)d returned, %(approved)d approved")
            % ({"quarter": q} | {status: stats[q, status] for status in STATUSES})
        )
    return lines
