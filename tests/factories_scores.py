"""Annual summaries and flags written directly, as the scoring engine would leave them, so the committee's
pages and services are tested without running the engine."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from assessments.flags import Blocker, Flag, Reason
from assessments.models import AnnualSummary, CandidateFlag, FlagState


def make_summary(cadre, year=2025, *, unit=None, **fields):
    unit = unit or cadre.unit
    data = {
        "unit": unit,
        "category": cadre.category,
        "on_probation": cadre.on_probation,
        "ledger_add": Decimal("12.0"),
        "ledger_deduct": Decimal("-2.0"),
        "ledger_net": Decimal("10.0"),
        "ledger_by_category": {"创先争优": "12.0", "工作失误失责": "-2.0"},
        "month_deductions": ["0"] * 11 + ["-2.0"],
        "q1_grade": "好",
        "q2_grade": "好",
        "q3_grade": "较好",
        "q4_grade": "好",
        "q1_score": Decimal("92"),
        "q2_score": Decimal("91"),
        "q3_score": Decimal("85"),
        "q4_score": Decimal("93"),
        "review_ids": [None, None, None, None],
        "quarter_average": Decimal("90.25"),
        "mass_average": Decimal("88"),
        "ledger_normalised": Decimal("80"),
        "score": Decimal("85.70"),
        "unit_rank": 1,
        "unit_size": 1,
        "category_rank": 1,
        "category_size": 1,
        "category_percentile": Decimal("0"),
        "excellent_share": Decimal("0.2"),
        "suggested_grade": "称职",
        "grade_notes": [],
        "computed_at": timezone.now(),
    }
    if data["on_probation"]:
        data.update(suggested_grade="", grade_notes=["on_probation"], unit_rank=None)
    data.update(fields)
    return AnnualSummary.objects.create(cadre=cadre, year=year, **data)


def promotion_data(review_ids=(11, 12, 13), blockers=()):
    """A 优先提拔 flag's data: top of the category, three quarters graded 好."""
    return Flag(
        "promotion",
        (
            Reason("promotion.top_share", Decimal("0.10"), Decimal("0"), period="2025"),
            Reason("promotion.good_quarters", 3, 3, tuple(("review", i) for i in review_ids)),
        ),
        tuple(blockers),
    ).as_data()


def talk_data(entry_ids=(101, 102)):
    """A 约谈提醒 flag's data: March's net deductions reached −6."""
    return Flag(
        "talk_reminder",
        (
            Reason(
                "talk.month_deduction",
                Decimal("-5"),
                Decimal("-6"),
                tuple(("entry", i) for i in entry_ids),
                period="2025-03",
            ),
        ),
    ).as_data()


def impact_blocker(sanction_id=7):
    return Blocker("impact_period", detail="政务处分记过", until=date(2026, 3, 31), refs=(("sanction", sanction_id),))


def make_flag(cadre, year=2025, kind="promotion", *, state=FlagState.RAISED, data=None, unit=None, **fields):
    now = timezone.now()
    if data is None:
        data = {"promotion": promotion_data, "talk_reminder": talk_data}.get(kind, promotion_data)()
        data["kind"] = kind
    return CandidateFlag.objects.create(
        cadre=cadre,
        year=year,
        kind=kind,
        unit=unit or cadre.unit,
        state=state,
        data=data,
        raised_at=now,
        changed_at=now,
        **fields,
    )
