"""Rows the reports read (annual summaries, flags, snapshots), made directly: the tests of the
reports do not depend on the scoring engine that fills these tables in production."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
from django.utils import timezone

from assessments.flags import Blocker, Flag, Reason
from assessments.models import (
    AnnualSummary,
    CandidateFlag,
    CommitteeSnapshot,
    SnapshotFlag,
    SnapshotSummary,
)
from assessments.models.annual import FlagFields, SummaryFields


def make_summary(cadre, year=2025, **fields):
    data = {
        "unit": cadre.unit,
        "category": cadre.category,
        "ledger_add": Decimal("12.5"),
        "ledger_deduct": Decimal("-2.0"),
        "ledger_net": Decimal("10.5"),
        "q1_grade": "好",
        "q2_grade": "较好",
        "q3_grade": "好",
        "q4_grade": "好",
        "mass_average": Decimal("91.50"),
        "score": Decimal("88.25"),
        "unit_rank": 1,
        "unit_size": 1,
        "category_rank": 1,
        "category_size": 1,
        "suggested_grade": "优秀",
        "computed_at": timezone.now(),
    }
    data.update(fields)
    return AnnualSummary.objects.create(cadre=cadre, year=year, **data)


def promotion_flag(state="raised"):
    reasons = (
        Reason("promotion.top_share", "0.10", "0.05", refs=(("annual", 2025),), period="2025"),
        Reason("promotion.good_quarters", 3, 3, refs=(("review", 1),)),
    )
    blockers = ()
    if state == "blocked":
        blockers = (Blocker("impact_period", detail="政务处分·记过", until=date(2026, 3, 31), refs=(("sanction", 1),)),)
    return Flag("promotion", reasons, blockers)


def make_flag(cadre, year=2025, *, kind="promotion", state="raised", flag=None, **fields):
    flag = flag or promotion_flag(state)
    now = timezone.now()
    data = {"unit": cadre.unit, "data": flag.as_data(), "raised_at": now, "changed_at": now}
    data.update(fields)
    return CandidateFlag.objects.create(cadre=cadre, year=year, kind=kind, state=state, **data)


def freeze(*, year, unit, by, title="部务会"):
    """A snapshot of the year's live summaries and flags, as the freeze service will make one."""
    snapshot = CommitteeSnapshot.objects.create(year=year, unit=unit, title=title, created_by=by)
    summary_fields = [f.attname for f in SummaryFields._meta.local_fields]
    flag_fields = [f.attname for f in FlagFields._meta.local_fields]
    summaries = [
        SnapshotSummary(snapshot=snapshot, **{f: getattr(s, f) for f in summary_fields})
        for s in AnnualSummary.objects.filter(year=year)
    ]
    flags = [
        SnapshotFlag(snapshot=snapshot, **{f: getattr(x, f) for f in flag_fields})
        for x in CandidateFlag.objects.filter(year=year)
    ]
    SnapshotSummary.objects.bulk_create(summaries)
    SnapshotFlag.objects.bulk_create(flags)
    return snapshot


def open_book(data):
    """An xlsx (bytes or a path) read back as a user's spreadsheet would: values, not formulas."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return openpyxl.load_workbook(source)


def body(ws, header_row):
    """The body rows under ``header_row`` (1-based) up to the first empty row, as value tuples."""
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def export_book(kind, *, user=None, **params):
    """Build a report as ``user`` sees it (None: the command's view of every unit), read it back."""
    from reports.selectors import build_request
    from reports.services import report_export

    buffer = io.BytesIO()
    req = build_request(kind=kind, user=user, **params)
    rows = report_export(actor=user, req=req, target=buffer)
    return open_book(buffer.getvalue()), rows
