"""/api/v1/annual-summaries/ and /api/v1/flags/: scoped reads, filters, and the committee's decision."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import CandidateFlag, FlagState
from tests.factories import UserFactory, grant, make_cadre
from tests.factories_scores import make_flag, make_summary

SUMMARIES = "/api/v1/annual-summaries/"
FLAGS = "/api/v1/flags/"


@pytest.fixture
def data(world):
    return {
        "a": make_summary(world.cadre_a, suggested_grade="优秀"),
        "a2024": make_summary(world.cadre_a, year=2024),
        "office": make_summary(world.cadre_a_office, category="事业人员"),
        "b": make_summary(world.cadre_b, final_grade="基本称职", final_note="说明"),
        "flag_a": make_flag(world.cadre_a),
        "flag_b": make_flag(world.cadre_b, kind="talk_reminder"),
        "withdrawn": make_flag(world.cadre_a, kind="talk_reminder", state=FlagState.WITHDRAWN, decision="accepted"),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_summaries_are_listed_through_the_scope(world, as_user, data):
    assert ids(as_user(world.reviewer).get(SUMMARIES)) == {data["a"].pk, data["a2024"].pk, data["office"].pk}
    assert len(ids(as_user(world.committee).get(SUMMARIES))) == 4


def test_summaries_filter_by_year_unit_grade_and_category(world, as_user, data):
    client = as_user(world.committee)
    assert ids(client.get(SUMMARIES, {"year": 2024})) == {data["a2024"].pk}
    assert ids(client.get(SUMMARIES, {"unit": world.town_a.pk, "year": 2025})) == {data["a"].pk, data["office"].pk}
    assert ids(client.get(SUMMARIES, {"grade": "基本称职"})) == {data["b"].pk}
    assert ids(client.get(SUMMARIES, {"grade": "优秀"})) == {data["a"].pk}
    assert ids(client.get(SUMMARIES, {"category": "事业人员"})) == {data["office"].pk}
    assert client.get(SUMMARIES, {"grade": "好"}).status_code == 400


def test_an_unknown_category_is_a_400_not_an_empty_list(world, as_user, data):
    response = as_user(world.committee).get(SUMMARIES, {"category": "事业"})
    assert response.status_code == 400
    assert "category" in response.json()


def test_a_summary_reads_in_full(world, as_user, data):
    row = as_user(world.committee).get(f"{SUMMARIES}{data['b'].pk}/").json()
    assert (row["cadre_name"], row["grade"], row["final_note"], row["score"]) == ("赵强", "基本称职", "说明", "85.70")
    assert row["q1_grade"] == "好" and row["ledger_by_category"]["创先争优"] == "12.0"


def test_a_summary_outside_the_scope_is_not_found(world, as_user, data):
    assert as_user(world.reviewer).get(f"{SUMMARIES}{data['b'].pk}/").status_code == 404


def test_flags_are_listed_through_the_scope_with_their_sentence(world, as_user, data):
    response = as_user(world.reviewer).get(FLAGS, {"kind": "promotion"})
    [row] = response.json()["results"]
    assert row["id"] == data["flag_a"].pk and row["kind_text"] == "优先提拔" and row["reference_only"] is True
    assert row["sentence"] == "年度综合得分位列本类别前 10%（本类别最高）；3 个季度等次为“好”"
    assert ids(as_user(world.reviewer).get(FLAGS)) == {data["flag_a"].pk, data["withdrawn"].pk}


def test_flags_filter_by_state_decision_unit_and_year(world, as_user, data):
    client = as_user(world.committee)
    assert ids(client.get(FLAGS, {"state": "withdrawn"})) == {data["withdrawn"].pk}
    assert ids(client.get(FLAGS, {"decision": "pending"})) == {data["flag_a"].pk, data["flag_b"].pk}
    assert ids(client.get(FLAGS, {"decision": "accepted"})) == {data["withdrawn"].pk}
    assert ids(client.get(FLAGS, {"unit": world.town_b.pk})) == {data["flag_b"].pk}
    assert ids(client.get(FLAGS, {"year": 2024})) == set()
    assert client.get(FLAGS, {"decision": "maybe"}).status_code == 400


def test_the_committee_decides_a_flag(world, as_user, data):
    url = f"{FLAGS}{data['flag_a'].pk}/decide/"
    response = as_user(world.committee).post(
        url, {"decision": "dismissed", "note": "已提拔"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["decision"], response.json()["decided_by_name"]) == ("dismissed", str(world.committee))


def test_dismissing_without_a_note_is_a_400_on_the_note(world, as_user, data):
    url = f"{FLAGS}{data['flag_a'].pk}/decide/"
    response = as_user(world.committee).post(url, {"decision": "dismissed"}, content_type="application/json")
    assert response.status_code == 400 and "note" in response.json()


def test_a_withdrawn_flag_is_a_400(world, as_user, data):
    url = f"{FLAGS}{data['withdrawn'].pk}/decide/"
    response = as_user(world.committee).post(
        url, {"decision": "dismissed", "note": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert CandidateFlag.objects.get(pk=data["withdrawn"].pk).decision == "accepted"


def test_a_reviewer_may_not_decide_whatever_they_send(world, as_user, data):
    url = f"{FLAGS}{data['flag_a'].pk}/decide/"
    assert as_user(world.reviewer).post(url, {}, content_type="application/json").status_code == 403
    committee_a = grant(UserFactory(username="committee_a"), "committee", world.town_a)
    other = f"{FLAGS}{data['flag_b'].pk}/decide/"
    assert (
        as_user(committee_a).post(other, {"decision": "accepted"}, content_type="application/json").status_code == 404
    )


def test_other_roles_are_refused(world, as_user, data):
    for user in (world.clerk, world.sysadmin, world.outsider):
        client = as_user(user)
        assert client.get(SUMMARIES).status_code == 403
        assert client.get(f"{FLAGS}{data['flag_a'].pk}/").status_code == 403


def test_the_decide_action_answers_only_post(world, as_user, data):
    assert as_user(world.committee).get(f"{FLAGS}{data['flag_a'].pk}/decide/").status_code == 405
    assert as_user(world.committee).delete(f"{FLAGS}{data['flag_a'].pk}/").status_code == 405


def test_the_lists_cost_the_same_queries_for_more_rows(world, as_user, data):
    client = as_user(world.committee)
    client.get(SUMMARIES)
    with CaptureQueriesContext(connection) as few_summaries:
        client.get(SUMMARIES)
    with CaptureQueriesContext(connection) as few_flags:
        client.get(FLAGS)
    for i in range(10):
        cadre = make_cadre(world.town_a, name=f"干部{i}")
        make_summary(cadre, score=Decimal(60 + i), decided_by=world.committee, final_grade="称职")
        make_flag(cadre, decided_by=world.committee, decision="accepted")
    with CaptureQueriesContext(connection) as many_summaries:
        assert len(ids(client.get(SUMMARIES))) == 14
    with CaptureQueriesContext(connection) as many_flags:
        assert len(ids(client.get(FLAGS))) == 13
    assert len(many_summaries) == len(few_summaries) and len(many_flags) == len(few_flags)
