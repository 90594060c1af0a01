import pytest
from django.core.exceptions import ValidationError

from kuseaw.fields import NationalIDField
from kuseaw.national_id import (
    check_digit,
    format_national_id,
    is_valid_national_id,
    mask_national_id,
    normalize_national_id,
    validate_national_id,
)

VALID = "1101700230708"  # by hand: 13+12+10+7·9+2·6+3·5+7·3 = 146; 146 mod 11 = 3; 11 − 3 = 8


def test_check_digit_follows_the_mod_11_rule():
    digits = "110170023070"
    total = sum(int(d) * w for d, w in zip(digits, range(13, 1, -1), strict=True))
    assert check_digit(digits) == (11 - total % 11) % 10 == 8


@pytest.mark.parametrize(
    "typed",
    [
        VALID,
        "1-1017-00230-70-8",
        "1 1017 00230 70 8",
        " 1101700230708 ",
        "๑๑๐๑๗๐๐๒๓๐๗๐๘",
        1101700230708,
        1101700230708.0,
        "1101700230708.0",
    ],
)
def test_valid_id_is_accepted_however_it_is_typed(typed):
    assert is_valid_national_id(typed)
    assert normalize_national_id(typed) == VALID
    validate_national_id(typed)


@pytest.mark.parametrize("wrong_last_digit", [d for d in "0123456789" if d != "8"])
def test_id_with_wrong_check_digit_is_refused_in_thai(wrong_last_digit):
    bad = VALID[:12] + wrong_last_digit
    assert not is_valid_national_id(bad)
    with pytest.raises(ValidationError) as error:
        validate_national_id(bad)
    assert "ตัวเลขตรวจสอบ" in error.value.messages[0]


@pytest.mark.parametrize("bad", ["", "123", "11017002307081", "1-1017-00230-70-x", "abcdefghijklm"])
def test_id_that_is_not_13_digits_is_refused(bad):
    assert not is_valid_national_id(bad)
    with pytest.raises(ValidationError) as error:
        validate_national_id(bad)
    assert "13 หลัก" in error.value.messages[0]


def test_id_is_printed_like_the_card_and_masked_for_those_who_need_not_see_it():
    assert format_national_id(VALID) == "1-1017-00230-70-8"
    assert mask_national_id(VALID) == "x-xxxx-xxxxx-70-8"
    assert mask_national_id(None) == ""


def test_form_field_cleans_dashed_id_to_digits_and_explains_errors():
    field = NationalIDField(required=False)
    assert field.clean("1-1017-00230-70-8") == VALID
    assert field.clean("") == ""
    with pytest.raises(ValidationError):
        field.clean("1-1017-00230-70-4")
