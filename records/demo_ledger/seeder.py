"""One pass over the county's cadres, drawing a year of ledger facts and what followed them."""

import itertools
import random
import string
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max

from records import demo_data as data
from records.models import (
    CadreStatus,
    EntryStatus,
    FaultToleranceRuling,
    FTBasis,
    FTOutcome,
    FTStage,
    LedgerEntry,
    ManagementTier,
    MonthClose,
    PointRule,
    Sanction,
    SanctionMeasure,
    TalkRecord,
    UnitKind,
    effective_points,
    impact_end,
)
from records.services.ledger import month_end

from .rows import BATCH, Entry, insert_rows

HALF = Decimal("0.5")
TENTH = Decimal("0.1")


@dataclass
class Keepers:
    """The demo users who enter and decide one unit's ledger."""

    clerk: object
    reviewers: tuple


class LedgerSeeder:
    def __init__(self, *, units, users, plans, seed):
        self.rng = random.Random(f"{seed}:ledger")  # noqa: S311 - demo data, not a secret
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.units = units
        self.rules = defaultdict(list)
        for rule in PointRule.objects.order_by("code", "valid_from"):
            self.rules[rule.code].append(rule)
        self.measures = {(m.kind, m.name): m for m in SanctionMeasure.objects.all()}
        self.templates = {
            t: [f for _lit, f, _spec, _conv in string.Formatter().parse(t) if f]
            for ts in data.FACTS.values()
            for t in ts
        }
        self.ids = itertools.count((LedgerEntry.objects.aggregate(last=Max("id"))["last"] or 0) + 1)
        self.numbers = Counter()  # running document numbers of sanctions and filings
        self.stats = Counter()
        town = next(scope for username, _n, _r, scope, _p in data.DEMO_USERS if username == "demo_clerk")
        self.town = units[town]
        self.keepers_town = Keepers(users["demo_clerk"], (users["demo_reviewer_town"],) * 3 + (users["demo_reviewer"],))
        self.keepers_county = Keepers(users["demo_clerk_county"], (users["demo_reviewer"],))
        self.talkers = self._talkers(plans)

    # --- who and when --------------------------------------------------------------------------

    def keeps_record(self, plan):
        # City-managed county leaders are recorded by the city; retired cadres no longer have a ledger.
        fields = plan.fields
        return fields["status"] != CadreStatus.RETIRED and fields["management_tier"] != ManagementTier.CITY

    def keepers(self, unit_code):
        town = self.town.code
        return self.keepers_town if unit_code == town or unit_code.startswith(f"{town}-") else self.keepers_county

    def _talkers(self, plans):
        heads = {}
        for p in plans:
            if p.fields["is_leader"] and p.unit_code not in heads:
                heads[p.unit_code] = f"{p.fields['position']}{p.fields['name']}"
        by_name = {u.name: code for code, u in self.units.items()}
        organization = heads.get(by_name.get("县委组织部"))
        discipline = heads.get(by_name.get("县纪委监委机关"))
        return {
            "heads": heads,
            "organization": f"县委组织部{organization}" if organization else "县委组织部干部监督股",
            "discipline": discipline or "县纪委监委",
        }

    def pick(self, n, rate, least=2):
        return set(self.rng.sample(range(n), min(n, max(least, round(n * rate)))))

    def moment(self, day):
        minute = self.between(8 * 60, 18 * 60 - 1)
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)

    def between(self, low, high):
        """randint's distribution at a fraction of its cost, which counts a million calls in."""
        return low + int(self.rng.random() * (high - low + 1))

    def later(self, day, low, high):
        """A day ``low``–``high`` days after ``day``, or None when that is after the reference date."""
        result = day + timedelta(days=self.between(low, high))
        return result if result <= data.REFERENCE_DATE else None

    def months_in_service(self, plan):
        """{month: (unit code, first day served)} for the months of LEDGER_YEAR the cadre served."""
        postings = plan.postings
        first = postings[0][3]
        months = {}
        for m in range(1, 13):
            start = date(data.LEDGER_YEAR, m, 1)
            end = month_end(start)
            if first > end:
                continue
            held = [p for p in postings if p[3] <= end and (p[4] is None or p[4] >= start)]
            months[m] = (held[-1][0] if held else plan.unit_code, max(start, first))
        return months

    # --- one cadre's year ----------------------------------------------------------------------

    def cadre(self, cadre, plan, batch, *, sanctioned, reversing):
        rng = self.rng
        months = self.months_in_service(plan)
        if not months:
            return
        perf = min(1.6, max(0.5, rng.gauss(1, 0.25)))
        key_tasks = rng.random() < 0.75
        village = self.units[plan.unit_code].kind == UnitKind.TOWNSHIP and rng.random() < 0.12
        investor = rng.random() < (0.4 if plan.fields["is_leader"] else 0.1)
        events = defaultdict(list)
        for code, chance, when in data.ANNUAL_EVENTS:
            if rng.random() < chance * perf:
                events[rng.choice(when)].append(code)
        sanction_month = rng.choice([m for m in months if 2 <= m <= 11] or [None]) if sanctioned else None
        mine = []
        for m, (unit_code, first) in months.items():
            keepers = self.keepers(unit_code)
            codes = self.month_codes(m, events.get(m, []), key_tasks, village, investor)
            if rng.random() < data.DEDUCTION_RATE:
                codes.append(rng.choices(list(data.DEDUCTIONS), weights=list(data.DEDUCTIONS.values()))[0])
            for code, count in Counter(codes).items():
                for doc in self.documents(code, m, count):
                    entry = self.entry(cadre, unit_code, keepers, code, m, first, doc, perf)
                    if entry is not None:
                        mine.append((entry, keepers))
                        self.talk_about(entry, cadre, keepers, batch)
            if m == sanction_month:
                self.sanction(cadre, unit_code, keepers, m, first, batch, mine)
        batch.entries += [e for e, _k in mine]
        self.follow_up(mine, batch, perf, reversing)
        self.heart_to_heart(cadre, plan, months, batch)

    def month_codes(self, m, events, key_tasks, village, investor):
        rng = self.rng
        codes = list(events)
        codes += ["ZD01"] * (self.between(2, 4) if key_tasks else self.between(0, 1))
        if village:
            codes.append("JN06")
        if rng.random() < 0.05:
            codes.append("BZ05")
        weights = {code: weight for code, (weight, _most) in data.MONTHLY_RULES.items()}
        if m in data.FLOOD_MONTHS:
            weights["JN02"] *= 3
        if investor:
            weights["JN05"] *= 3
        taken = Counter()
        for _slot in range(self.between(8, 12) - len(codes)):
            open_codes = [c for c in weights if taken[c] < data.MONTHLY_RULES[c][1]]
            code = rng.choices(open_codes, weights=[weights[c] for c in open_codes])[0]
            taken[code] += 1
        return codes + [c for c in data.MONTHLY_RULES for _n in range(taken[c])]

    def documents(self, code, m, count):
        """``count`` distinct documents of this month for rule ``code``: never the same fact twice."""
        if code in data.UNDOCUMENTED or code not in data.DOCUMENTS:
            return [""] * count
        issuer, per_month = data.DOCUMENTS[code]
        picks = self.rng.sample(range(1, per_month + 1), min(count, per_month))
        return [f"{issuer}〔{data.LEDGER_YEAR}〕{(m - 1) * per_month + k}号" for k in picks]

    def rule_on(self, code, day):
        return next((r for r in self.rules.get(code, ()) if r.valid_on(day)), None)

    def points(self, rule, perf):
        steps = int((rule.max_points - rule.min_points) / HALF)
        if rule.sign > 0:
            k = min(steps, int(self.rng.random() ** (1.5 / perf) * (steps + 1)))
            value = rule.min_points + k * HALF
        else:
            k = min(steps, int(self.rng.random() ** 2 * (steps + 1)))
            value = rule.max_points - k * HALF
        return value or (rule.max_points if rule.sign > 0 else rule.min_points)

    def facts(self, code, m):
        template = self.rng.choice(data.FACTS[code])
        slots = {}
        for name in self.templates[template]:
            if name == "honor":
                slots[name] = self.rng.choice(data.HONORS[code])
            elif name == "n":
                slots[name] = self.between(2, 30)
            elif name == "pct":
                slots[name] = self.between(103, 128)
            elif name == "month":
                slots[name] = m
            else:
                slots[name] = self.rng.choice(data.FACT_SLOTS[name])
        return template.format(**slots)

    def entry(self, cadre, unit_code, keepers, code, m, first, doc, perf, *, points=None, facts=None):
        last = min(month_end(date(data.LEDGER_YEAR, m, 1)), data.REFERENCE_DATE)
        day = first + timedelta(days=self.between(0, (last - first).days))
        rule = self.rule_on(code, day)
        if rule is None:
            return None
        points = points if points is not None else self.points(rule, perf)
        entry = Entry(
            id=next(self.ids),
            cadre_id=cadre.pk,
            unit_id=self.units[unit_code].pk,
            month=date(data.LEDGER_YEAR, m, 1),
            rule=rule,
            points=points,
            effective_points=points,
            facts=facts or self.facts(code, m),
            document_no=doc,
            occurred_on=day,
            entered_by_id=keepers.clerk.pk,
            entered_at=self.moment(min(day + timedelta(days=self.between(0, 4)), data.REFERENCE_DATE)),
        )
        self.review(entry, keepers)
        return entry

    def review(self, entry, keepers):
        """Decided within a week of entry, before the month closes; the newest ones wait in the queue."""
        rng = self.rng
        decided_on = self.later(entry.entered_at.date(), 1, 6)
        if decided_on is None or (entry.month.month >= 11 and rng.random() < 0.1):
            return
        entry.decided_by_id = rng.choice(keepers.reviewers).pk
        entry.decided_at = self.moment(decided_on)
        if rng.random() < (0.004 if entry.month.month in data.CLOSED_MONTHS else 0.012):
            entry.status, entry.return_reason = EntryStatus.RETURNED, rng.choice(data.RETURN_REASONS)
        else:
            entry.status = EntryStatus.CONFIRMED

    # --- what follows an entry -----------------------------------------------------------------

    def follow_up(self, mine, batch, perf, reversing):
        """A reversal (and often a correction) of a closed month's entry; fault tolerance on some deductions."""
        rng = self.rng
        confirmed = [(e, k) for e, k in mine if e.status == EntryStatus.CONFIRMED]
        if reversing:
            adds = [(e, k) for e, k in confirmed if e.points > 0 and e.month.month in data.CLOSED_MONTHS]
            if adds:
                original, keepers = rng.choice(adds)
                self.reverse(original, keepers, batch, perf)
        for entry, keepers in confirmed:
            if entry.rule_code in data.TOLERABLE and entry.month.month <= 11 and rng.random() < 0.3:
                self.ruling(entry, keepers, batch)

    def reverse(self, original, keepers, batch, perf):
        rng = self.rng
        reason, corrected = rng.choice(data.REVERSAL_REASONS)
        entered = self.moment(original.decided_at.date() + timedelta(days=self.between(1, 4)))
        common = {
            "cadre_id": original.cadre_id,
            "unit_id": original.unit_id,
            "month": original.month,
            "rule": original.rule,
            "document_no": original.document_no,
            "occurred_on": original.occurred_on,
            "entered_by_id": keepers.clerk.pk,
            "entered_at": entered,
            "status": EntryStatus.CONFIRMED,
            "decided_by_id": original.decided_by_id,
            "decided_at": entered + timedelta(days=self.between(1, 2)),
        }
        batch.followups.append(
            Entry(
                id=next(self.ids),
                points=-original.points,
                effective_points=-original.effective_points,
                facts=f"冲销：{reason}",
                reverses_id=original.id,
                **common,
            )
        )
        self.stats["reversals"] += 1
        if corrected:
            points = self.points(original.rule, perf)
            if points == original.points:
                points = original.rule.min_points if points != original.rule.min_points else original.rule.max_points
            if points != original.points:
                batch.followups.append(
                    Entry(
                        id=next(self.ids),
                        points=points,
                        effective_points=points,
                        facts=original.facts,
                        corrects_id=original.id,
                        **common,
                    )
                )
                self.stats["corrections"] += 1

    def ruling(self, entry, keepers, batch):
        """An application that went as far as time (and the reviewers) allowed."""
        rng = self.rng
        clerk, reviewer = keepers.clerk, entry.decided_by_id
        basis = rng.choice(FTBasis.values)
        ruling = FaultToleranceRuling(
            entry_id=entry.id,
            basis=basis,
            application=data.APPLICATIONS[basis].format(work=rng.choice(data.WORKS)),
            applied_by=clerk,
        )
        target = rng.choices(FTStage.values, weights=(15, 15, 25, 45))[0]
        applied_on = self.later(entry.decided_at.date(), 3, 10)
        if applied_on is None:
            return
        ruling.applied_at = self.moment(applied_on)
        batch.rulings.append(ruling)
        self.stats["rulings"] += 1
        verified_on = self.later(applied_on, 5, 15) if target != FTStage.APPLIED else None
        if verified_on is None:
            return
        ruling.stage, ruling.verification = FTStage.VERIFIED, data.VERIFICATION
        ruling.verified_by_id, ruling.verified_at = reviewer, self.moment(verified_on)
        determined_on = self.later(verified_on, 5, 20) if target in (FTStage.DETERMINED, FTStage.FILED) else None
        if determined_on is None:
            return
        outcome = rng.choices(FTOutcome.values, weights=(35, 40, 25))[0]
        reduced = None
        if outcome == FTOutcome.REDUCED:
            reduced = max(entry.points + TENTH, min(-TENTH, (entry.points / 2).quantize(TENTH)))
        ruling.stage, ruling.outcome, ruling.reduced_points = FTStage.DETERMINED, outcome, reduced
        ruling.determination, ruling.determined_by_id = data.DETERMINATIONS[outcome], reviewer
        ruling.determined_at = self.moment(determined_on)
        entry.effective_points = effective_points(entry.points, outcome, reduced)
        filed_on = self.later(determined_on, 3, 10) if target == FTStage.FILED else None
        if filed_on is None:
            return
        self.numbers["filing"] += 1
        ruling.stage, ruling.filed_by, ruling.filed_at = FTStage.FILED, clerk, self.moment(filed_on)
        ruling.filing_document_no = f"青容纠备〔{data.LEDGER_YEAR}〕{self.numbers['filing']}号"

    def sanction(self, cadre, unit_code, keepers, m, first, batch, mine):
        rng = self.rng
        kind, name, _w, code, points, issuer = rng.choices(data.SANCTIONS, weights=[s[2] for s in data.SANCTIONS])[0]
        measure = self.measures.get((kind, name))
        if measure is None:
            return
        self.numbers[issuer] += 1
        doc = f"{issuer}〔{data.LEDGER_YEAR}〕{self.numbers[issuer]}号"
        reason = rng.choice(data.SANCTION_REASONS)
        facts = f"因{reason}被诫勉" if kind == "诫勉" else f"因{reason}受到{kind}（{name}）"
        entry = self.entry(cadre, unit_code, keepers, code, m, first, doc, 1, points=Decimal(points), facts=facts)
        if entry is None:
            return
        mine.append((entry, keepers))
        day = entry.occurred_on
        batch.sanctions.append(
            Sanction(
                cadre=cadre,
                measure=measure,
                decided_on=day,
                document_no=doc,
                reason=facts,
                promotion_barred_until=impact_end(day, measure.promotion_bar_months),
                post_barred_until=impact_end(day, measure.post_bar_months) if measure.post_bar_months else None,
                blocks_excellent=measure.blocks_excellent,
                entered_by=keepers.clerk,
                entered_at=entry.entered_at,
            )
        )

    def talk_about(self, entry, cadre, keepers, batch):
        """约谈 and 函询 are talks too; other deductions are followed by a reminder talk now and then."""
        if entry.rule_code == "YT01" or (entry.rule_code in {"SW01", "TB01", "TB02"} and self.rng.random() < 0.4):
            talker = self.talkers["discipline" if entry.rule_code == "YT01" else "organization"]
            self.talk(cadre, keepers, "提醒谈话", entry.occurred_on, talker, batch)
        elif entry.rule_code == "YT02":
            self.talk(cadre, keepers, "函询", entry.occurred_on, self.talkers["discipline"], batch)

    def heart_to_heart(self, cadre, plan, months, batch):
        """After taking up a new post in the year, and for a few others during it."""
        keepers = self.keepers(plan.unit_code)
        head = self.talkers["heads"].get(plan.unit_code)
        talker = head if head and not head.endswith(plan.fields["name"]) else self.talkers["organization"]
        since = plan.fields["post_since"]
        if since.year == data.LEDGER_YEAR:
            self.talk(cadre, keepers, "谈心谈话", since, talker, batch)
        elif self.rng.random() < 0.05:
            m = self.rng.choice(list(months))
            self.talk(cadre, keepers, "谈心谈话", months[m][1], talker, batch)

    def talk(self, cadre, keepers, kind, after, talker, batch):
        held_on = self.later(after, 3, 20)
        if held_on is None:
            return
        summary, outcome = data.TALKS[kind]
        batch.talks.append(
            TalkRecord(
                cadre=cadre,
                kind=kind,
                held_on=held_on,
                talker=talker,
                summary=summary.format(work=self.rng.choice(data.WORKS), complaint=self.rng.choice(data.COMPLAINTS)),
                outcome=outcome,
                entered_by=keepers.clerk,
                entered_at=self.moment(min(held_on + timedelta(days=1), data.REFERENCE_DATE)),
            )
        )

    # --- writing -------------------------------------------------------------------------------

    def write(self, batch):
        insert_rows(LedgerEntry, batch.entries + batch.followups)
        FaultToleranceRuling.objects.bulk_create(batch.rulings, batch_size=BATCH)
        Sanction.objects.bulk_create(batch.sanctions, batch_size=BATCH)
        TalkRecord.objects.bulk_create(batch.talks, batch_size=BATCH)
        for e in batch.entries + batch.followups:
            self.stats[e.status] += 1
        self.stats["entries"] += len(batch.entries) + len(batch.followups)
        self.stats["sanctions"] += len(batch.sanctions)
        self.stats["talks"] += len(batch.talks)

    def close_months(self):
        """Every township closes January–October, about three weeks after each month ends."""
        root = self.units[data.COUNTY_CODE]
        closes = []
        for unit in self.units.values():
            if unit.parent_id != root.pk or unit.kind != UnitKind.TOWNSHIP:
                continue
            for m in data.CLOSED_MONTHS:
                month = date(data.LEDGER_YEAR, m, 1)
                closes.append(
                    MonthClose(
                        unit=unit,
                        month=month,
                        closed=True,
                        closed_by=self.keepers(unit.code).clerk,
                        closed_at=datetime.combine(month_end(month) + timedelta(days=20), time(16, 30), tzinfo=self.tz),
                    )
                )
        MonthClose.objects.bulk_create(closes, batch_size=BATCH)
        self.stats["closed_months"] = len(closes)
