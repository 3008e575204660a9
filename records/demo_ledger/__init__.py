"""The demo county's ledger of LEDGER_YEAR: entries and their review, reversals and corrections,
fault-tolerance rulings, sanctions, talks and month closes, all written in bulk.

One ``random.Random`` derived from the command's seed drives everything and cadres are visited in
staff-number order, so a seed gives the same ledger on any database. Every timestamp is drawn by
the generator, on or before REFERENCE_DATE: entries are entered after they happen, decided after
they are entered (never by whoever entered them) and before their month is closed.
"""

from django.utils.translation import gettext as _

from records import demo_data as data
from records.models import LedgerEntry

from .rows import Batch, own_timestamps, reset_sequence
from .seeder import LedgerSeeder

CHUNK = 250  # cadres per bulk write, so memory stays flat for a large county
STATS = ("entries", "confirmed", "pending", "returned", "reversals", "corrections", "rulings", "sanctions", "talks",
         "closed_months")  # fmt: skip


def seed_ledger(*, cadres, plans, units, users, seed):
    """Write the demo ledger for ``cadres`` (saved, in plan order); answers the counts for the summary."""
    seeder = LedgerSeeder(units=units, users=users, plans=plans, seed=seed)
    people = [(c, p) for c, p in zip(cadres, plans, strict=True) if seeder.keeps_record(p)]
    # Rare events by quota, so that even a small demo county shows them.
    sanctioned = seeder.pick(len(people), 0.006)
    reversing = seeder.pick(len(people), 1 / 60)
    with own_timestamps():
        for start in range(0, len(people), CHUNK):
            batch = Batch()
            for i in range(start, min(start + CHUNK, len(people))):
                seeder.cadre(*people[i], batch, sanctioned=i in sanctioned, reversing=i in reversing)
            seeder.write(batch)
    reset_sequence(LedgerEntry)
    seeder.close_months()
    return seeder.stats


def audit_note(stats):
    return (
        f"{data.LEDGER_YEAR} 年纪实 {stats['entries']} 条（已确认 {stats['confirmed']}，待审核 {stats['pending']}，"
        f"退回 {stats['returned']}，冲销 {stats['reversals']}），容错 {stats['rulings']} 件，"
        f"处分 {stats['sanctions']} 件，谈话 {stats['talks']} 次，关账 {stats['closed_months']} 个单位月"
    )


def summary_lines(stats):
    counts = {"year": data.LEDGER_YEAR} | {key: stats[key] for key in STATS}
    return [
        _(
            "Ledger %(year)d: %(entries)d entries (%(confirmed)d confirmed, %(pending)d pending, %(returned)d returned;"
            " %(reversals)d reversals, %(corrections)d corrections)"
        )
        % counts,
        _(
            "Fault-tolerance rulings: %(rulings)d  Sanctions: %(sanctions)d  Talks: %(talks)d"
            "  Closed months: %(closed_months)d"
        )
        % counts,
    ]
