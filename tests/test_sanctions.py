from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from records.models import SanctionMeasure, impact_end
from records.services.sanctions import sanction_create, talk_create


@pytest.mark.parametrize(
    ("kind", "name", "promotion_until", "post_until"),
    [
        ("政务处分", "警告", date(2026, 9, 14), None),
        ("政务处分", "记过", date(2027, 3, 14), None),
        ("政务处分", "记大过", date(2027, 9, 14), None),
        ("政务处分", "降级", date(2028, 3, 14), None),
        ("政务处分", "撤职", date(2028, 3, 14), None),
        ("党纪处分", "警告", date(2027, 3, 14), None),
        ("党纪处分", "严重警告", date(2027, 9, 14), None),
        ("党纪处分", "撤销党内职务", date(2028, 3, 14), None),
        ("诫勉", "诫勉", date(2026, 9, 14), None),
        ("组织处理", "免职", date(2028, 3, 14), date(2027, 3, 14)),
    ],
)
def test_impact_periods_follow_the_default_table(world, kind, name, promotion_until, post_until):
    measure = SanctionMeasure.objects.get(kind=kind, name=name)
    sanction = sanction_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=measure,
        decided_on=date(2026, 3, 15),
        document_no="青纪发〔2026〕8号",
        reason="违反工作纪律",
    )
    assert sanction.promotion_barred_until == promotion_until
    assert sanction.post_barred_until == post_until
    assert sanction.is_active_on(promotion_until) and not sanction.is_active_on(date(2030, 1, 1))


def test_an_impact_period_ends_the_day_before_the_anniversary():
    assert impact_end(date(2024, 2, 29), 12) == date(2025, 2, 27)
    assert impact_end(date(2026, 1, 31), 6) == date(2026, 7, 30)


def test_a_changed_setting_does_not_move_a_decided_period(world):
    measure = SanctionMeasure.objects.get(kind="政务处分", name="记过")
    sanction = sanction_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=measure,
        decided_on=date(2026, 3, 15),
        document_no="a",
        reason="x",
    )
    barred = measure.blocks_excellent
    measure.promotion_bar_months = 3
    measure.blocks_excellent = not barred
    measure.save()
    sanction.refresh_from_db()
    assert sanction.promotion_barred_until == date(2027, 3, 14)
    assert sanction.blocks_excellent == barred  # nor whether it bars 优秀


def test_the_same_sanction_is_recorded_once(world):
    measure = SanctionMeasure.objects.get(kind="诫勉")
    data = dict(
        actor=world.clerk,
        cadre=world.cadre_a,
        measure=measure,
        decided_on=date(2026, 3, 1),
        document_no="d",
        reason="x",
    )
    sanction_create(**data)
    with pytest.raises(ValidationError):
        sanction_create(**data)


def test_sanctions_and_talks_are_entered_by_clerks_in_scope(world):
    measure = SanctionMeasure.objects.get(kind="诫勉")
    with pytest.raises(PermissionDenied):
        sanction_create(
            actor=world.reviewer,
            cadre=world.cadre_a,
            measure=measure,
            decided_on=date(2026, 3, 1),
            document_no="d",
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        talk_create(
            actor=world.clerk,
            cadre=world.cadre_b,
            kind="谈心谈话",
            held_on=date(2026, 3, 1),
            talker="张书记",
            summary="x",
        )
    talk = talk_create(
        actor=world.clerk,
        cadre=world.cadre_a,
        kind="提醒谈话",
        held_on=date(2026, 3, 1),
        talker="张书记",
        summary="提醒",
    )
    assert talk.entered_by == world.clerk


@pytest.mark.parametrize(("day", "words"), [(date(1800, 1, 1), "from 2000-01-01"), (date(2999, 1, 1), "future")])
def test_a_sanction_or_talk_dated_before_2000_or_not_yet_come_is_refused(world, day, words):
    measure = SanctionMeasure.objects.get(kind="政务处分", name="警告")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        sanction_create(
            actor=world.clerk, cadre=world.cadre_a, measure=measure, decided_on=day, document_no="青纪〔2025〕9号",
            reason="x",
        )  # fmt: skip
    assert words in str(exc.value.message_dict["decided_on"])
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        talk_create(actor=world.clerk, cadre=world.cadre_a, kind="谈心谈话", held_on=day, talker="张部长", summary="x")
    assert words in str(exc.value.message_dict["held_on"])


def test_the_same_sanction_typed_with_other_brackets_is_refused(world):
    measure = SanctionMeasure.objects.get(kind="诫勉")
    data = dict(actor=world.clerk, cadre=world.cadre_a, measure=measure, decided_on=date(2026, 3, 1), reason="x")
    first = sanction_create(**data, document_no="青纪（２０２６） 4号")
    assert first.document_no == "青纪〔2026〕4号"
    with pytest.raises(ValidationError):
        sanction_create(**data, document_no="青纪[2026]4号")
