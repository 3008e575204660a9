import itertools
from datetime import date

import factory

from accounts.models import User
from core.masking import id_check_digit
from records.models import Cadre, CadreCategory, Rank
from records.services import cadre_create, unit_create

_codes = itertools.count(1)
_staff = itertools.count(1)


def make_unit(name="测试单位", *, parent=None, kind="乡镇街道", code=None):
    return unit_create(code=code or f"U{next(_codes):05d}", name=name, kind=kind, parent=parent)


def valid_id_number(birth=date(1985, 6, 1), serial="123"):
    first17 = f"430521{birth:%Y%m%d}{serial}"
    return first17 + id_check_digit(first17)


def make_cadre(unit, *, name="张三", staff_no=None, **fields):
    data = {
        "staff_no": staff_no or f"GB{next(_staff):06d}",
        "name": name,
        "gender": "男",
        "birth_date": date(1985, 6, 1),
        "unit": unit,
        "position": "科员",
        "leadership_level": "无",
        "rank": Rank.STAFF_1,
        "category": CadreCategory.CIVIL_SERVANT,
        "post_since": date(2020, 1, 1),
        "rank_since": date(2020, 1, 1),
        "id_number": valid_id_number(),
        "mobile": "13812345678",
    }
    data.update(fields)
    return cadre_create(**data)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-42")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def grant(user, role, scope):
    """Grant without going through a security administrator (test set-up only)."""
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=role, scope=scope)
    if role == "sysadmin":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user._role_cache = None
    return user


__all__ = ["Cadre", "UserFactory", "grant", "make_cadre", "make_unit", "valid_id_number"]


def rule(code):
    """The version of rule ``code`` from the default rule book currently in force."""
    from records.models import PointRule

    return PointRule.objects.get(code=code, valid_to__isnull=True)


def make_entry(cadre, *, by, code="JN04", points="2", occurred_on=None, document_no=None, facts="完成重点项目攻坚"):
    """A pending entry entered through the service by clerk ``by``."""
    from decimal import Decimal

    from records.services.ledger import entry_create

    occurred_on = occurred_on or date(2026, 3, 10)
    return entry_create(
        actor=by,
        cadre=cadre,
        rule=rule(code),
        points=Decimal(points),
        facts=facts,
        document_no=document_no if document_no is not None else f"青政〔2026〕{next(_staff)}号",
        occurred_on=occurred_on,
    )


def make_sanction(
    cadre, *, by, measure=("党纪处分", "警告"), decided_on=date(2026, 3, 15), document_no=None, reason="违反工作纪律"
):
    """A sanction recorded through the service by clerk ``by``; ``measure`` is its (kind, name)."""
    from records.models import SanctionMeasure
    from records.services.sanctions import sanction_create

    kind, name = measure
    return sanction_create(
        actor=by,
        cadre=cadre,
        measure=SanctionMeasure.objects.get(kind=kind, name=name),
        decided_on=decided_on,
        document_no=document_no if document_no is not None else f"青纪〔{decided_on.year}〕{next(_staff)}号",
        reason=reason,
    )


def make_talk(cadre, *, by, kind="函询", held_on=date(2026, 5, 1), talker="县纪委", summary="函询核实"):
    """A talk record entered through the service by clerk ``by``."""
    from records.services.sanctions import talk_create

    return talk_create(actor=by, cadre=cadre, kind=kind, held_on=held_on, talker=talker, summary=summary)


def confirmed_entry(cadre, *, by, reviewer, **kwargs):
    from records.services.ledger import entry_confirm

    entry = make_entry(cadre, by=by, **kwargs)
    entry_confirm(actor=reviewer, entry=entry)
    entry.refresh_from_db()
    return entry
