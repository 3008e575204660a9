import io
import re
from collections import Counter, defaultdict
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from accounts.models import User
from assessments.demo import RETURN_REASONS
from assessments.models import CadreGroup, QuarterlyReview, ReviewStatus, ScoringScheme
from assessments.rules import allowed_grades, quarter_score, quota_limit, suggest_grade
from assessments.selectors import quarter_ledger_points
from assessments.services import approve_problem, assess_problem, reviews_approve
from audit.models import Action, AuditEvent
from records.management.commands.seed_demo import REFERENCE_DATE
from records.models import Cadre, CadreStatus

pytestmark = pytest.mark.django_db

CADRES = 80
YEAR = REFERENCE_DATE.year
TZ = ZoneInfo("Asia/Shanghai")
END = datetime.combine(REFERENCE_DATE, time(23, 59, 59), tzinfo=TZ)
S = ReviewStatus


def seed(*, cadres=CADRES, seed=7):
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", cadres=cadres, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def reviews():
    return QuarterlyReview.objects.select_related("cadre", "cadre__unit", "unit", "scheme", "assessor", "approver")


SNAPSHOT = (
    "cadre__staff_no", "quarter", "unit__code", "scheme__cadre_group", "status", "political", "responsibility",
    "problem_solving", "bottom_line", "results", "mass_score", "ledger_points", "score", "suggested_grade", "grade",
    "comment", "assessor__username", "submitted_at", "approver__username", "decided_at", "return_reason", "created_at",
)  # fmt: skip


def snapshot():
    return list(QuarterlyReview.objects.order_by("cadre__staff_no", "quarter").values_list(*SNAPSHOT))


class Rollback(Exception):
    pass


def test_every_serving_cadre_has_a_review_for_each_quarter_of_the_year(seeded):
    serving = Cadre.objects.filter(status__in=[CadreStatus.ACTIVE, CadreStatus.SECONDED]).prefetch_related("postings")
    quarters = defaultdict(set)
    for cadre_id, quarter in QuarterlyReview.objects.filter(year=YEAR).values_list("cadre_id", "quarter"):
        quarters[cadre_id].add(quarter)
    for cadre in serving:
        joined = min(p.start for p in cadre.postings.all())
        # Recruits of the year start with the quarter they joined in.
        first = 1 if joined.year < YEAR else (joined.month - 1) // 3 + 1
        assert quarters[cadre.pk] == set(range(first, 5))
    assert sum(len(q) == 4 for q in quarters.values()) > 0.9 * serving.count()
    assert not QuarterlyReview.objects.filter(cadre__status=CadreStatus.RETIRED).exists()


def test_the_first_three_quarters_are_approved_by_someone_other_than_the_assessor(seeded):
    town = User.objects.get(username="demo_reviewer_town")
    earlier = reviews().filter(quarter__lte=3)
    assert set(earlier.values_list("status", flat=True)) == {S.APPROVED}
    for review in earlier:
        assert review.assessor and review.approver and review.assessor != review.approver
        assert review.approver.username == "demo_reviewer"
        in_town = review.unit.name.startswith("东岭镇")
        assert (review.assessor == town) == in_town
        assert review.grade in allowed_grades(review.suggested_grade)
    assert earlier.filter(assessor=town).exists() and earlier.exclude(assessor=town).exists()


def test_the_assessors_and_approvers_pass_the_services_checks(seeded):
    # The services check the cadre's current unit; cadres who moved in the year were assessed where they were.
    stayed = [r for r in reviews().exclude(assessor=None) if r.unit_id == r.cadre.unit_id]
    assert stayed
    for review in stayed:
        assert assess_problem(review.assessor, review) is None
        if review.approver:
            assert approve_problem(review.approver, review) is None


def test_the_fourth_quarter_has_drafts_submissions_returns_and_approvals(seeded):
    fourth = reviews().filter(quarter=4)
    counts = Counter(fourth.values_list("status", flat=True))
    assert set(counts) == set(S.values)
    assert counts[S.DRAFT] > counts[S.SUBMITTED] > counts[S.RETURNED] >= 2
    drafts = fourth.filter(status=S.DRAFT)
    assert drafts.filter(assessor=None, mass_score=None, score=None).exists()  # untouched
    assert drafts.filter(assessor=None, score=None).exclude(mass_score=None).exists()  # mass evaluation imported
    assert drafts.exclude(assessor=None).exclude(score=None).filter(submitted_at=None).exists()  # scored, not sent
    for review in fourth.filter(status=S.SUBMITTED):
        assert review.submitted_at and review.assessor and review.approver is None and review.decided_at is None
    for review in fourth.filter(status=S.RETURNED):
        assert review.return_reason in RETURN_REASONS
        assert review.approver and review.approver != review.assessor and review.decided_at > review.submitted_at


def test_scores_and_grades_follow_the_schemes_rules(seeded):
    scored = reviews().exclude(score=None)
    dimensions = []
    for r in scored:
        assert r.score == quarter_score(r.dimension_scores, r.mass_score, r.ledger_points, r.scheme.quarter_weights)
        assert r.suggested_grade == suggest_grade(r.score, r.scheme.thresholds)
        assert r.grade in allowed_grades(r.suggested_grade)
        assert 70 <= r.mass_score <= 100
        dimensions += r.dimension_scores
    assert all(0 <= d <= 100 for d in dimensions)
    assert sum(75 <= d <= 98 for d in dimensions) > 0.85 * len(dimensions)
    assert min(dimensions) < 75
    assert {"好", "较好", "一般"} <= set(scored.values_list("grade", flat=True))


def test_leaders_are_scored_with_the_leaders_scheme(seeded):
    schemes = {s.cadre_group: s for s in ScoringScheme.objects.filter(year=YEAR, is_current=True)}
    assert set(schemes) == {CadreGroup.ALL, CadreGroup.LEADERS}
    assert schemes[CadreGroup.LEADERS].quarter_weights != schemes[CadreGroup.ALL].quarter_weights
    for is_leader, group in QuarterlyReview.objects.values_list("cadre__is_leader", "scheme__cadre_group").distinct():
        assert group == (CadreGroup.LEADERS if is_leader else CadreGroup.ALL)
    assert all(s.created_at.year == YEAR for s in schemes.values())


def test_ledger_points_are_the_quarters_capped_confirmed_points(seeded):
    for quarter in range(1, 5):
        rows = dict(QuarterlyReview.objects.filter(quarter=quarter).values_list("cadre_id", "ledger_points"))
        assert rows == quarter_ledger_points(list(rows), YEAR, quarter)
    assert QuarterlyReview.objects.filter(quarter=1, ledger_points__gt=0).exists()


def test_the_good_quota_holds_per_unit_and_quarter(seeded):
    sizes = Counter(QuarterlyReview.objects.values_list("unit_id", "quarter"))
    taken = QuarterlyReview.objects.filter(grade="好", status__in=[S.SUBMITTED, S.APPROVED])
    used = Counter(taken.values_list("unit_id", "quarter"))
    ratio = min(ScoringScheme.objects.values_list("good_quota", flat=True))
    assert used
    for key, n in used.items():
        assert n <= quota_limit(sizes[key], ratio)
    # The quota, not the scores, keeps 好 down: lowered grades exist.
    assert QuarterlyReview.objects.filter(suggested_grade="好", grade="较好", status=S.APPROVED).exists()


def test_the_reviewer_can_approve_every_waiting_review(seeded):
    waiting = list(QuarterlyReview.objects.filter(status=S.SUBMITTED))
    done, problems = reviews_approve(actor=User.objects.get(username="demo_reviewer"), reviews=waiting)
    assert (done, problems) == (len(waiting), {})


def test_every_timestamp_is_in_the_year_and_in_order(seeded):
    for r in QuarterlyReview.objects.all():
        opened = datetime(YEAR, 3 * r.quarter + 1, 1, tzinfo=TZ) if r.quarter < 4 else datetime(YEAR, 12, 1, tzinfo=TZ)
        assert opened <= r.created_at <= END
        if r.submitted_at:
            assert r.created_at < r.submitted_at <= END
        if r.decided_at:
            assert r.submitted_at < r.decided_at <= END


def test_it_writes_the_same_reviews_for_the_same_seed():
    with pytest.raises(Rollback), transaction.atomic():
        seed(seed=3)
        first = snapshot()
        raise Rollback
    assert not QuarterlyReview.objects.exists()
    seed(seed=3)
    assert snapshot() == first
    assert len(first) > 3 * CADRES * 0.9


def test_it_prints_counts_by_quarter_and_status_and_audits_them(seeded):
    counts = Counter(QuarterlyReview.objects.values_list("quarter", "status"))
    for q in range(1, 5):
        line = re.search(rf"Q{q}: (\d+) draft, (\d+) submitted, (\d+) returned, (\d+) approved", seeded)
        assert [int(n) for n in line.groups()] == [counts[q, s] for s in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED)]
    note = AuditEvent.objects.get(action=Action.SEED).note
    assert f"{YEAR} 年季度考评 {QuarterlyReview.objects.count()} 份" in note
    assert f"四季度草稿 {counts[4, S.DRAFT]}" in note


def test_a_second_run_adds_no_reviews_or_schemes(seeded):
    before = snapshot(), ScoringScheme.objects.count()
    seed(seed=99)
    assert (snapshot(), ScoringScheme.objects.count()) == before
