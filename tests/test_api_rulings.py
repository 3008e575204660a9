from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from records.models import FaultToleranceRuling, FTStage
from records.services.ledger import ruling_apply, ruling_verify
from tests.factories import UserFactory, confirmed_entry, grant

RULINGS = "/api/v1/rulings/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def deduction(world):
    return confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-3")


@pytest.fixture
def deduction_b(world):
    reviewer = grant(UserFactory(username="reviewer_county"), "reviewer", world.county)
    return confirmed_entry(world.cadre_b, by=world.county_clerk, reviewer=reviewer, code="SW01", points="-2")


@pytest.fixture
def applied(world, deduction):
    return ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="先行先试中出现失误")


@pytest.fixture
def verified(world, applied):
    return ruling_verify(actor=world.reviewer, ruling=applied, findings="经核实属探索性失误，未谋私利")


def _apply(entry):
    return {"entry": entry.pk, "basis": "exploration", "application": "在改革探索中出现失误，申请容错"}


def test_a_clerk_applies_for_fault_tolerance_on_a_deduction(world, as_user, deduction):
    response = as_user(world.clerk).post(RULINGS, _apply(deduction))
    assert response.status_code == 201
    data = response.json()
    assert (data["entry"], data["stage"], data["applied_by"], data["points"]) == (
        deduction.pk,
        "applied",
        world.clerk.pk,
        "-3.0",
    )


def test_an_add_entry_gets_no_ruling(world, as_user):
    entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="JN04")
    response = as_user(world.clerk).post(RULINGS, _apply(entry))
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_bad_basis_answers_400_with_the_field(world, as_user, deduction):
    response = as_user(world.clerk).post(RULINGS, {**_apply(deduction), "basis": "luck"})
    assert response.status_code == 400 and "basis" in response.json()


@pytest.mark.parametrize("who", ["reviewer", "committee"])
def test_only_clerks_apply(world, as_user, deduction, who):
    assert as_user(getattr(world, who)).post(RULINGS, _apply(deduction)).status_code == 403
    assert not FaultToleranceRuling.objects.exists()


def test_applying_outside_the_scope_answers_404(world, as_user, deduction_b):
    assert as_user(world.clerk).post(RULINGS, _apply(deduction_b)).status_code == 404


def test_the_list_is_scoped_and_filtered(world, as_user, applied, deduction_b):
    other = ruling_apply(actor=world.county_clerk, entry=deduction_b, basis="trial", application="申请")
    assert {r["id"] for r in as_user(world.clerk).get(RULINGS).json()["results"]} == {applied.pk}
    client = as_user(world.committee)
    assert {r["id"] for r in client.get(RULINGS).json()["results"]} == {applied.pk, other.pk}
    assert [r["id"] for r in client.get(RULINGS, {"cadre": world.cadre_b.pk}).json()["results"]] == [other.pk]
    assert client.get(RULINGS, {"stage": "filed"}).json()["count"] == 0
    assert as_user(world.clerk).get(f"{RULINGS}{other.pk}/").status_code == 404


def test_a_reviewer_verifies_and_a_clerk_cannot(world, as_user, applied):
    url = f"{RULINGS}{applied.pk}/verify/"
    assert as_user(world.clerk).post(url, {"verification": "核实"}).status_code == 403
    response = as_user(world.reviewer).post(url, {"verification": "经核实属实"})
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["verified_by"]) == ("verified", world.reviewer.pk)


def test_verifying_without_findings_answers_400_on_verification(world, as_user, applied):
    response = as_user(world.reviewer).post(f"{RULINGS}{applied.pk}/verify/", {"verification": ""})
    assert response.status_code == 400 and "verification" in response.json()


def test_whoever_applied_cannot_verify(world, as_user, deduction):
    both = grant(grant(UserFactory(username="both"), "clerk", world.town_a), "reviewer", world.town_a)
    ruling = ruling_apply(actor=both, entry=deduction, basis="trial", application="申请")
    assert as_user(both).post(f"{RULINGS}{ruling.pk}/verify/", {"verification": "核实"}).status_code == 403


@pytest.mark.parametrize(
    ("outcome", "reduced", "effective"),
    [("waived", None, "0.0"), ("reduced", "-1", "-1.0"), ("rejected", None, "-3.0")],
)
def test_determining_sets_the_entrys_effective_points(world, as_user, verified, outcome, reduced, effective):
    body = {"outcome": outcome, "determination": "经集体研究认定"}
    if reduced:
        body["reduced_points"] = reduced
    response = as_user(world.reviewer).post(f"{RULINGS}{verified.pk}/determine/", body)
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["effective_points"]) == ("determined", effective)
    entry = as_user(world.committee).get(f"/api/v1/entries/{verified.entry_id}/").json()
    assert (entry["points"], entry["effective_points"]) == ("-3.0", effective)
    assert entry["ruling"] == {"id": verified.pk, "stage": "determined", "outcome": outcome}


@pytest.mark.parametrize("reduced", [None, "-3", "0", "-4"])
def test_a_reduction_must_lie_between_the_points_and_zero(world, as_user, verified, reduced):
    body = {"outcome": "reduced", "determination": "减轻"}
    if reduced:
        body["reduced_points"] = reduced
    response = as_user(world.reviewer).post(f"{RULINGS}{verified.pk}/determine/", body)
    assert response.status_code == 400 and "reduced_points" in response.json()


def test_determining_before_verification_answers_400(world, as_user, applied):
    response = as_user(world.reviewer).post(f"{RULINGS}{applied.pk}/determine/", {"outcome": "waived"})
    assert response.status_code == 400


def test_a_determined_ruling_is_filed_with_a_document_number(world, as_user, verified):
    as_user(world.reviewer).post(f"{RULINGS}{verified.pk}/determine/", {"outcome": "waived"})
    url = f"{RULINGS}{verified.pk}/file/"
    client = as_user(world.clerk)
    missing = client.post(url, {})
    assert missing.status_code == 400 and "filing_document_no" in missing.json()
    assert as_user(world.committee).post(url, {"filing_document_no": "青容纠备〔2026〕1号"}).status_code == 403
    response = as_user(world.clerk).post(url, {"filing_document_no": "青容纠备〔2026〕1号"})
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["filing_document_no"]) == ("filed", "青容纠备〔2026〕1号")
    assert FaultToleranceRuling.objects.get().stage == FTStage.FILED


def test_the_committee_cannot_move_a_ruling(world, as_user, verified):
    url = f"{RULINGS}{verified.pk}/determine/"
    assert as_user(world.committee).post(url, {"outcome": "waived"}).status_code == 403


def test_rulings_answer_405_to_edits(world, as_user, applied):
    client = as_user(world.reviewer)
    assert client.put(f"{RULINGS}{applied.pk}/", {}, content_type="application/json").status_code == 405
    assert client.delete(f"{RULINGS}{applied.pk}/").status_code == 405
    assert client.get(f"{RULINGS}{applied.pk}/verify/").status_code == 405


def test_the_ruling_api_needs_a_record_role(world, as_user, applied):
    assert as_user(world.auditor).get(RULINGS).status_code == 403
    assert as_user(world.outsider).get(f"{RULINGS}{applied.pk}/").status_code == 403
