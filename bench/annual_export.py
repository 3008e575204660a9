"""Annual summary export benchmark: our XlsxWriter report against django-import-export, same rows.

    .venv/bin/python -m bench.annual_export [--rows 20000] [--units 40] [--repeat 3]
    .venv/bin/python -m bench.annual_export --rows 100000 --skip-default      # the memory check

See bench/README.md. Builds a throwaway SQLite database, seeds a county with ``--units`` townships
and ``--rows`` cadres with an annual summary each, then times (best of ``--repeat``):

- ours: ``reports.services.report_write`` of the 年度实绩考核汇总表 (the distribution sheet, a
  sheet per unit, the print layout, constant-memory XlsxWriter);
- default: a ``ModelResource`` over the same rows and columns (``select_related``, so it sends no
  query per row), ``export(force_native_type=True)`` then import-export's XLSX format (tablib,
  openpyxl), one plain sheet.

Then one more run of ours with tracemalloc and an RSS sampler for the peak memory growth.
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

SETTINGS = "cadre_portal.settings.test"
TARGET_RATIO = 4.0
MEMORY_LIMIT_MB = 100


def main(argv=None):
    args = _arguments(argv)
    tmp = tempfile.mkdtemp(prefix="bench-annual-")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", tmp)
    import django

    django.setup()
    try:
        return _run(args, Path(tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.annual_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000, help="cadres with a summary (default 20000)")
    parser.add_argument("--units", type=int, default=40, help="townships to spread them over (default 40)")
    parser.add_argument("--repeat", type=int, default=3, help="time each path N times, keep the fastest")
    parser.add_argument("--skip-default", action="store_true", help="time only our path (and its memory)")
    return parser.parse_args(argv)


def _run(args, tmp):
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    _seed(args.rows, args.units)
    print(f"seeded {args.rows} summaries in {args.units} units in {time.perf_counter() - started:.1f} s")

    _ours(tmp / "warm.xlsx")
    if not args.skip_default:
        _default(tmp / "warm-default.xlsx")

    ours = min((_timed(lambda: _ours(tmp / "ours.xlsx")) for _ in range(args.repeat)), key=lambda r: r[0])
    print(f"ours:    {ours[0]:7.2f} s  {ours[1]:>4} queries  {(tmp / 'ours.xlsx').stat().st_size // 1024} KiB")
    failed = False
    if not args.skip_default:
        runs = (_timed(lambda: _default(tmp / "default.xlsx")) for _ in range(args.repeat))
        default = min(runs, key=lambda r: r[0])
        size = (tmp / "default.xlsx").stat().st_size // 1024
        print(f"default: {default[0]:7.2f} s  {default[1]:>4} queries  {size} KiB")
        ratio = default[0] / ours[0]
        print(f"ratio:   {ratio:.1f}× (target ≥ {TARGET_RATIO:.0f}×) {'ok' if ratio >= TARGET_RATIO else 'MISSED'}")
        failed |= ratio < TARGET_RATIO

    python_peak, rss_growth = _memory(lambda: _ours(tmp / "memory.xlsx"))
    print(f"memory:  peak Python allocations {python_peak:.1f} MB, peak RSS growth {rss_growth:.1f} MB")
    ok = max(python_peak, rss_growth) < MEMORY_LIMIT_MB
    print(f"memory:  target < {MEMORY_LIMIT_MB} MB {'ok' if ok else 'MISSED'}")
    failed |= not ok
    return 1 if failed else 0


def _seed(rows, units):
    from django.utils import timezone

    from accounts.models import User
    from assessments.models import AnnualSummary
    from records.models import Cadre
    from records.services import unit_create

    county = unit_create(code="C0", name="青山县", kind="党委", parent=None)
    towns = [unit_create(code=f"T{i:03d}", name=f"第{i}镇", kind="乡镇街道", parent=county) for i in range(units)]
    User.objects.create(username="bench")
    cadres = [
        Cadre(
            staff_no=f"B{i:07d}",
            name=f"干部{i}",
            gender="男",
            birth_date=date(1980, 1, 1),
            unit=towns[i % units],
            position="党委委员、副镇长",
            rank="一级科员",
            category="公务员",
            post_since=date(2020, 1, 1),
            rank_since=date(2020, 1, 1),
        )
        for i in range(rows)
    ]
    Cadre.objects.bulk_create(cadres, batch_size=2000)
    now = timezone.now()
    summaries = [
        AnnualSummary(
            cadre=c,
            year=2025,
            unit_id=c.unit_id,
            category="公务员",
            ledger_add=Decimal(i % 20),
            ledger_deduct=Decimal(-(i % 5)),
            ledger_net=Decimal(i % 20 - i % 5),
            q1_grade="好",
            q2_grade="较好",
            q3_grade="好",
            q4_grade="一般",
            mass_average=Decimal("88.50"),
            score=Decimal(60 + i % 40),
            unit_rank=i // units + 1,
            category_rank=i + 1,
            suggested_grade="称职",
            computed_at=now,
        )
        for i, c in enumerate(cadres)
    ]
    AnnualSummary.objects.bulk_create(summaries, batch_size=2000)


def _ours(path):
    from reports.selectors import build_request
    from reports.services import report_write

    return report_write(req=build_request(kind="annual-summary", year=2025), target=str(path))


def _default(path):
    from import_export.formats.base_formats import XLSX

    from assessments.models import AnnualSummary

    dataset = _resource()().export(
        queryset=AnnualSummary.objects.filter(year=2025)
        .select_related("cadre", "unit")
        .order_by("unit_id", "unit_rank"),
        force_native_type=True,
    )
    Path(path).write_bytes(XLSX().export_data(dataset))
    return len(dataset)


def _resource():
    from import_export import resources

    from assessments.models import AnnualSummary

    class SummaryResource(resources.ModelResource):
        class Meta:
            model = AnnualSummary
            fields = (
                "cadre__name", "unit__name", "cadre__position", "cadre__rank", "ledger_add", "ledger_deduct",
                "ledger_net", "q1_grade", "q2_grade", "q3_grade", "q4_grade", "mass_average", "score",
                "unit_rank", "category_rank", "suggested_grade", "final_grade",
            )  # fmt: skip

    return SummaryResource


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(work):
    from django.db import connection

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        work()
    return time.perf_counter() - started, counter.count


def _rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _memory(work):
    """(peak Python allocations, peak resident-set growth) in MB while ``work`` runs."""
    base, peak, done = _rss_mb(), [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    try:
        work()
        _current, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        done.set()
        sampler.join()
    return python_peak / 2**20, max(0.0, peak[0] - base)


if __name__ == "__main__":
    sys.exit(main())
