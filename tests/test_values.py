"""value_class: a frozen dataclass with a quicker ``__init__`` behaves as the dataclass would."""

from dataclasses import FrozenInstanceError, InitVar, dataclass, field, replace

import pytest

from core.values import value_class


@value_class
class Fact:
    quarter: int
    grade: str = ""
    ids: tuple[int, ...] = ()
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.quarter not in (1, 2, 3, 4):
            raise ValueError(f"bad quarter {self.quarter}")


@value_class
class Ref:
    kind: str
    ident: int


@dataclass(frozen=True)
class Plain:
    quarter: int
    grade: str = ""
    ids: tuple[int, ...] = ()
    notes: dict = field(default_factory=dict)


def test_it_takes_its_fields_by_position_or_by_name_with_the_defaults():
    assert Fact(2).__dict__ == {"quarter": 2, "grade": "", "ids": (), "notes": {}}
    assert Fact(3, "好", (7, 8)) == Fact(quarter=3, grade="好", ids=(7, 8))
    assert Fact(1, notes={"a": 1}).notes == {"a": 1}


def test_each_instance_gets_its_own_default_from_a_factory():
    first, second = Fact(1), Fact(1)
    first.notes["a"] = 1
    assert second.notes == {}


def test_it_checks_its_fields_after_init_as_the_dataclass_does():
    with pytest.raises(ValueError, match="bad quarter 5"):
        Fact(5)


def test_it_refuses_missing_and_unknown_arguments():
    with pytest.raises(TypeError):
        Fact()
    with pytest.raises(TypeError):
        Fact(1, colour="red")


def test_it_stays_frozen_hashable_and_replaceable():
    fact = Fact(1, "好", (7,))
    with pytest.raises(FrozenInstanceError):
        fact.grade = "较差"
    assert hash(Ref("entry", 7)) == hash(Ref("entry", 7))
    assert {Ref("entry", 7), Ref("entry", 7), Ref("review", 7)} == {Ref("entry", 7), Ref("review", 7)}
    assert replace(fact, quarter=4) == Fact(4, "好", (7,))
    with pytest.raises(ValueError, match="bad quarter 9"):
        replace(fact, quarter=9)
    assert repr(fact) == "Fact(quarter=1, grade='好', ids=(7,), notes={})"


def test_it_holds_what_the_plain_frozen_dataclass_holds():
    assert Fact(2, "一般", (1, 2)).__dict__ == Plain(2, "一般", (1, 2)).__dict__


def test_it_refuses_classes_it_cannot_build_faster():
    with pytest.raises(TypeError, match="InitVar"):

        @value_class
        class WithInitVar:
            seed: InitVar[int]

    with pytest.raises(TypeError, match="init=False"):

        @value_class
        class Computed:
            total: int = field(default=0, init=False)
