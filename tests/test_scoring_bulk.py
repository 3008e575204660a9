"""The one-statement bulk writes store every value as given, whatever characters it holds.

On PostgreSQL the values travel inside array literals, where quotes, backslashes, braces, commas
and the word NULL mean something; these tests write such values and read them back (run on both
databases in CI). The pipeline's writes run in a second thread there, on the same transaction.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from assessments.models import AnnualSummary
from assessments.scoring import bulk
from records.models import Cadre
from tests.factories import make_cadre

AWKWARD = ['他说"好"', "a\\b", "{1,2}", "NULL", "", "逗号,和空格 ", "新\n行"]


def _row(cadre, **values):
    return {
        **bulk.defaults(AnnualSummary),
        "cadre_id": cadre.pk,
        "year": 2025,
        "unit_id": cadre.unit_id,
        "category": cadre.category,
        "computed_at": datetime(2025, 12, 31, 8, 30, tzinfo=UTC),
        **values,
    }


def test_upsert_stores_awkward_text_json_numbers_and_nulls_as_given(world):
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(len(AWKWARD))]
    rows = [
        _row(
            cadre,
            final_note=text,
            grade_notes=[text, {"引号": text}],
            ledger_net=Decimal("-2.5") * i,
            score=None if i % 2 else Decimal("88.25"),
            on_probation=bool(i % 2),
        )
        for i, (cadre, text) in enumerate(zip(cadres, AWKWARD, strict=True))
    ]
    bulk.upsert(AnnualSummary, rows, unique=["cadre_id", "year"], update=["final_note"])

    stored = {s.cadre_id: s for s in AnnualSummary.objects.filter(year=2025)}
    for i, (cadre, text) in enumerate(zip(cadres, AWKWARD, strict=True)):
        summary = stored[cadre.pk]
        assert summary.final_note == text
        assert summary.grade_notes == [text, {"引号": text}]
        assert summary.ledger_net == Decimal("-2.5") * i
        assert summary.score == (None if i % 2 else Decimal("88.25"))
        assert summary.on_probation is bool(i % 2)
        assert summary.computed_at == datetime(2025, 12, 31, 8, 30, tzinfo=UTC)


def test_upsert_overwrites_only_the_named_columns_on_a_conflict(world):
    cadre = make_cadre(world.town_a)
    bulk.upsert(
        AnnualSummary,
        [_row(cadre, final_note="委员会意见", ledger_net=Decimal("3.0"))],
        unique=["cadre_id", "year"],
        update=[],
    )
    bulk.upsert(
        AnnualSummary,
        [_row(cadre, final_note="", ledger_net=Decimal("-1.5"))],
        unique=["cadre_id", "year"],
        update=["ledger_net"],
    )

    bulk.upsert(
        AnnualSummary,
        [_row(cadre, final_note="另一个意见", ledger_net=Decimal("9.0"))],
        unique=["cadre_id", "year"],
        update=[],  # a conflict changes nothing
    )

    summary = AnnualSummary.objects.get(cadre=cadre, year=2025)
    assert summary.ledger_net == Decimal("-1.5")
    assert summary.final_note == "委员会意见"


def test_update_sets_the_columns_of_the_rows_named_by_key(world):
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(3)]
    bulk.upsert(AnnualSummary, [_row(c) for c in cadres], unique=["cadre_id", "year"], update=[])
    ids = dict(AnnualSummary.objects.values_list("cadre_id", "id"))

    bulk.update(
        AnnualSummary,
        [
            {"id": ids[cadres[0].pk], "final_note": AWKWARD[0], "grade_notes": ["x"]},
            {"id": ids[cadres[2].pk], "final_note": AWKWARD[1], "grade_notes": []},
        ],
        ["final_note", "grade_notes"],
    )

    notes = dict(AnnualSummary.objects.values_list("cadre_id", "final_note"))
    assert notes == {cadres[0].pk: AWKWARD[0], cadres[1].pk: "", cadres[2].pk: AWKWARD[1]}
    assert AnnualSummary.objects.get(cadre=cadres[0]).grade_notes == ["x"]


def test_pipeline_writes_are_all_stored_when_its_block_ends(world):
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(3)]
    with bulk.Pipeline() as pipeline:
        pipeline.upsert(
            AnnualSummary, [_row(c, final_note=AWKWARD[0]) for c in cadres], unique=["cadre_id", "year"], update=[]
        )
        # The caller goes on without the database; the next write queues behind the first.
        pipeline.upsert(
            AnnualSummary,
            [_row(cadres[1], grade_notes=[AWKWARD[1]], category_rank=3)],
            unique=["cadre_id", "year"],
            update=["grade_notes", "category_rank"],
        )

    stored = {s.cadre_id: s for s in AnnualSummary.objects.filter(year=2025)}
    assert {c.pk for c in cadres} == set(stored)
    assert stored[cadres[1].pk].grade_notes == [AWKWARD[1]]
    assert stored[cadres[1].pk].category_rank == 3
    assert stored[cadres[0].pk].final_note == AWKWARD[0]


def test_a_failed_pipeline_write_raises_at_the_end_of_the_block_and_keeps_nothing(world):
    cadres = [make_cadre(world.town_a, name=f"干部{i}") for i in range(2)]
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.Pipeline() as pipeline:
        pipeline.upsert(AnnualSummary, [_row(cadres[0])], unique=["cadre_id", "year"], update=[])
        pipeline.upsert(AnnualSummary, [_row(cadres[1], category_rank=-1)], unique=["cadre_id", "year"], update=[])

    assert not AnnualSummary.objects.exists()


def test_an_error_of_the_caller_inside_the_pipeline_block_is_raised_and_its_writes_roll_back(world):
    cadre = make_cadre(world.town_a)
    with pytest.raises(KeyError), transaction.atomic(), bulk.Pipeline() as pipeline:
        pipeline.upsert(AnnualSummary, [_row(cadre)], unique=["cadre_id", "year"], update=[])
        raise KeyError("the caller's own mistake")

    assert not AnnualSummary.objects.exists()


def test_beside_is_not_available_in_a_transaction_that_has_written(world):
    # The test's own transaction holds the world's rows, which no other connection can see.
    with transaction.atomic():
        assert not bulk.Beside().available


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_beside_is_not_available_once_the_outer_transaction_has_written(world):
    with transaction.atomic():
        assert bulk.Beside().available
        Cadre.objects.filter(pk=world.cadre_a.pk).update(name="改名")
        assert not bulk.Beside().available
        with transaction.atomic():  # a savepoint cannot export its snapshot either
            assert not bulk.Beside().available


def _committed_elsewhere(sql, params):
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        other.close()


def _backend():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_beside_reads_on_a_second_connection_what_this_transaction_saw_when_it_began(world):
    cadre = world.cadre_a
    with transaction.atomic():
        with bulk.Beside() as beside:
            assert beside.available
            # Committed by someone else once the snapshot is taken: not in what the call reads.
            _committed_elsewhere("UPDATE records_cadre SET name = %s WHERE id = %s", ["改名", cadre.pk])
            read = beside.call(lambda: (_backend(), Cadre.objects.get(pk=cadre.pk).name))
            backend, name = read.result()
        assert name == "李明"
        assert backend != _backend()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_error_beside_is_raised_by_its_result(world):
    with transaction.atomic(), bulk.Beside() as beside:
        read = beside.call(lambda: Cadre.objects.get(pk=-1))
        with pytest.raises(Cadre.DoesNotExist):
            read.result()
