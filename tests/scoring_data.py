"""Direct, fast set-up of ledger entries and approved reviews for the scoring tests (the services
that normally write them are tested elsewhere)."""

from datetime import date
from decimal import Decimal

from assessments.models import QuarterlyReview, ReviewStatus
from assessments.services import scheme_default
from records.models import EntryStatus, LedgerEntry, PointRule


def entries(cadre, rows, *, by, year=2025, status=EntryStatus.CONFIRMED):
    """rows: (month, rule code, points[, effective points]); written in one bulk insert."""
    rules = {r.code: r for r in PointRule.objects.filter(valid_to__isnull=True)}
    objs = []
    for i, row in enumerate(rows):
        month, code, points = row[:3]
        effective = row[3] if len(row) > 3 else points
        rule = rules[code]
        objs.append(
            LedgerEntry(
                cadre=cadre,
                unit_id=cadre.unit_id,
                month=date(year, month, 1),
                rule=rule,
                rule_code=rule.code,
                category=rule.category,
                points=Decimal(str(points)),
                effective_points=Decimal(str(effective)),
                facts=f"事实 {i}",
                document_no=f"测〔{year}〕{cadre.pk}-{i}号",
                occurred_on=date(year, month, 5),
                status=status,
                entered_by=by,
            )
        )
    return LedgerEntry.objects.bulk_create(objs)


def review(cadre, quarter, grade, score, *, mass="90", year=2025, status=ReviewStatus.APPROVED):
    return QuarterlyReview.objects.create(
        cadre=cadre,
        unit_id=cadre.unit_id,
        year=year,
        quarter=quarter,
        scheme=scheme_default(year),
        status=status,
        grade=grade,
        suggested_grade=grade,
        score=Decimal(str(score)),
        mass_score=Decimal(str(mass)) if mass is not None else None,
    )


def year_of_reviews(cadre, grades, scores, *, mass="90", year=2025):
    return [
        review(cadre, q, g, s, mass=mass, year=year)
        for q, (g, s) in enumerate(zip(grades, scores, strict=True), start=1)
    ]
