"""Thai national ID numbers (เลขประจำตัวประชาชน): 13 digits, the last a mod-11 check digit."""

import re

from django.core.exceptions import ValidationError

from kuseaw.thai import clean_text

_SEPARATORS = re.compile(r"[\s\-–.]")


def normalize_national_id(value) -> str:
    """Digits only: accepts dashes, spaces, Thai digits and Excel's numbers (1234567890123.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as text
        text = text[:-2]
    return _SEPARATORS.sub("", text)


def check_digit(first_twelve: str) -> int:
    total = sum(int(digit) * (13 - position) for position, digit in enumerate(first_twelve))
    return (11 - total % 11) % 10


def is_valid_national_id(value) -> bool:
    digits = normalize_national_id(value)
    return (
        len(digits) == 13
        and digits.isascii()
        and digits.isdigit()
        and check_digit(digits[:12]) == int(digits[12])
    )


def validate_national_id(value) -> None:
    digits = normalize_national_id(value)
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 13:
        raise ValidationError("เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก", code="national_id_length")
    if check_digit(digits[:12]) != int(digits[12]):
        raise ValidationError(
            "เลขประจำตัวประชาชนไม่ถูกต้อง: ตัวเลขตรวจสอบ (หลักสุดท้าย) ไม่ตรง",
            code="national_id_checksum",
        )


def format_national_id(digits: str) -> str:
    """1234567890123 → 1-2345-67890-12-3, the way it is printed on the card."""
    if len(digits) != 13:
        return digits
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def mask_national_id(digits: str | None) -> str:
    """Hide all but the last three digits: x-xxxx-xxxxx-12-3."""
    if not digits:
        return ""
    if len(digits) != 13:
        return "x" * len(digits)
    return f"x-xxxx-xxxxx-{digits[10:12]}-{digits[12]}"
