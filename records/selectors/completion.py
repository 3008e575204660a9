"""纪实完成情况: per unit and month of a year, how far entry has come and whether the month is closed."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from accounts.models import Role

from ..models import CadreStatus, EntryStatus, LedgerEntry, MonthClose, UnitClosure
from .roster import units_visible_to


@dataclass
class Cell:
    month: date
    cadres: int = 0
    entries: int = 0
    pending: int = 0
    # Pending entries of the unit and every unit below it: a close waits for them.
    subtree_pending: int = 0
    # The unit's own close row (closed, or reopened with its reason), if any.
    row: MonthClose | None = None
    # The row that locks this month: the unit's own, or the nearest closed ancestor's.
    closed_by_row: MonthClose | None = None
    future: bool = False
    can_close: bool = False
    can_reopen: bool = False

    @property
    def closed(self):
        return self.closed_by_row is not None

    @property
    def closed_here(self):
        return self.closed_by_row is not None and self.closed_by_row is self.row

    @property
    def month_key(self):
        return f"{self.month:%Y-%m}"


def _tree_order(units):
    ids = {u.id for u in units}
    children = {}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    ordered = []

    def walk(parent, level):
        for u in children.get(parent, []):
            u.level = level
            ordered.append(u)
            walk(u.id, level + 1)

    walk(None, 0)
    return ordered


def completion_grid(user, year, *, today):
    """Rows of (unit, cells by month) for the units in the user's scope, in tree order.

    A constant number of queries whatever the number of units: the close state of every unit and
    month comes from one join of the year's close rows with the closure table, so a unit closed
    through an ancestor (even one above the user's scope) shows as closed.
    """
    units = _tree_order(
        list(
            units_visible_to(user)
            .annotate(
                active=Count("cadres", filter=Q(cadres__status=CadreStatus.ACTIVE)),
                # Seconded (挂职) cadres keep their unit's month sheet, so their entries count here;
                # shown apart from those in post, as the 纪实完成情况表 does.
                seconded=Count("cadres", filter=Q(cadres__status=CadreStatus.SECONDED)),
            )
            .order_by("depth", "order", "code")
        )
    )
    unit_ids = [u.id for u in units]
    stats = {
        (row["unit_id"], row["month"].month): row
        for row in LedgerEntry.objects.filter(unit_id__in=unit_ids, month__year=year)
        .exclude(status=EntryStatus.RETURNED)
        .values("unit_id", "month")
        .annotate(
            cadres=Count("cadre", distinct=True),
            entries=Count("id"),
            pending=Count("id", filter=Q(status=EntryStatus.PENDING)),
        )
        .order_by()
    }
    # Close rows of the year on the units and on every ancestor of them.
    ancestors = UnitClosure.objects.filter(descendant_id__in=unit_ids).values("ancestor_id")
    rows = list(
        MonthClose.objects.filter(month__year=year, unit_id__in=ancestors).select_related(
            "unit", "closed_by", "reopened_by"
        )
    )
    own = {(r.unit_id, r.month.month): r for r in rows}
    closed_units = {r.unit_id for r in rows if r.closed}
    # (descendant, ancestor, distance) for every closed ancestor: nearest first.
    links = (
        UnitClosure.objects.filter(descendant_id__in=unit_ids, ancestor_id__in=closed_units)
        .values_list("descendant_id", "ancestor_id")
        .order_by("descendant_id", "distance")
        if closed_units
        else []
    )
    lock = {}
    closed_rows = {(r.unit_id, r.month.month): r for r in rows if r.closed}
    for descendant, ancestor in links:
        for m in range(1, 13):
            row = closed_rows.get((ancestor, m))
            if row is not None:
                lock.setdefault((descendant, m), row)

    closable = set(units_visible_to(user, roles={Role.CLERK, Role.REVIEWER}).values_list("id", flat=True))
    reopenable = set(units_visible_to(user, roles={Role.REVIEWER}).values_list("id", flat=True))
    this_month = today.replace(day=1)
    grid = []
    for u in units:
        cells = []
        for m in range(1, 13):
            month = date(year, m, 1)
            stat = stats.get((u.id, m), {})
            cell = Cell(
                month=month,
                cadres=stat.get("cadres", 0),
                entries=stat.get("entries", 0),
                pending=stat.get("pending", 0),
                row=own.get((u.id, m)),
                closed_by_row=lock.get((u.id, m)),
                future=month > this_month,
            )
            cell.can_close = not cell.future and not cell.closed and u.id in closable
            cell.can_reopen = cell.closed_here and u.id in reopenable
            cells.append(cell)
        grid.append({"unit": u, "cells": cells})
    _add_subtree_pending(grid)
    return grid


def _add_subtree_pending(grid):
    """Sum each cell's pending entries up the tree; children come after their parent in ``grid``."""
    by_unit = {row["unit"].id: row["cells"] for row in grid}
    for row in grid:
        for cell in row["cells"]:
            cell.subtree_pending = cell.pending
    for row in reversed(grid):
        parent = by_unit.get(row["unit"].parent_id)
        if parent is not None:
            for mine, theirs in zip(row["cells"], parent, strict=True):
                theirs.subtree_pending += mine.subtree_pending


__all__ = ["Cell", "completion_grid"]
