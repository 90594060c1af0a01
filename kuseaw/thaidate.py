"""Buddhist Era (พ.ศ.) dates: the one place that shows and reads them.

Everything a user sees is `18 ส.ค. 2563` (ค.ศ. + 543); everything a user or a
spreadsheet types is read by `parse_be_date`.
"""

import datetime as dt
import re

from django.conf import settings
from django.utils import timezone

from kuseaw.thai import clean_text

BE_OFFSET = 543

MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip

# Month names as people type them: long, short with or without dots.
_MONTH_BY_NAME = {}
for _number, (_long, _short) in enumerate(zip(MONTHS_LONG, MONTHS_SHORT, strict=True), start=1):
    _MONTH_BY_NAME[_long] = _number
    _MONTH_BY_NAME[_short] = _number
    _MONTH_BY_NAME[_short.replace(".", "")] = _number

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\s+(\S+?)\s*(?:พ\.ศ\.|พ\.ศ)?\s*(\d{2}|\d{4})$")


class BEDateError(ValueError):
    """The text is not a date we can read; the message is Thai and safe to show."""


def to_be_year(year: int) -> int:
    return year + BE_OFFSET


def date_range() -> tuple[dt.date, dt.date]:
    """The first and last date a person may type (settings KUSEAW_DATE_MIN_YEAR and
    KUSEAW_DATE_YEARS_AHEAD): 1 January of the first year to 31 December of the last."""
    last_year = timezone.localdate().year + settings.KUSEAW_DATE_YEARS_AHEAD
    return dt.date(settings.KUSEAW_DATE_MIN_YEAR, 1, 1), dt.date(last_year, 12, 31)


def check_date_in_range(day: dt.date) -> None:
    """Raise BEDateError (Thai, naming the range in พ.ศ.) for a date outside date_range(): a
    year typed wrong, like 2400 (read as 1857) or 9999 (read as 9456)."""
    first, last = date_range()
    if not first <= day <= last:
        raise BEDateError(
            f"ปี พ.ศ. {to_be_year(day.year)} อยู่นอกช่วงที่รับได้"
            f" (ตั้งแต่ พ.ศ. {to_be_year(first.year)} ถึง พ.ศ. {to_be_year(last.year)})"
        )


def format_be(value, style: str = "short") -> str:
    """A date or datetime as `18 ส.ค. 2563` (style="short"), `18 สิงหาคม 2563` ("long")
    or `18/08/2563` ("numeric"). Datetimes are shown in the local time zone, with the time
    when style ends in "_time". Empty for None.
    """
    if value is None or value == "":
        return ""
    with_time = style.endswith("_time")
    style = style.removesuffix("_time")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        moment, day = value, value.date()
    else:
        moment, day = None, value
    year = to_be_year(day.year)
    if style == "numeric":
        text = f"{day.day:02d}/{day.month:02d}/{year}"
    elif style == "long":
        text = f"{day.day} {MONTHS_LONG[day.month - 1]} {year}"
    elif style == "month":
        text = f"{MONTHS_SHORT[day.month - 1]} {str(year)[2:]}"
    else:
        text = f"{day.day} {MONTHS_SHORT[day.month - 1]} {year}"
    if with_time and moment is not None:
        text += f" {moment:%H:%M} น."
    return text


def _year_from_text(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years in Thai offices are BE: 64 → 2564.
        return 2500 + year - BE_OFFSET
    if year >= 2400:
        return year - BE_OFFSET
    if 1900 <= year <= 2200:
        # A Christian-era year in a four-digit form (from a system export): take it as it is.
        return year
    raise BEDateError(f"ปี {text} ไม่ถูกต้อง (ใช้ปี พ.ศ. เช่น 2567)")


def parse_be_date(value) -> dt.date | None:
    """Read a date typed in the Buddhist Era. Accepts `15/02/2564`, `15-2-64`,
    `15 ก.พ. 2564`, `15 กุมภาพันธ์ 2564`, Thai digits, ISO `2564-02-15`, and date or
    datetime objects (returned as dates). Returns None for blank input; raises
    BEDateError with a Thai message for anything else.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = re.sub(r"\s+", " ", clean_text(value))
    if not text:
        return None
    if match := _NUMERIC.match(text):
        day, month, year = int(match[1]), int(match[2]), _year_from_text(match[3])
    elif match := _ISO.match(text):
        year, month, day = _year_from_text(match[1]), int(match[2]), int(match[3])
    elif match := _WORDS.match(text):
        month_name = match[2]
        if month_name not in _MONTH_BY_NAME:
            raise BEDateError(f"ไม่รู้จักชื่อเดือน «{month_name}»")
        day, month, year = int(match[1]), _MONTH_BY_NAME[month_name], _year_from_text(match[3])
    else:
        raise BEDateError(f"อ่านวันที่ «{text}» ไม่ได้ (ใช้รูปแบบ วว/ดด/ปปปป พ.ศ. เช่น 15/02/2567)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BEDateError(f"ไม่มีวันที่ «{text}» ในปฏิทิน") from None
