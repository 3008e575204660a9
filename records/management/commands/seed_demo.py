"""A fictional county for demos and manual testing: ``python manage.py seed_demo [--cadres N] [--seed S]``.

One seed gives the same county, people, postings and ledger (records.demo_ledger) on any database: all
randomness comes from the seed and every date is counted back from REFERENCE_DATE, never from today.
Running the command again where the county exists changes nothing and prints the logins again.
There is no ``--reset``: the audit log is append-only, so seed anew into a fresh database.
"""

import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.models import Role, RoleAssignment
from accounts.services import role_grant
from assessments import demo as demo_reviews
from assessments.scoring.compute import recompute
from audit.context import acting
from audit.models import Action
from audit.services import audit_record
from core.masking import id_check_digit
from records.demo_data import (
    AGES,
    COUNTY_CODE,
    COUNTY_NAME,
    COUNTY_POSTS,
    DEMO_USERS,
    DEPARTMENTS,
    ETHNICITIES,
    FEMALE_CHARS,
    ID_PREFIXES,
    LEADER_LEVELS,
    MALE_CHARS,
    MOBILE_PREFIXES,
    OFFICE_WEIGHT,
    PROFILES,
    REFERENCE_DATE,
    SHARED_FIRST,
    STEP_DOWN,
    SURNAMES,
    TOWNSHIP_OFFICES,
    TOWNSHIPS,
    township_posts,
)
from records.demo_ledger import audit_note, seed_ledger, summary_lines
from records.models import (
    Cadre,
    CadreCategory,
    CadreStatus,
    Education,
    Gender,
    LeadershipLevel,
    ManagementTier,
    PoliticalStatus,
    Posting,
    Rank,
    Unit,
    UnitKind,
)
from records.services import unit_create

L = LeadershipLevel
K = UnitKind
C = CadreCategory


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    order: int
    group: str  # county, township, department, office
    weight: int = 0
    profile: str = "gov"
    leaders: tuple = ()  # ((title, level), …) in the order they are filled
    unit_heads: tuple = ()  # 股级 titles


@dataclass
class CadrePlan:
    fields: dict
    unit_code: str
    postings: list = field(default_factory=list)  # [(unit code, position, level, start, end)], oldest first


def unit_specs():
    """The county's tree, parents before children: root, 20 townships, 30 departments, 12 offices."""
    specs = [UnitSpec(COUNTY_CODE, COUNTY_NAME, K.PARTY, None, 0, "county", leaders=COUNTY_POSTS)]
    for i, (name, weight) in enumerate(TOWNSHIPS, 1):
        code = f"{COUNTY_CODE}-T{i:02d}"
        specs.append(UnitSpec(code, name, K.TOWNSHIP, COUNTY_CODE, i, "township", weight, "township",
                              *township_posts(name)))  # fmt: skip
        for j, office in enumerate(TOWNSHIP_OFFICES.get(name, ()), 1):
            specs.append(UnitSpec(f"{code}-{j:02d}", f"{name}{office}", K.TOWNSHIP, code, j, "office",
                                  OFFICE_WEIGHT, "township", unit_heads=("主任",)))  # fmt: skip
    for i, (name, kind, head, deputy, deputies, weight, profile, offices) in enumerate(DEPARTMENTS, 1):
        code = f"{COUNTY_CODE}-D{i:02d}"
        leaders = ((head, L.SECTION_HEAD),) + ((deputy, L.SECTION_DEPUTY),) * deputies
        heads = ("办公室主任",) if offices else ("办公室主任", "股长", "股长", "股长")
        specs.append(UnitSpec(code, name, kind, COUNTY_CODE, 100 + i, "department", weight, profile, leaders, heads))
        for j, office in enumerate(offices, 1):
            specs.append(UnitSpec(f"{code}-{j:02d}", f"{name}{office}", kind, code, j, "office",
                                  OFFICE_WEIGHT, profile, unit_heads=("股长",)))  # fmt: skip
    return specs


def _headcounts(specs, n, rng):
    """Split n cadres over the units: a few county leaders on the root, the rest by jittered weight."""
    counts = [0] * len(specs)
    counts[0] = min(len(COUNTY_POSTS), max(1, round(n * 0.012)), n)
    rest = n - counts[0]
    weights = [s.weight * rng.uniform(0.8, 1.2) for s in specs[1:]]
    total = sum(weights)
    shares = [rest * w / total for w in weights]
    floors = [int(x) for x in shares]
    # Largest remainder; the index breaks ties so the split never depends on float noise alone.
    by_remainder = sorted(range(len(shares)), key=lambda i: (floors[i] - shares[i], i))
    for i in by_remainder[: rest - sum(floors)]:
        floors[i] += 1
    counts[1:] = floors
    return counts


def _slots(spec, count):
    """(title, level) for each cadre of a unit: leaders first, then 股级 heads, then staff (title None)."""
    if spec.group == "county":
        return list(spec.leaders[:count])
    n_lead = min(len(spec.leaders), count, max(1, round(count * 0.3))) if spec.leaders else 0
    wanted_heads = round(count * 0.1) if spec.leaders else max(1, round(count * 0.1))
    n_heads = min(len(spec.unit_heads), count - n_lead, wanted_heads)
    slots = list(spec.leaders[:n_lead]) + [(t, L.UNIT_HEAD) for t in spec.unit_heads[:n_heads]]
    return slots + [(None, L.NONE)] * (count - len(slots))


def _pick(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _years(n):
    return timedelta(days=round(n * 365.25))


class _Generator:
    def __init__(self, specs, seed):
        self.rng = random.Random(seed)
        self.specs = specs
        self.ids = set()
        self.mobiles = set()
        # Where an earlier posting at each level can have been: (unit code, title).
        by_level = {level: [] for level in STEP_DOWN}
        for s in specs[1:]:
            for title, level in s.leaders:
                by_level[level].append((s.code, title))
            by_level[L.UNIT_HEAD] += [(s.code, t) for t in s.unit_heads]
            by_level[L.NONE].append((s.code, "科员"))
        self.earlier = by_level

    def cadres(self, n):
        plans = []
        for spec, count in zip(self.specs, _headcounts(self.specs, n, self.rng), strict=True):
            for title, level in _slots(spec, count):
                plans.append(self.cadre(spec, title, level, staff_no=f"{COUNTY_CODE}{len(plans) + 1:06d}"))
        return plans

    def cadre(self, spec, title, level, *, staff_no):
        rng = self.rng
        leader = level in LEADER_LEVELS
        female = rng.random() < (0.18 if leader else 0.35 if level == L.UNIT_HEAD else 0.45)
        low, high, mode = AGES[level]
        age = min(high, int(rng.triangular(low, high + 1, mode)))
        birth = date(REFERENCE_DATE.year - age, 1, 1) + timedelta(days=rng.randrange(365))
        recruit = level == L.NONE and age <= 30 and rng.random() < 0.25
        leader_category, weights = PROFILES[spec.profile]
        category = leader_category if leader else _pick(rng, list(weights.items()))
        education = self.education(age, leader)
        low_entry, high_entry = {Education.POSTGRADUATE: (25, 28), Education.BACHELOR: (22, 25)}.get(
            education, (19, 23)
        )
        entry_age = min(rng.randint(low_entry, high_entry), age - 1)
        if recruit:
            entry = REFERENCE_DATE - timedelta(days=rng.randint(30, 330))
        else:
            entry = REFERENCE_DATE - _years(age - entry_age) - timedelta(days=rng.randrange(365))
            entry = max(entry, birth + _years(18))
        service = (REFERENCE_DATE - entry).days / 365.25

        if recruit:
            post_since = rank_since = entry
        else:
            if leader:
                years = rng.uniform(10, 13) if rng.random() < 0.08 else rng.uniform(0.3, 7)
            elif level == L.UNIT_HEAD:
                years = rng.uniform(5, 8) if rng.random() < 0.15 else rng.uniform(0.3, 5)
            else:
                years = rng.uniform(0.2, max(0.3, min(service, 15)))
            post_since = max(entry, REFERENCE_DATE - _years(years))
            rank_since = max(entry, REFERENCE_DATE - _years(rng.uniform(0.3, 5)))

        status = CadreStatus.ACTIVE
        if not leader and age >= (55 if female else 59) and rng.random() < 0.5:
            status = CadreStatus.RETIRED
        elif not leader and not recruit and rng.random() < 0.03:
            status = CadreStatus.SECONDED
        if level in (L.DIVISION_HEAD, L.DIVISION_DEPUTY):
            tier = ManagementTier.CITY
        elif leader:
            tier = ManagementTier.COUNTY
        else:
            tier = ManagementTier.TOWNSHIP if spec.kind == K.TOWNSHIP else ManagementTier.DEPARTMENT
        position = title or self.staff_title(spec, category)
        fields = {
            "staff_no": staff_no,
            "name": self.name(female),
            "gender": Gender.FEMALE if female else Gender.MALE,
            "birth_date": birth,
            "ethnicity": _pick(rng, (("汉族", 50), ("瑶族", 45), ("苗族", 5)) if "瑶族" in spec.name else ETHNICITIES),
            "education": education,
            "political_status": self.political_status(age, leader),
            "position": position,
            "leadership_level": level,
            "rank": Rank.STAFF_2 if recruit else self.rank(level, age, service),
            "category": category,
            "management_tier": tier,
            "is_leader": leader,
            "on_probation": recruit,
            "status": status,
            "post_since": post_since,
            "rank_since": rank_since,
            "id_number": self.id_number(birth, female),
            "mobile": self.mobile(),
        }
        plan = CadrePlan(fields=fields, unit_code=spec.code)
        plan.postings = self.earlier_postings(spec.code, level, entry, post_since)
        plan.postings.append((spec.code, position, level, post_since, None))
        return plan

    def name(self, female):
        rng = self.rng
        chars = FEMALE_CHARS if female else MALE_CHARS
        given = rng.choice(chars)
        if rng.random() < 0.75:
            given = rng.choice(SHARED_FIRST + chars) + given
        return _pick(rng, SURNAMES) + given

    def education(self, age, leader):
        if age < 35:
            pairs = ((Education.POSTGRADUATE, 15), (Education.BACHELOR, 70), (Education.COLLEGE, 13))
            pairs += ((Education.SECONDARY, 2),)
        elif age <= 45:
            pairs = ((Education.POSTGRADUATE, 10), (Education.BACHELOR, 65), (Education.COLLEGE, 20))
            pairs += ((Education.SECONDARY, 5),)
        else:
            pairs = ((Education.POSTGRADUATE, 5), (Education.BACHELOR, 50), (Education.COLLEGE, 30))
            pairs += ((Education.SECONDARY, 10), (Education.HIGH_SCHOOL, 5))
        if leader:
            pairs = pairs[:3]
        return _pick(self.rng, pairs)

    def political_status(self, age, leader):
        if leader:
            pairs = ((PoliticalStatus.PARTY_MEMBER, 97), (PoliticalStatus.DEMOCRATIC_PARTY, 3))
        elif age < 28:
            pairs = ((PoliticalStatus.PARTY_MEMBER, 40), (PoliticalStatus.PROBATIONARY, 10))
            pairs += ((PoliticalStatus.LEAGUE, 35), (PoliticalStatus.MASSES, 15))
        else:
            pairs = ((PoliticalStatus.PARTY_MEMBER, 75), (PoliticalStatus.PROBATIONARY, 2))
            pairs += ((PoliticalStatus.MASSES, 18), (PoliticalStatus.DEMOCRATIC_PARTY, 5))
        return _pick(self.rng, pairs)

    def rank(self, level, age, service):
        """A rank that fits the post and the career: leaders by level and age, staff by years served."""
        rng, R = self.rng, Rank
        if level == L.DIVISION_HEAD:
            return _pick(rng, ((R.RESEARCHER_1, 80), (R.RESEARCHER_2, 20)))
        if level == L.DIVISION_DEPUTY:
            if age < 45:
                return _pick(rng, ((R.RESEARCHER_3, 50), (R.RESEARCHER_4, 50)))
            return _pick(rng, ((R.RESEARCHER_2, 40), (R.RESEARCHER_3, 40), (R.RESEARCHER_4, 20)))
        if level == L.SECTION_HEAD:
            if age < 40:
                return _pick(rng, ((R.PRINCIPAL_1, 80), (R.PRINCIPAL_2, 20)))
            if age < 50:
                return _pick(rng, ((R.PRINCIPAL_1, 60), (R.RESEARCHER_4, 40)))
            return _pick(rng, ((R.PRINCIPAL_1, 30), (R.RESEARCHER_4, 50), (R.RESEARCHER_3, 20)))
        if level == L.SECTION_DEPUTY:
            if age < 35:
                return _pick(rng, ((R.PRINCIPAL_2, 20), (R.PRINCIPAL_3, 40), (R.PRINCIPAL_4, 40)))
            if age <= 45:
                return _pick(rng, ((R.PRINCIPAL_1, 20), (R.PRINCIPAL_2, 50), (R.PRINCIPAL_3, 30)))
            return _pick(rng, ((R.PRINCIPAL_1, 50), (R.PRINCIPAL_2, 50)))
        # Quotas (职数) slow promotion well below the legal minimum years, hence the wide steps.
        years = service + rng.uniform(-3, 2)
        for threshold, rank in ((4, R.STAFF_1), (9, R.PRINCIPAL_4), (15, R.PRINCIPAL_3), (22, R.PRINCIPAL_2)):
            if years < threshold:
                return rank
        if years >= 28 and rng.random() < 0.15:
            return R.RESEARCHER_4
        return _pick(rng, ((R.PRINCIPAL_1, 50), (R.PRINCIPAL_2, 50)))

    def staff_title(self, spec, category):
        if category == C.ENTERPRISE_STAFF:
            return "职员"
        if category == C.INSTITUTION_STAFF:
            return "工作人员"
        return "民警" if spec.profile == "police" else "科员"

    def id_number(self, birth, female):
        while True:
            serial = f"{self.rng.randrange(100):02d}{self.rng.choice('02468' if female else '13579')}"
            first17 = f"{_pick(self.rng, ID_PREFIXES)}{birth:%Y%m%d}{serial}"
            if first17 not in self.ids:
                self.ids.add(first17)
                return first17 + id_check_digit(first17)

    def mobile(self):
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def earlier_postings(self, unit_code, level, entry, post_since):
        """0–2 closed postings in other units between joining and the current post.

        The first starts on joining as staff; a second, in between, is one step below the current post.
        """
        rng = self.rng
        span = (post_since - entry).days
        if span < 400:
            return []
        if span < 3 * 365:
            k = rng.choice((0, 1))
        elif level != L.NONE and span >= 6 * 365:
            k = 2
        else:
            k = _pick(rng, ((0, 2), (1, 5), (2, 3)) if span < 10 * 365 else ((1, 4), (2, 6)))
        if k == 0:
            return []
        middle = STEP_DOWN[level]
        levels = [L.NONE] if k == 1 else [L.NONE, middle]
        starts = [entry]
        if k == 2:
            # A leader held the post one step below for the last 2–9 years; staff moved at any time.
            offset = rng.randint(180, span - 180) if middle == L.NONE else span - round(rng.uniform(2, 9) * 365.25)
            starts.append(entry + timedelta(days=min(max(offset, 180), span - 180)))
        ends = [s - timedelta(days=1) for s in starts[1:]] + [post_since - timedelta(days=1)]
        postings, avoid = [], unit_code
        for lv, start, end in reversed(list(zip(levels, starts, ends, strict=True))):
            code, title = rng.choice(self.earlier[lv])
            while code == avoid:
                code, title = rng.choice(self.earlier[lv])
            postings.append((code, title, lv, start, end))
            avoid = code
        postings.reverse()
        return postings


def plan_county(*, cadres, seed):
    """The whole demo county as plain data (no database), so it can be checked for determinism cheaply."""
    specs = unit_specs()
    return specs, _Generator(specs, seed).cadres(cadres)


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Seed a fictional demo county (青山县) with units, cadres, postings, one demo user per role and a year"
        " of ledger entries and quarterly reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=600, help=_("Number of cadres (default 600)."))
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed; the same seed gives the same data."))
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=_("Seed even under production settings (demo users have published passwords)."),
        )

    def handle(self, *args, cadres, seed, allow_production, **options):
        if settings.SETTINGS_MODULE.endswith(".prod") and not allow_production:
            raise CommandError(_("Refusing to seed demo users with known passwords under production settings."))
        if not 1 <= cadres <= 100_000:
            raise CommandError(_("--cadres must be between 1 and 100000."))
        if Unit.objects.filter(code=COUNTY_CODE).exists():
            self.stdout.write(
                _("The demo county %(code)s already exists; nothing was changed.") % {"code": COUNTY_CODE}
            )
            self.print_logins()
            return
        taken = get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS])
        if taken.exists():
            raise CommandError(_("Demo usernames already in use: %(names)s") % {"names": ", ".join(
                taken.values_list("username", flat=True))})  # fmt: skip

        started = time.perf_counter()
        specs, plans = plan_county(cadres=cadres, seed=seed)
        with transaction.atomic(), acting(source="command:seed_demo"):
            units = self.create_units(specs)
            cadre_rows, postings = self.create_cadres(plans, units)
            users = self.create_users(units)
            ledger = seed_ledger(cadres=cadre_rows, plans=plans, units=units, users=users, seed=seed)
            reviews = demo_reviews.seed_reviews(cadres=cadre_rows, plans=plans, units=units, users=users, seed=seed)
            note = (
                f"{COUNTY_NAME}演示数据：{len(units)} 个单位，{len(plans)} 名干部，{postings} 条任职记录，"
                f"{len(DEMO_USERS)} 个演示账号；{audit_note(ledger)}；{demo_reviews.audit_note(reviews)}（种子 {seed}）"
            )
            audit_record(action=Action.SEED, model="records.cadre", note=note)
            scores = recompute(demo_reviews.YEAR)
        elapsed = time.perf_counter() - started

        groups = [s.group for s in specs]
        self.stdout.write(
            _("Units: %(units)d (%(townships)d townships, %(departments)d departments, %(offices)d offices)")
            % {
                "units": len(specs),
                "townships": groups.count("township"),
                "departments": groups.count("department"),
                "offices": groups.count("office"),
            }
        )
        self.stdout.write(
            _("Cadres: %(cadres)d  Postings: %(postings)d") % {"cadres": len(plans), "postings": postings}
        )
        for line in summary_lines(ledger) + demo_reviews.summary_lines(reviews):
            self.stdout.write(line)
        self.stdout.write(
            _("Annual summaries: %(cadres)d cadres scored, %(flags)d flags raised")
            % {"cadres": scores["cadres"], "flags": scores["flags_raised"]}
        )
        self.stdout.write(_("Time: %(seconds).1f s") % {"seconds": elapsed})
        self.print_logins()

    def create_units(self, specs):
        units = {}
        for s in specs:
            units[s.code] = unit_create(
                code=s.code, name=s.name, kind=s.kind, parent=units.get(s.parent), order=s.order
            )
        return units

    def create_cadres(self, plans, units):
        # bulk_create sends no signals: the one SEED audit event written by handle() accounts for these rows.
        cadres = Cadre.objects.bulk_create([Cadre(unit=units[p.unit_code], **p.fields) for p in plans], batch_size=1000)
        postings = [
            Posting(cadre_id=cadre.pk, unit=units[code], position=position, leadership_level=level, start=s, end=e)
            for cadre, plan in zip(cadres, plans, strict=True)
            for code, position, level, s, e in plan.postings
        ]
        Posting.objects.bulk_create(postings, batch_size=1000)
        return cadres, len(postings)

    def create_users(self, units):
        User = get_user_model()
        users = {}
        for username, full_name, _role, _scope, password in DEMO_USERS:
            user = User(username=username, full_name=full_name)
            validate_password(password, user)
            user.set_password(password)
            user.save()
            users[username] = user
        # Every grant needs a security administrator; the first one is granted by nobody (bootstrap).
        secadmin = users["demo_secadmin"]
        RoleAssignment.objects.create(user=secadmin, role=Role.SECADMIN, scope=units[COUNTY_CODE])
        for username, _name, role, scope, _password in DEMO_USERS:
            if users[username] != secadmin:
                role_grant(actor=secadmin, user=users[username], role=role, scope=units[scope])
        return users

    def print_logins(self):
        scopes = dict(Unit.objects.filter(code__in={u[3] for u in DEMO_USERS}).values_list("code", "name"))
        header = [capfirst(_(label)) for label in ("Username", "full name", "role", "scope unit", "Password")]
        rows = [[u, name, str(role.label), scopes.get(scope, scope), pw] for u, name, role, scope, pw in DEMO_USERS]
        widths = [max(_width(r[i]) for r in [header, *rows]) + 2 for i in range(len(header))]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (passwords as seeded):"))
        for row in [header, *rows]:
            self.stdout.write("".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
