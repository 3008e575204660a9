"""A fictional county for demos and manual testing: ``python manage.py seed_demo [--cadres N] [--seed S]``.

One seed gives the same county, people and postings on any database: all randomness comes from one
``random.Random(seed)`` and every date is counted back from REFERENCE_DATE, never from today.
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
from django.utils.translation import gettext_lazy

from accounts.models import Role, RoleAssignment
from accounts.services import role_grant
from audit.context import acting
from audit.models import Action
from audit.services import audit_record
from core.masking import id_check_digit
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

# Ages, "years in post" and probation are as of this day. A year end keeps ages whole (born in 1990 → 35).
REFERENCE_DATE = date(2025, 12, 31)
COUNTY_CODE = "QS"
COUNTY_NAME = "青山县"

L = LeadershipLevel
K = UnitKind
C = CadreCategory

# (username, full name, role, scope unit code, password). Passwords are fixed, not drawn from the seed,
# so the printed table stays right whatever seed built the county; each passes AUTH_PASSWORD_VALIDATORS.
DEMO_USERS = (
    ("demo_secadmin", "孙静", Role.SECADMIN, COUNTY_CODE, "Qingshan#Guard25"),
    ("demo_clerk", "李晓梅", Role.CLERK, "QS-T03", "Dongling#Roster25"),
    ("demo_clerk_county", "王建国", Role.CLERK, COUNTY_CODE, "Qingshan#Roster25"),
    ("demo_reviewer", "陈志强", Role.REVIEWER, COUNTY_CODE, "Qingshan#Review25"),
    ("demo_reviewer_town", "刘丽华", Role.REVIEWER, "QS-T03", "Dongling#Review25"),
    ("demo_committee", "赵文军", Role.COMMITTEE, COUNTY_CODE, "Qingshan#Council25"),
    ("demo_sysadmin", "周海涛", Role.SYSADMIN, COUNTY_CODE, "Qingshan#System25"),
    ("demo_auditor", "吴敏", Role.AUDITOR, COUNTY_CODE, "Qingshan#Trail25"),
)

# The county's own leaders sit on the root unit; they are city-managed (市管).
COUNTY_POSTS = (
    ("县委书记", L.DIVISION_HEAD),
    ("县委副书记、县长", L.DIVISION_HEAD),
    ("县委副书记", L.DIVISION_DEPUTY),
    ("县委常委、常务副县长", L.DIVISION_DEPUTY),
    ("县委常委、组织部部长", L.DIVISION_DEPUTY),
    ("县委常委、宣传部部长", L.DIVISION_DEPUTY),
    ("县委常委、政法委书记", L.DIVISION_DEPUTY),
    ("县委常委、县纪委书记、县监委主任", L.DIVISION_DEPUTY),
    ("副县长", L.DIVISION_DEPUTY),
    ("副县长", L.DIVISION_DEPUTY),
    ("副县长", L.DIVISION_DEPUTY),
)

# (name, weight) — weight is the relative headcount. The third is the demo clerk's township.
TOWNSHIPS = (
    ("城关街道", 30), ("城东街道", 24), ("东岭镇", 20), ("西河镇", 18), ("南塘镇", 18),
    ("北山镇", 16), ("白石镇", 16), ("桃源镇", 18), ("清水镇", 15), ("大坪镇", 15),
    ("石门镇", 16), ("马田镇", 14), ("沙田镇", 14), ("莲塘镇", 14), ("竹园镇", 13),
    ("龙山乡", 11), ("黄竹乡", 10), ("梅溪乡", 10), ("花桥乡", 10), ("湘源瑶族乡", 12),
)  # fmt: skip

# (name, kind, head title, deputy title, deputies, weight, category profile, internal offices)
DEPARTMENTS = (
    ("县纪委监委机关", K.PARTY, "县纪委副书记、县监委副主任", "县纪委常委", 2, 12, "party", ()),
    ("县委办公室", K.PARTY, "主任", "副主任", 3, 8, "party", ()),
    ("县委组织部", K.PARTY, "常务副部长", "副部长", 2, 8, "party", ("组织股", "干部股", "干部监督股", "公务员管理股")),
    ("县委宣传部", K.PARTY, "常务副部长", "副部长", 2, 6, "party", ()),
    ("县委统战部", K.PARTY, "常务副部长", "副部长", 2, 5, "party", ()),
    ("县委政法委员会", K.PARTY, "常务副书记", "副书记", 2, 5, "party", ()),
    ("县委机构编制委员会办公室", K.PARTY, "主任", "副主任", 1, 3, "party", ()),
    ("县直机关工作委员会", K.PARTY, "常务副书记", "副书记", 1, 3, "party", ()),
    ("县人民政府办公室", K.GOVERNMENT, "主任", "副主任", 3, 8, "gov", ()),
    ("县发展和改革局", K.GOVERNMENT, "局长", "副局长", 3, 8, "gov", ("综合股", "项目股")),
    ("县教育局", K.GOVERNMENT, "局长", "副局长", 3, 22, "gov", ()),
    ("县公安局", K.GOVERNMENT, "局长", "副局长", 4, 40, "police", ()),
    ("县民政局", K.GOVERNMENT, "局长", "副局长", 3, 7, "gov", ()),
    ("县财政局", K.GOVERNMENT, "局长", "副局长", 3, 12, "gov", ("预算股", "国库股")),
    ("县人力资源和社会保障局", K.GOVERNMENT, "局长", "副局长", 3, 10, "gov", ()),
    ("县自然资源局", K.GOVERNMENT, "局长", "副局长", 3, 12, "gov", ()),
    ("县住房和城乡建设局", K.GOVERNMENT, "局长", "副局长", 3, 10, "gov", ()),
    ("县交通运输局", K.GOVERNMENT, "局长", "副局长", 3, 8, "gov", ()),
    ("县水利局", K.GOVERNMENT, "局长", "副局长", 3, 8, "gov", ()),
    ("县农业农村局", K.GOVERNMENT, "局长", "副局长", 4, 16, "gov", ()),
    ("县文化旅游广电体育局", K.GOVERNMENT, "局长", "副局长", 3, 7, "gov", ()),
    ("县卫生健康局", K.GOVERNMENT, "局长", "副局长", 3, 18, "gov", ()),
    ("县应急管理局", K.GOVERNMENT, "局长", "副局长", 2, 6, "gov", ()),
    ("县审计局", K.GOVERNMENT, "局长", "副局长", 2, 5, "gov", ()),
    ("县市场监督管理局", K.GOVERNMENT, "局长", "副局长", 3, 14, "gov", ()),
    ("县委党校", K.INSTITUTION, "常务副校长", "副校长", 2, 5, "reference", ()),
    ("县档案馆", K.INSTITUTION, "馆长", "副馆长", 1, 3, "reference", ()),
    ("县融媒体中心", K.INSTITUTION, "主任", "副主任", 2, 8, "institution", ()),
    ("县疾病预防控制中心", K.INSTITUTION, "主任", "副主任", 2, 10, "institution", ()),
    ("县城市建设投资集团有限公司", K.STATE_ENTERPRISE, "董事长", "副总经理", 2, 8, "enterprise", ()),
)
TOWNSHIP_OFFICES = {"城关街道": ("党政综合办公室", "社会事务办公室"), "东岭镇": ("党政综合办公室", "经济发展办公室")}
OFFICE_WEIGHT = 3

# profile → (leaders' category, {category: weight} for everyone else)
PROFILES = {
    "party": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 90, C.REFERENCE_CIVIL_SERVANT: 10}),
    "gov": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 70, C.REFERENCE_CIVIL_SERVANT: 12, C.INSTITUTION_STAFF: 18}),
    "police": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 92, C.INSTITUTION_STAFF: 8}),
    "township": (C.CIVIL_SERVANT, {C.CIVIL_SERVANT: 55, C.INSTITUTION_STAFF: 45}),
    "reference": (C.REFERENCE_CIVIL_SERVANT, {C.REFERENCE_CIVIL_SERVANT: 85, C.INSTITUTION_STAFF: 15}),
    "institution": (C.INSTITUTION_STAFF, {C.INSTITUTION_STAFF: 100}),
    "enterprise": (C.ENTERPRISE_STAFF, {C.ENTERPRISE_STAFF: 100}),
}

SURNAMES = (
    ("王", 71), ("李", 70), ("张", 69), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
    ("吴", 20), ("周", 19), ("唐", 16), ("邓", 14), ("彭", 13), ("蒋", 13), ("徐", 13), ("孙", 12),
    ("胡", 12), ("谭", 12), ("曾", 12), ("朱", 11), ("马", 11), ("何", 11), ("罗", 11), ("郭", 10),
    ("高", 9), ("林", 9), ("郑", 8), ("廖", 8), ("肖", 8), ("梁", 7), ("谢", 7), ("宋", 5),
    ("许", 5), ("韩", 5), ("冯", 5), ("曹", 4), ("袁", 4), ("邹", 4), ("田", 4), ("雷", 3),
    ("龙", 3), ("段", 3), ("陶", 3), ("汤", 3), ("尹", 3), ("贺", 3), ("石", 3), ("伍", 3),
    ("毛", 3), ("盘", 2), ("奉", 2), ("欧阳", 2),
)  # fmt: skip
MALE_CHARS = (
    "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林峰志建国文清海新亮晨阳东振锋成兵彬坤毅荣庆德湘江卫永"
)
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷慧莹雪琳洁倩颖琴云红梅兰萍丹佳蓉雯欣怡悦晶璐露月秀凤彤瑶思雨涵"
SHARED_FIRST = "晓小志建文海子新嘉春秋立"
ETHNICITIES = (("汉族", 86), ("瑶族", 9), ("苗族", 3), ("土家族", 2))
# Birthplace codes: 431131 is this fictional county (in 永州市, 4311); then its neighbours; then elsewhere.
ID_PREFIXES = (
    ("431131", 70), ("431129", 8), ("431126", 6), ("431127", 4), ("431124", 4),
    ("431102", 3), ("430521", 2), ("430104", 3),
)  # fmt: skip
MOBILE_PREFIXES = tuple(f"13{d}" for d in range(10)) + tuple(f"18{d}" for d in range(10)) + (
    "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "191", "198",
)  # fmt: skip

LEADER_LEVELS = (L.DIVISION_HEAD, L.DIVISION_DEPUTY, L.SECTION_HEAD, L.SECTION_DEPUTY)
# (youngest, oldest, most common) age per leadership level.
AGES = {
    L.DIVISION_HEAD: (46, 57, 52),
    L.DIVISION_DEPUTY: (40, 56, 49),
    L.SECTION_HEAD: (33, 57, 47),
    L.SECTION_DEPUTY: (28, 55, 41),
    L.UNIT_HEAD: (27, 57, 40),
    L.NONE: (23, 59, 33),
}
# An earlier posting is one step down the ladder; county leaders came up through section-head posts.
STEP_DOWN = {
    L.DIVISION_HEAD: L.SECTION_HEAD,
    L.DIVISION_DEPUTY: L.SECTION_HEAD,
    L.SECTION_HEAD: L.SECTION_DEPUTY,
    L.SECTION_DEPUTY: L.UNIT_HEAD,
    L.UNIT_HEAD: L.NONE,
    L.NONE: L.NONE,
}


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
                              *_township_posts(name)))  # fmt: skip
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


def _township_posts(name):
    """Leader posts in the order they are filled: heads, then deputies, then the rest of the team."""
    if name.endswith("街道"):
        party, head, deputy, discipline, heads = "党工委", "办事处主任", "办事处副主任", "纪工委书记", "城市管理办主任"
        last = ()
    else:
        kind = "乡" if name.endswith("乡") else "镇"
        party, head, deputy, discipline, heads = "党委", f"{kind}长", f"副{kind}长", "纪委书记", "农业综合服务中心主任"
        last = (("人大主席", L.SECTION_HEAD),)
    leaders = (
        ((f"{party}书记", L.SECTION_HEAD), (head, L.SECTION_HEAD))
        + ((f"{party}副书记", L.SECTION_DEPUTY), (deputy, L.SECTION_DEPUTY), (discipline, L.SECTION_DEPUTY))
        + (("组织委员", L.SECTION_DEPUTY), (deputy, L.SECTION_DEPUTY), (deputy, L.SECTION_DEPUTY))
        + (("宣传委员", L.SECTION_DEPUTY), ("武装部部长", L.SECTION_DEPUTY))
        + last
    )
    return leaders, ("财政所所长", "综治中心主任", "便民服务中心主任", "社会事务办主任", heads)


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
    help = gettext_lazy(
        "Seed a fictional demo county (青山县) with units, cadres, postings and one demo user per role."
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
            postings = self.create_cadres(plans, units)
            self.create_users(units)
            note = (
                f"{COUNTY_NAME}演示数据：{len(units)} 个单位，{len(plans)} 名干部，{postings} 条任职记录，"
                f"{len(DEMO_USERS)} 个演示账号（种子 {seed}）"
            )
            audit_record(action=Action.SEED, model="records.cadre", note=note)
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
        return len(postings)

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

    def print_logins(self):
        scopes = dict(Unit.objects.filter(code__in={u[3] for u in DEMO_USERS}).values_list("code", "name"))
        header = [capfirst(_(label)) for label in ("Username", "full name", "role", "scope unit", "Password")]
        rows = [[u, name, str(role.label), scopes.get(scope, scope), pw] for u, name, role, scope, pw in DEMO_USERS]
        widths = [max(_width(r[i]) for r in [header, *rows]) + 2 for i in range(len(header))]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (passwords as seeded):"))
        for row in [header, *rows]:
            self.stdout.write("".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
