"""snapshot_freeze copies a year's summaries and flags of a subtree set-based; snapshot_differences
lists what changed since."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import AnnualSummary, CandidateFlag, FlagState, SnapshotFlag, SnapshotSummary
from assessments.selectors_scores import snapshot_differences
from assessments.services_committee import flag_decide, snapshot_freeze, summary_final_grade_set
from audit.models import AuditEvent
from tests.factories import UserFactory, grant, make_cadre
from tests.factories_scores import make_flag, make_summary


def freeze(world, unit=None, **kwargs):
    return snapshot_freeze(
        actor=world.committee, year=2025, unit=unit or world.town_a, title="2025年度考核会", **kwargs
    )


@pytest.fixture
def year(world):
    a = make_summary(world.cadre_a, final_grade="称职", final_note="")
    office = make_summary(world.cadre_a_office, score=Decimal("70"))
    b = make_summary(world.cadre_b)
    earlier = make_summary(world.cadre_a, year=2024)
    flag = make_flag(world.cadre_a)
    make_flag(world.cadre_a_office, kind="talk_reminder", state=FlagState.BLOCKED)
    make_flag(world.cadre_b)
    return {"a": a, "office": office, "b": b, "earlier": earlier, "flag": flag}


def test_it_copies_the_years_rows_of_the_subtree_field_for_field(world, year):
    snapshot = freeze(world, meeting_date=None, note="常委会前")
    assert (snapshot.summaries, snapshot.flags) == (2, 2)
    rows = {r.cadre_id: r for r in SnapshotSummary.objects.filter(snapshot=snapshot)}
    assert set(rows) == {world.cadre_a.pk, world.cadre_a_office.pk}
    a = rows[world.cadre_a.pk]
    live = year["a"]
    for name in (
        "year",
        "unit_id",
        "score",
        "ledger_net",
        "q3_grade",
        "ledger_by_category",
        "final_grade",
        "review_ids",
    ):
        assert getattr(a, name) == getattr(live, name), name
    flags = SnapshotFlag.objects.filter(snapshot=snapshot)
    assert {(f.cadre_id, f.kind, f.state) for f in flags} == {
        (world.cadre_a.pk, "promotion", "raised"),
        (world.cadre_a_office.pk, "talk_reminder", "blocked"),
    }
    assert flags.get(cadre=world.cadre_a).data == year["flag"].data


def test_it_copies_in_a_constant_number_of_queries(world, year):
    freeze(world)  # reads the committee's roles once
    with CaptureQueriesContext(connection) as small:
        freeze(world)
    for i in range(15):
        cadre = make_cadre(world.office_a, name=f"干部{i}")
        make_summary(cadre)
        make_flag(cadre)
    with CaptureQueriesContext(connection) as large:
        snapshot = freeze(world)
    assert snapshot.summaries == 17 and snapshot.flags == 17
    assert len(large) == len(small)
    inserts = [q["sql"] for q in large if q["sql"].startswith("INSERT INTO") and "snapshot" in q["sql"]]
    assert sum("SELECT" in sql for sql in inserts) == 2


def test_freezing_is_audited(world, year):
    snapshot = freeze(world)
    event = AuditEvent.objects.get(model="assessments.committeesnapshot", object_id=str(snapshot.pk), action="create")
    assert event.actor_name == "committee"


def test_an_empty_year_is_not_frozen(world):
    with pytest.raises(ValidationError):
        freeze(world)


def test_a_title_is_required(world, year):
    with pytest.raises(ValidationError) as exc:
        snapshot_freeze(actor=world.committee, year=2025, unit=world.town_a, title=" ")
    assert "title" in exc.value.message_dict


def test_only_the_committee_of_the_unit_freezes(world, year):
    for user in (world.reviewer, world.sysadmin, world.outsider):
        with pytest.raises(PermissionDenied):
            snapshot_freeze(actor=user, year=2025, unit=world.town_a, title="会")
    committee_b = grant(UserFactory(username="committee_b"), "committee", world.town_b)
    with pytest.raises(PermissionDenied):
        snapshot_freeze(actor=committee_b, year=2025, unit=world.town_a, title="会")


def test_the_snapshot_does_not_move_when_the_live_rows_do(world, year):
    snapshot = freeze(world)
    AnnualSummary.objects.filter(pk=year["a"].pk).update(score=Decimal("60"))
    assert SnapshotSummary.objects.get(snapshot=snapshot, cadre=world.cadre_a).score == Decimal("85.70")


def test_nothing_differs_right_after_freezing(world, year):
    assert snapshot_differences(freeze(world)) == {"summaries": [], "flags": []}


def test_it_lists_changed_scores_and_grades(world, year):
    snapshot = freeze(world)
    AnnualSummary.objects.filter(pk=year["office"].pk).update(score=Decimal("72.5"), suggested_grade="优秀")
    summary_final_grade_set(actor=world.committee, summary=year["a"], grade="", note="")
    newcomer = make_cadre(world.town_a, name="新来的")
    make_summary(newcomer)
    AnnualSummary.objects.filter(pk=year["b"].pk).update(score=Decimal("1"))  # another township: not listed
    rows = {r["cadre_id"]: r for r in snapshot_differences(snapshot)["summaries"]}
    assert set(rows) == {world.cadre_a_office.pk, world.cadre_a.pk, newcomer.pk}
    assert rows[world.cadre_a_office.pk]["changes"] == [
        ("score", Decimal("70.00"), Decimal("72.50")),
        ("suggested_grade", "称职", "优秀"),
    ]
    assert rows[world.cadre_a.pk]["changes"] == [("final_grade", "称职", "")]
    assert rows[newcomer.pk]["kind"] == "added"


def test_it_lists_flags_raised_withdrawn_and_decided_since(world, year):
    snapshot = freeze(world)
    flag_decide(actor=world.committee, flag=year["flag"], decision="accepted", note="")
    CandidateFlag.objects.filter(cadre=world.cadre_a_office).update(state=FlagState.RAISED)
    later = make_flag(world.cadre_a, kind="talk_reminder")
    rows = {(r["cadre_id"], r["flag_kind"]): r for r in snapshot_differences(snapshot)["flags"]}
    assert {k: r["kind"] for k, r in rows.items()} == {
        (world.cadre_a.pk, "promotion"): "decision",
        (world.cadre_a_office.pk, "talk_reminder"): "raised",
        (world.cadre_a.pk, "talk_reminder"): "raised",
    }
    assert rows[(world.cadre_a.pk, "talk_reminder")]["flag_id"] == later.pk
    assert rows[(world.cadre_a.pk, "promotion")]["after"]["decision"] == "accepted"
    CandidateFlag.objects.filter(pk=year["flag"].pk).update(state=FlagState.WITHDRAWN)
    rows = {(r["cadre_id"], r["flag_kind"]): r for r in snapshot_differences(snapshot)["flags"]}
    assert rows[(world.cadre_a.pk, "promotion")]["kind"] == "withdrawn"


def test_differences_take_a_constant_number_of_queries(world, year, django_assert_num_queries):
    snapshot = freeze(world)
    for i in range(10):
        cadre = make_cadre(world.town_a, name=f"干部{i}")
        make_summary(cadre)
        make_flag(cadre)
    with django_assert_num_queries(4):
        result = snapshot_differences(snapshot)
    assert len(result["summaries"]) == 10 and len(result["flags"]) == 10
