"""One access helper per object type of the annual pages: 404 for what the user may not see."""

from django.shortcuts import get_object_or_404

from .selectors_scores import (
    FLAG_RELATED,
    SUMMARY_RELATED,
    flags_visible_to,
    snapshots_visible_to,
    summaries_visible_to,
)


def get_summary_for_user(user, cadre_id, year):
    return get_object_or_404(
        summaries_visible_to(user).select_related(*SUMMARY_RELATED, "scheme", "decided_by"),
        cadre_id=cadre_id,
        year=year,
    )


def get_flag_for_user(user, pk):
    return get_object_or_404(flags_visible_to(user).select_related(*FLAG_RELATED), pk=pk)


def get_snapshot_for_user(user, pk):
    return get_object_or_404(snapshots_visible_to(user).select_related("unit", "created_by"), pk=pk)
