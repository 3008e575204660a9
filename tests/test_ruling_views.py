from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from records.models import FaultToleranceRuling, FTStage, LedgerEntry
from records.services.ledger import ruling_apply, ruling_determine, ruling_verify
from tests.factories import UserFactory, confirmed_entry, grant, make_entry


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def deduction(world):
    return confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="SW01", points="-2")


@pytest.fixture
def ruling(world, deduction):
    return ruling_apply(actor=world.clerk, entry=deduction, basis="trial", application="先行先试中的失误")


@pytest.fixture
def county_reviewer(world):
    return grant(UserFactory(username="reviewer_county"), "reviewer", world.county)


@pytest.fixture
def ruling_b(world, county_reviewer):
    entry = confirmed_entry(world.cadre_b, by=world.county_clerk, reviewer=county_reviewer, code="TS01", points="-1")
    return ruling_apply(actor=world.county_clerk, entry=entry, basis="development", application="为发展担当的失误")


def new_url(entry):
    return reverse("records:ruling-new", args=[entry.pk])


def detail_url(ruling):
    return reverse("records:ruling-detail", args=[ruling.pk])


LIST = reverse("records:ruling-list")


# --- apply ---------------------------------------------------------------------------------------


def test_a_clerk_applies_for_fault_tolerance_on_a_confirmed_deduction(world, as_user, deduction):
    client = as_user(world.clerk)
    page = client.get(new_url(deduction))
    assert page.status_code == 200 and "SW01" in page.text
    response = client.post(new_url(deduction), {"basis": "exploration", "application": "探索中出现的偏差"})
    ruling = FaultToleranceRuling.objects.get(entry=deduction)
    assert response.status_code == 302 and response.url == detail_url(ruling)
    assert (ruling.stage, ruling.basis, ruling.applied_by) == (FTStage.APPLIED, "exploration", world.clerk)


def test_an_addition_is_refused_before_any_form_is_shown(world, as_user):
    addition = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer)
    client = as_user(world.clerk)
    row = reverse("records:cadre-detail", args=[world.cadre_a.pk]) + f"#entry-{addition.pk}"
    for response in (client.get(new_url(addition)), client.post(new_url(addition), {"basis": "trial"})):
        assert response.status_code == 302 and response.url == row
    assert "容错纠错仅适用于扣分纪实。" in client.get(new_url(addition), follow=True).text
    assert not FaultToleranceRuling.objects.exists()


def test_a_pending_deduction_is_refused_before_any_form_is_shown(world, as_user):
    pending = make_entry(world.cadre_a, by=world.clerk, code="SW01", points="-2")
    response = as_user(world.clerk).get(new_url(pending), follow=True)
    assert "容错纠错仅适用于已确认的扣分纪实。" in response.text and 'name="application"' not in response.text


def test_the_application_needs_a_basis_and_a_text(world, as_user, deduction):
    response = as_user(world.clerk).post(new_url(deduction), {"basis": "", "application": ""})
    assert set(response.context["form"].errors) == {"basis", "application"}


def test_a_second_application_leads_to_the_existing_ruling(world, as_user, ruling):
    response = as_user(world.clerk).get(new_url(ruling.entry))
    assert response.status_code == 302 and response.url == detail_url(ruling)


@pytest.mark.parametrize("role", ["reviewer", "committee", "sysadmin", "outsider"])
def test_only_clerks_apply(world, as_user, deduction, role):
    response = as_user(getattr(world, role)).post(new_url(deduction), {"basis": "trial", "application": "试试"})
    assert response.status_code == 403
    assert not FaultToleranceRuling.objects.exists()


def test_a_committee_member_who_is_also_a_clerk_elsewhere_may_not_apply_here(world, as_user, deduction):
    grant(world.committee, "clerk", world.town_b)
    response = as_user(world.committee).post(new_url(deduction), {"basis": "trial", "application": "试试"})
    assert response.status_code == 403


def test_applying_on_an_entry_outside_scope_is_404(world, as_user, county_reviewer):
    entry = confirmed_entry(world.cadre_b, by=world.county_clerk, reviewer=county_reviewer, code="SW01", points="-2")
    assert as_user(world.clerk).get(new_url(entry)).status_code == 404
    assert as_user(world.clerk).post(new_url(entry), {"basis": "trial", "application": "试试"}).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_apply_answers_405_to_other_methods(world, as_user, deduction, method):
    assert getattr(as_user(world.clerk), method)(new_url(deduction)).status_code == 405


# --- the stages ----------------------------------------------------------------------------------


def test_a_reviewer_walks_a_ruling_to_a_reduced_deduction_and_a_clerk_files_it(world, as_user, ruling):
    reviewer = as_user(world.reviewer)
    page = reviewer.get(detail_url(ruling))
    assert page.context["action"] == "verify" and page.context["form"] is not None
    reviewer.post(detail_url(ruling), {"action": "verify", "verification": "经核实属探索性失误"})
    ruling.refresh_from_db()
    assert (ruling.stage, ruling.verified_by) == (FTStage.VERIFIED, world.reviewer)

    missing = reviewer.post(detail_url(ruling), {"action": "determine", "outcome": "reduced", "determination": "减轻"})
    assert missing.status_code == 200 and missing.context["form"].errors["reduced_points"]
    out_of_range = reviewer.post(
        detail_url(ruling),
        {"action": "determine", "outcome": "reduced", "reduced_points": "-3", "determination": "减轻"},
    )
    assert out_of_range.context["form"].errors["reduced_points"]
    reviewer.post(
        detail_url(ruling),
        {"action": "determine", "outcome": "reduced", "reduced_points": "-1", "determination": "减轻"},
    )
    entry = LedgerEntry.objects.get(pk=ruling.entry_id)
    assert (entry.points, entry.effective_points) == (Decimal("-2"), Decimal("-1"))
    page = reviewer.get(detail_url(ruling))
    assert "-2.0" in page.text and "-1.0" in page.text
    assert page.context["action"] == "file"

    clerk = as_user(world.clerk)
    assert clerk.get(detail_url(ruling)).context["form"] is not None
    clerk.post(detail_url(ruling), {"action": "file", "filing_document_no": "青组容〔2026〕3号"})
    ruling.refresh_from_db()
    assert (ruling.stage, ruling.filing_document_no, ruling.filed_by) == (
        FTStage.FILED,
        "青组容〔2026〕3号",
        world.clerk,
    )
    final = clerk.get(detail_url(ruling))
    assert final.context["form"] is None and "青组容〔2026〕3号" in final.text


def test_a_waived_deduction_counts_for_nothing(world, as_user, ruling):
    ruling_verify(actor=world.reviewer, ruling=ruling, findings="属实")
    as_user(world.reviewer).post(
        detail_url(ruling), {"action": "determine", "outcome": "waived", "determination": "免责"}
    )
    assert LedgerEntry.objects.get(pk=ruling.entry_id).effective_points == 0


def test_the_page_shows_the_stage_history(world, as_user, ruling):
    ruling_verify(actor=world.reviewer, ruling=ruling, findings="核实记录甲")
    ruling_determine(actor=world.reviewer, ruling=ruling, outcome="rejected", determination="不予容错理由乙")
    text = as_user(world.committee).get(detail_url(ruling)).text
    for fact in ("先行先试中的失误", "核实记录甲", "不予容错理由乙", str(world.clerk), str(world.reviewer)):
        assert fact in text


def test_the_applicant_sees_no_verify_form_and_may_not_verify(world, as_user, ruling):
    client = as_user(world.clerk)
    assert client.get(detail_url(ruling)).context["form"] is None
    response = client.post(detail_url(ruling), {"action": "verify", "verification": "自己核实"})
    assert response.status_code == 403
    ruling.refresh_from_db()
    assert ruling.stage == FTStage.APPLIED


def test_a_reviewer_who_applied_may_not_verify_their_own_application(world, as_user, deduction):
    grant(world.reviewer, "clerk", world.town_a)
    own = ruling_apply(actor=world.reviewer, entry=deduction, basis="trial", application="本人申请")
    response = as_user(world.reviewer).post(detail_url(own), {"action": "verify", "verification": "自己核实"})
    assert response.status_code == 403


def test_a_committee_member_reads_but_may_not_act(world, as_user, ruling):
    client = as_user(world.committee)
    assert client.get(detail_url(ruling)).context["form"] is None
    assert client.post(detail_url(ruling), {"action": "verify", "verification": "核实"}).status_code == 403


def test_a_stale_form_is_turned_away_with_a_message(world, as_user, ruling):
    response = as_user(world.reviewer).post(
        detail_url(ruling), {"action": "determine", "outcome": "waived", "determination": "免责"}
    )
    assert response.status_code == 302
    ruling.refresh_from_db()
    assert ruling.stage == FTStage.APPLIED


def test_a_ruling_outside_scope_is_404(world, as_user, ruling_b):
    client = as_user(world.reviewer)
    assert client.get(detail_url(ruling_b)).status_code == 404
    assert client.post(detail_url(ruling_b), {"action": "verify", "verification": "核实"}).status_code == 404


@pytest.mark.parametrize("role", ["sysadmin", "auditor", "outsider"])
def test_roles_without_records_get_403(world, as_user, ruling, role):
    assert as_user(getattr(world, role)).get(detail_url(ruling)).status_code == 403
    assert as_user(getattr(world, role)).get(LIST).status_code == 403


@pytest.mark.parametrize("method", ["put", "delete"])
def test_detail_answers_405_to_other_methods(world, as_user, ruling, method):
    assert getattr(as_user(world.reviewer), method)(detail_url(ruling)).status_code == 405


# --- list ----------------------------------------------------------------------------------------


def test_the_list_and_the_page_call_the_basis_a_fault_tolerance_basis(world, as_user, ruling):
    client = as_user(world.clerk)
    assert "<th>容错依据</th>" in client.get(LIST).text
    assert "<strong>容错依据:</strong>" in client.get(detail_url(ruling)).text


def test_the_list_is_scoped_through_the_entrys_cadre(world, as_user, ruling, ruling_b):
    assert [r.pk for r in as_user(world.clerk).get(LIST).context["page"]] == [ruling.pk]
    assert {r.pk for r in as_user(world.committee).get(LIST).context["page"]} == {ruling.pk, ruling_b.pk}


def test_the_list_filters_by_stage_and_outcome(world, as_user, ruling, ruling_b, county_reviewer):
    ruling_verify(actor=county_reviewer, ruling=ruling_b, findings="属实")
    ruling_determine(actor=county_reviewer, ruling=ruling_b, outcome="waived", determination="免责")
    client = as_user(world.committee)
    assert [r.pk for r in client.get(LIST, {"stage": "applied"}).context["page"]] == [ruling.pk]
    assert [r.pk for r in client.get(LIST, {"outcome": "waived"}).context["page"]] == [ruling_b.pk]
    assert [r.pk for r in client.get(LIST, {"outcome": "rejected"}).context["page"]] == []


def test_the_list_paginates(world, as_user):
    for i in range(22):
        entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="TS01", points="-1")
        ruling_apply(actor=world.clerk, entry=entry, basis="trial", application=f"申请{i}")
    client = as_user(world.reviewer)
    assert len(client.get(LIST).context["page"].object_list) == 20
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 2


def test_the_list_query_count_does_not_grow_with_page_size(world, as_user):
    for i in range(30):
        entry = confirmed_entry(world.cadre_a, by=world.clerk, reviewer=world.reviewer, code="TS01", points="-1")
        ruling_apply(actor=world.clerk, entry=entry, basis="trial", application=f"申请{i}")
    client = as_user(world.reviewer)
    client.get(LIST)

    def count(size):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, {"size": size}).status_code == 200
        return len(ctx.captured_queries)

    assert count(20) == count(50)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_list_answers_405_to_other_methods(world, as_user, method):
    assert getattr(as_user(world.reviewer), method)(LIST).status_code == 405


def test_a_bad_list_filter_is_shown_next_to_its_field(world, as_user):
    response = as_user(world.reviewer).get(LIST, {"stage": "bogus"})
    assert response.status_code == 200
    assert response.context["form"].errors["stage"]
    assert '<small class="error">' in response.text
