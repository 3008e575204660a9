import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.masking import id_check_digit, mask_id_number, mask_mobile, validate_id_number, validate_mobile


def test_it_accepts_a_known_valid_id_number():
    # GB 11643 worked example.
    assert validate_id_number("11010519491231002X") == "11010519491231002X"


def test_it_accepts_a_lower_case_x():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "value", ["110105194912310021", "1101051949123100", "11010519491231002Y", "A1010519491231002X"]
)
def test_it_rejects_malformed_or_miscomputed_id_numbers(value):
    with pytest.raises(ValidationError):
        validate_id_number(value)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_a_computed_check_digit_always_validates_and_any_other_fails(first17):
    good = first17 + id_check_digit(first17)
    assert validate_id_number(good) == good
    for other in "0123456789X":
        if other != good[-1]:
            with pytest.raises(ValidationError):
                validate_id_number(first17 + other)


def test_it_masks_all_of_an_id_number_but_its_last_four():
    # The birth date is shown beside it: the region digits must not be, or the number is rebuilt.
    assert mask_id_number("430521198506011234") == "**************1234"


def test_it_masks_the_middle_of_a_mobile():
    assert mask_mobile("13812345678") == "138****5678"


@pytest.mark.parametrize("value", ["1381234567", "23812345678", "138123456789", "1381234567a"])
def test_it_rejects_bad_mobiles(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)
