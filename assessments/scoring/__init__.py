"""The scoring engine: annual summaries and flags, computed set-based (DOMAIN §5–§7).

``ledger_sql`` aggregates a year's ledger with every cap in one SQL statement; ``compute`` joins it
with the reviews, grades under the quotas and raises the flags; ``jobs`` runs it as a Celery job.
"""
