"""Signals other apps listen to; records itself knows nothing of scoring."""

from django.dispatch import Signal

# Sent inside the transaction that changed which points count (a confirmation, a fault-tolerance
# outcome), with ``cadre_ids`` and ``years``.
points_changed = Signal()

# Sent inside the transaction that corrected or withdrew a sanction, with ``cadre_ids`` and the
# ``years`` its impact periods and 优秀 bar touched, before and after: their flags and grades move.
sanctions_changed = Signal()
