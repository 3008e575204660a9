"""Ledger import benchmark: django-import-export's default path against ours, same rows, fresh data each.

    .venv/bin/python -m bench.ledger_import [--rows 5000] [--database-url postgres://user@host:5432/db]

See bench/README.md. Builds a throwaway database (a temporary SQLite file, or with --database-url a
scratch database created next to the one named and dropped afterwards), seeds units, cadres and a
clerk, writes one workbook, then times each path on its own fresh copy of the seeded database.
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

SETTINGS = "cadre_portal.settings.test"  # DEBUG off: no query log slowing either path
TARGET = 8.0


def main(argv=None):
    args = _arguments(argv)
    tmp = tempfile.mkdtemp(prefix="bench-ledger-")
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/seed.sqlite3"
    os.environ.setdefault("MEDIA_ROOT", tmp)
    import django

    django.setup()
    scratch = Scratch(tmp, postgres=bool(args.database_url))
    try:
        return _run(args, scratch)
    finally:
        scratch.drop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.ledger_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="rows in the workbook (default 5000)")
    parser.add_argument("--cadres", type=int, default=0, help="cadres to spread them over (default rows / 10)")
    parser.add_argument("--database-url", help="a PostgreSQL URL; scratch databases are created beside it")
    parser.add_argument("--repeat", type=int, default=3, help="time each path N times, keep the fastest (default 3)")
    parser.add_argument("--skip-default", action="store_true", help="time only our path (profiling)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of our path")
    return parser.parse_args(argv)


def _run(args, scratch):
    from django.core.management import call_command

    started = time.perf_counter()
    scratch.use(scratch.seed_name)
    call_command("migrate", verbosity=0)
    clerk, cadres = _seed(max(1, args.cadres or args.rows // 10))
    data = _workbook(cadres, args.rows)
    print(f"seeded {len(cadres)} cadres, workbook of {args.rows} rows ({len(data) // 1024} KiB) in {_secs(started)}")
    scratch.close()

    # Module imports, translation catalogues and first-query set-up are paid here, by neither run.
    warm = _workbook(cadres, 20)
    _warm_up(scratch, "warm_ours", lambda: _ours(warm, clerk.username))
    if not args.skip_default:
        _warm_up(scratch, "warm_default", lambda: _default(warm, clerk.username))

    ours = default = None
    for attempt in range(max(1, args.repeat)):
        run = _measure(f"ours{attempt}", scratch, lambda: _ours(data, clerk.username), args.rows, args.profile)
        ours = run if ours is None or run.seconds < ours.seconds else ours
        if not args.skip_default:
            run = _measure(f"default{attempt}", scratch, lambda: _default(data, clerk.username), args.rows)
            default = run if default is None or run.seconds < default.seconds else default
    if args.skip_default:
        return 0
    ratio = default.seconds / ours.seconds
    print()
    print(f"{'path':<54}{'seconds':>9}{'queries':>10}")
    for run in (default, ours):
        print(f"{run.label:<54}{run.seconds:>9.2f}{run.queries:>10}")
    print(f"ratio {ratio:.1f}x (target >= {TARGET:.0f}x): {'OK' if ratio >= TARGET else 'MISSED'}")
    commit = ours.commit_seconds
    print(f"(our commit alone, which checks every row again: {commit:.2f} s, {default.seconds / commit:.1f}x)")
    return 0 if ratio >= TARGET else 1


def _warm_up(scratch, name, work):
    name = scratch.copy(name)
    scratch.use(name)
    try:
        work()
    finally:
        scratch.close()
        scratch.drop(name)


class Run:
    def __init__(self, label, seconds, queries, detail):
        self.label, self.seconds, self.queries = label, seconds, queries
        self.commit_seconds = detail["commit"]
        self.detail = ", ".join(f"{step} {secs:.2f} s" for step, secs in detail.items())


def _measure(name, scratch, work, rows, profile=False):
    from django.db import connection

    name = scratch.copy(name)
    scratch.use(name)
    counter = QueryCounter()
    try:
        connection.ensure_connection()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            label, detail = _profiled(work) if profile else work()
            seconds = time.perf_counter() - start
        _check_written(rows)
    finally:
        scratch.close()
        scratch.drop(name)
    run = Run(label, seconds, counter.count, detail)
    print(f"{label}: {seconds:.2f} s, {counter.count} queries ({run.detail})")
    return run


class QueryCounter:
    """Counts every statement sent, as CaptureQueriesContext would, without its cost: that renders
    each statement's SQL with its parameters (for a 1,000-row INSERT, a second round trip on SQLite)
    and keeps only the last 9,000, fewer than the default path sends."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _profiled(work):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(work)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return result


def _check_written(rows):
    from audit.models import Action, AuditEvent
    from records.models import LedgerEntry

    entries = LedgerEntry.objects.count()
    events = AuditEvent.objects.filter(action=Action.CREATE, model="records.ledgerentry").count()
    if entries != rows or events != rows:
        raise SystemExit(f"expected {rows} entries and audit events, found {entries} and {events}")


# --- The two paths ---


def _ours(data, username):
    from accounts.models import User
    from audit.context import acting
    from records.ledger_import import ledger_import

    user = User.objects.get(username=username)
    with acting(user=user, source="bench"):
        start = time.perf_counter()
        preview = ledger_import(data=data, file_name="bench.xlsx", user=user)
        middle = time.perf_counter()
        report = ledger_import(data=data, file_name="bench.xlsx", user=user, commit=True)
        end = time.perf_counter()
    if not (preview.ok and report.committed):
        raise SystemExit("our path reported errors: " + "; ".join(str(e) for e in report.errors[:5]))
    return "ours: ledger_import dry run, then commit", {"dry run": middle - start, "commit": end - middle}


def _default(data, username):
    import tablib

    from accounts.models import User
    from audit.context import acting

    user = User.objects.get(username=username)
    with acting(user=user, source="bench"):
        start = time.perf_counter()
        dry = _default_resource()(user).import_data(tablib.Dataset().load(data, format="xlsx"), dry_run=True)
        middle = time.perf_counter()
        real = _default_resource()(user).import_data(tablib.Dataset().load(data, format="xlsx"), dry_run=False)
        end = time.perf_counter()
    for result in (dry, real):
        if result.has_errors() or result.has_validation_errors():
            raise SystemExit(f"the default path reported errors: {result.base_errors or result.invalid_rows[:3]}")
    return "django-import-export default: dry run, then import", {"dry run": middle - start, "commit": end - middle}


def _default_resource():
    """A plain ModelResource: widgets that look up the cadre and the rule version per row, rows saved
    one by one (use_bulk off, so every save also writes its audit event through the signal)."""
    import re

    from django.db.models import Q
    from import_export import resources, widgets
    from import_export.fields import Field

    from records.models import Cadre, LedgerEntry, PointRule

    class MonthWidget(widgets.Widget):
        def clean(self, value, row=None, **kwargs):
            match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})|年(\d{1,2})月)", str(value).strip())
            if not match:
                raise ValueError(f"not a month: {value}")
            return date(int(match[1]), int(match[2] or match[3]), 1)

    class RuleOnDateWidget(widgets.ForeignKeyWidget):
        def __init__(self):
            super().__init__(PointRule, field="code")

        def clean(self, value, row=None, **kwargs):
            day = row["发生日期"].date()
            return PointRule.objects.filter(code=value, valid_from__lte=day).get(
                Q(valid_to__isnull=True) | Q(valid_to__gte=day)
            )

    class DefaultLedgerResource(resources.ModelResource):
        cadre = Field("cadre", "干部编号", widgets.ForeignKeyWidget(Cadre, field="staff_no"))
        month = Field("month", "月份", MonthWidget())
        rule = Field("rule", "积分项目代码", RuleOnDateWidget())
        points = Field("points", "分值", widgets.DecimalWidget())
        facts = Field("facts", "事由", widgets.CharWidget())
        document_no = Field("document_no", "文号", widgets.CharWidget())
        occurred_on = Field("occurred_on", "发生日期", widgets.DateWidget())

        class Meta:
            model = LedgerEntry
            fields = ("id", "cadre", "month", "rule", "points", "facts", "document_no", "occurred_on")

        def __init__(self, user):
            super().__init__()
            self.user = user

        def before_save_instance(self, instance, row, **kwargs):
            instance.unit_id = instance.cadre.unit_id
            instance.rule_code, instance.category = instance.rule.code, instance.rule.category
            instance.effective_points = instance.points
            instance.entered_by = self.user

    return DefaultLedgerResource


# --- Data ---


def _seed(cadre_count):
    from accounts.models import Role, RoleAssignment, User
    from records.models import CadreCategory, Rank
    from records.services import cadre_create, unit_create

    county = unit_create(code="C0", name="青山县", kind="党委")
    towns = [unit_create(code=f"T{n:02d}", name=f"第{n}镇", kind="乡镇街道", parent=county) for n in range(10)]
    cadres = [
        cadre_create(
            staff_no=f"GB{n:06d}",
            name=f"干部{n}",
            gender="男",
            birth_date=date(1985, 6, 1),
            unit=towns[n % len(towns)],
            position="科员",
            leadership_level="无",
            rank=Rank.STAFF_1,
            category=CadreCategory.CIVIL_SERVANT,
            post_since=date(2020, 1, 1),
            rank_since=date(2020, 1, 1),
        )
        for n in range(cadre_count)
    ]
    clerk = User.objects.create_user(username="bench_clerk", password=None)
    RoleAssignment.objects.create(user=clerk, role=Role.CLERK, scope=county)
    return clerk, cadres


def _workbook(cadres, rows):
    """Valid rows only, so both paths commit all of them: random rules in force, points in range,
    a distinct 文号 per row, months as text in both formats, dates as Excel date cells."""
    import openpyxl
    from django.utils import timezone

    from records.selectors.ledger import rules_in_force

    rng = random.Random(20261121)
    this_month = timezone.localdate().replace(day=1)
    months = [(this_month - timedelta(days=1 + 31 * n)).replace(day=1) for n in range(10)]
    rules = list(rules_in_force(this_month))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["干部编号", "姓名", "月份", "积分项目代码", "分值", "事由", "文号", "发生日期"])
    for n in range(rows):
        cadre, rule, month = cadres[n % len(cadres)], rng.choice(rules), months[n % len(months)]
        steps = int((rule.max_points - rule.min_points) / Decimal("0.5"))
        points = rule.min_points + Decimal("0.5") * rng.randint(0, steps)
        sheet.append(
            [
                cadre.staff_no,
                cadre.name,
                f"{month:%Y-%m}" if n % 2 else f"{month.year}年{month.month}月",
                rule.code,
                float(points),
                f"{rule.name}：第{n}项",
                f"青政〔{month.year}〕{n + 1}号",
                month + timedelta(days=rng.randint(0, 27)),
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Scratch databases: a seeded one, and a fresh copy of it for each run ---


class Scratch:
    def __init__(self, tmp, *, postgres):
        from django.db import connection

        self.tmp, self.postgres = tmp, postgres
        self.base = connection.settings_dict["NAME"]
        self.seed_name = f"bench_ledger_{os.getpid()}_seed" if postgres else self.base
        self.created = []
        if postgres:
            self._admin(f'CREATE DATABASE "{self.seed_name}"')
            self.created.append(self.seed_name)

    def copy(self, name):
        if self.postgres:
            target = f"bench_ledger_{os.getpid()}_{name}"
            self._admin(f'CREATE DATABASE "{target}" TEMPLATE "{self.seed_name}"')
            self.created.append(target)
            return target
        target = os.path.join(self.tmp, f"{name}.sqlite3")
        shutil.copyfile(self.seed_name, target)
        return target

    def use(self, name):
        from django.db import connection

        connection.close()
        connection.settings_dict["NAME"] = name

    def close(self):
        from django.db import connections

        connections.close_all()

    def drop(self, name):
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{name}"')
            self.created.remove(name)
        else:
            os.remove(name)

    def drop_all(self):
        self.close()
        for name in reversed(self.created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        self.created = []

    def _admin(self, sql):
        from django.db import connection

        self.use(self.base)
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)


def _secs(since):
    return f"{time.perf_counter() - since:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
