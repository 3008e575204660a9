import io
from datetime import date

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

from accounts.models import Role, RoleAssignment, User
from audit.models import Action, AuditEvent
from core.masking import validate_id_number, validate_mobile
from records.management.commands.seed_demo import COUNTY_CODE, DEMO_USERS, REFERENCE_DATE, plan_county
from records.models import Cadre, LeadershipLevel, ManagementTier, Posting, Unit, UnitKind

pytestmark = pytest.mark.django_db

CADRES = 60
LEADER_LEVELS = {"正处", "副处", "正科", "副科"}


def seed(*, cadres=CADRES, seed=7):
    out = io.StringIO()
    call_command("seed_demo", cadres=cadres, seed=seed, stdout=out)
    return out.getvalue()


def printed_logins(output):
    """{username: password} from the login table: the username opens a row and the password ends it."""
    usernames = {u[0] for u in DEMO_USERS}
    rows = [line.split() for line in output.splitlines()]
    return {row[0]: row[-1] for row in rows if row and row[0] in usernames}


def snapshot():
    return list(
        Cadre.objects.order_by("staff_no").values_list(
            "staff_no", "name", "unit__code", "position", "rank", "birth_date", "id_number", "mobile"
        )
    )


def counts():
    return [m.objects.count() for m in (Unit, Cadre, Posting, User, RoleAssignment, AuditEvent)]


class Rollback(Exception):
    pass


def test_it_plans_the_same_county_for_the_same_seed():
    assert plan_county(cadres=200, seed=5) == plan_county(cadres=200, seed=5)
    _specs, other = plan_county(cadres=200, seed=6)
    assert [p.fields["name"] for p in other] != [p.fields["name"] for p in plan_county(cadres=200, seed=5)[1]]


def test_it_writes_the_same_cadres_for_the_same_seed():
    with pytest.raises(Rollback), transaction.atomic():
        seed(seed=3)
        first = snapshot()
        raise Rollback
    assert not Unit.objects.exists()
    seed(seed=3)
    assert snapshot() == first


def test_it_creates_the_requested_number_of_cadres_with_valid_identifiers():
    seed()
    cadres = list(Cadre.objects.all())
    assert len(cadres) == CADRES
    assert len({c.id_number for c in cadres}) == CADRES
    assert len({c.mobile for c in cadres}) == CADRES
    for c in cadres:
        assert validate_id_number(c.id_number) == c.id_number
        assert validate_mobile(c.mobile) == c.mobile
        assert c.id_number[6:14] == f"{c.birth_date:%Y%m%d}"
        assert int(c.id_number[16]) % 2 == (1 if c.gender == "男" else 0)
        assert 23 <= REFERENCE_DATE.year - c.birth_date.year <= 59


def test_it_keeps_posts_ranks_and_tiers_consistent():
    seed(cadres=300)
    for c in Cadre.objects.all():
        assert c.is_leader == (c.leadership_level in LEADER_LEVELS)
        if c.leadership_level in {LeadershipLevel.SECTION_HEAD, LeadershipLevel.SECTION_DEPUTY}:
            assert c.management_tier == ManagementTier.COUNTY
        if c.on_probation:
            assert c.rank == "二级科员" and c.leadership_level == LeadershipLevel.NONE
        assert c.post_since <= REFERENCE_DATE and c.rank_since <= REFERENCE_DATE
    assert Cadre.objects.filter(on_probation=True).exists()
    assert Cadre.objects.filter(leadership_level=LeadershipLevel.SECTION_HEAD).exists()


def test_every_cadre_has_one_open_posting_matching_their_current_post():
    seed()
    for c in Cadre.objects.prefetch_related("postings"):
        postings = sorted(c.postings.all(), key=lambda p: p.start)
        assert 1 <= len(postings) <= 3
        current = postings[-1]
        assert [p for p in postings if p.end is None] == [current]
        assert (current.unit_id, current.position, current.leadership_level, current.start) == (
            c.unit_id,
            c.position,
            c.leadership_level,
            c.post_since,
        )
        for earlier, later in zip(postings, postings[1:], strict=False):
            assert earlier.start <= earlier.end < later.start
            assert earlier.unit_id != later.unit_id


def test_the_tree_has_a_county_twenty_townships_thirty_departments_and_offices():
    seed()
    root = Unit.objects.get(code=COUNTY_CODE)
    first_level = Unit.objects.filter(parent=root)
    assert Unit.objects.filter(parent__isnull=True).count() == 1
    assert first_level.filter(kind=UnitKind.TOWNSHIP).count() == 20
    assert first_level.exclude(kind=UnitKind.TOWNSHIP).count() == 30
    assert Unit.objects.filter(depth=2).exists()
    assert set(Unit.objects.values_list("depth", flat=True)) == {0, 1, 2}
    assert Unit.objects.get(name="东岭镇").kind == UnitKind.TOWNSHIP


def test_every_role_has_a_demo_user_whose_printed_password_logs_in():
    logins = printed_logins(seed())
    assert set(logins) == {u[0] for u in DEMO_USERS}
    request = RequestFactory().post("/accounts/login/")
    for username, password in logins.items():
        assert authenticate(request, username=username, password=password) == User.objects.get(username=username)
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    assert RoleAssignment.objects.get(user__username="demo_clerk").scope.name == "东岭镇"
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["demo_sysadmin"]


def test_running_twice_changes_nothing_and_prints_the_logins_again():
    first = seed()
    before = counts()
    second = seed(seed=99)
    assert counts() == before
    assert printed_logins(second) == printed_logins(first)


def test_it_writes_one_summary_audit_event_for_the_bulk_rows():
    seed()
    event = AuditEvent.objects.get(action=Action.SEED)
    assert event.source == "command:seed_demo"
    assert f"{CADRES} 名干部" in event.note


def test_its_dates_do_not_depend_on_today():
    with time_machine.travel(date(2026, 3, 1)):
        spring = plan_county(cadres=50, seed=1)
    with time_machine.travel(date(2031, 9, 1)):
        later = plan_county(cadres=50, seed=1)
    assert spring == later
    assert max(p.fields["post_since"] for p in spring[1]) <= REFERENCE_DATE
