"""Properties of the readers everything typed or imported goes through (issue 7): national
IDs (kuseaw/national_id.py), Buddhist Era dates (kuseaw/thaidate.py) and spreadsheet cells
(households/imports/cells.py).

Each reader is fed what hypothesis makes up: the values people type (dashes, Thai digits,
spaces, two-digit years) must read back to what was meant, and anything else must be refused
with the reader's own error, never another exception (which would be a 500 or a failed import).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from agencies.models import Agency, District, Subdistrict
from households.imports import cells
from households.imports.cells import CellError, ReferenceIndex
from households.models import Education, PovertyLevel, Relation, Sex
from kuseaw.fields import BEDateField, NationalIDField
from kuseaw.national_id import (
    check_digit,
    is_valid_national_id,
    normalize_national_id,
    validate_national_id,
)
from kuseaw.thai import THAI_DIGITS, to_arabic_digits
from kuseaw.thaidate import BEDateError, date_range, format_be, parse_be_date

# Modest and without deadlines: the suite stays fast and a slow CI run never flakes.
# No example database: nothing is written into the working tree.
PROPERTY = hypothesis_settings(max_examples=150, deadline=None, database=None)
WITH_DB = hypothesis_settings(
    PROPERTY, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TO_THAI = str.maketrans("0123456789", THAI_DIGITS)


def is_thai(message: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in message)


# What arrives from forms and spreadsheets: any text, numbers of every kind, dates, nothing.
anything = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789๐๑๒๓๔๕๖๗๘๙-/.,: \t\u00a0\u200b"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


# -- national IDs ----------------------------------------------------------------------------

WEIGHTS = range(13, 1, -1)  # the mod-11 weights of the first twelve digits


@st.composite
def valid_ids(draw) -> str:
    first_twelve = draw(st.text(alphabet="0123456789", min_size=12, max_size=12))
    return first_twelve + str(check_digit(first_twelve))


@st.composite
def typed(draw, digits: str) -> str:
    """The digits as a person or a spreadsheet might give them: dashes, spaces, dots between
    digits, some digits Thai, spaces around."""
    out = []
    for digit in digits:
        out.append(digit.translate(TO_THAI) if draw(st.booleans()) else digit)
        out.append(draw(st.sampled_from(["", "", "", "-", " ", "–", ".", "\u00a0"])))
    around = st.sampled_from(["", " ", "  ", "\t"])
    return draw(around) + "".join(out).rstrip("-–. \u00a0") + draw(around)


@PROPERTY
@given(data=st.data(), digits=valid_ids())
def test_a_valid_id_reads_back_to_its_13_digits_however_it_is_typed(data, digits):
    written = data.draw(typed(digits))
    assert normalize_national_id(written) == digits
    assert is_valid_national_id(written)
    validate_national_id(written)
    if len(written.strip()) <= 20:  # the form field's length limit
        assert NationalIDField(required=False).clean(written) == digits


@PROPERTY
@given(digits=valid_ids())
def test_a_valid_id_from_an_excel_number_cell_reads_back(digits):
    assume(digits[0] != "0")  # a number cannot start with 0
    for cell in (int(digits), float(int(digits)), f"{digits}.0"):
        assert normalize_national_id(cell) == digits
        assert cells.parse_national_id(cell) == digits


@PROPERTY
@given(
    digits=valid_ids(),
    position=st.integers(min_value=0, max_value=12),
    new_digit=st.integers(min_value=0, max_value=9),
)
def test_one_wrong_digit_is_caught_except_where_the_mod_11_rule_is_blind(
    digits, position, new_digit
):
    """The rule sums digit × weight (13…2) mod 11. A change of d at weight w moves the sum by
    w·d: never a multiple of 11 except at the third digit (weight 11), so the check digit
    changes, unless the sum moves between remainders 0 and 10, which both give check digit 1.
    These two blind spots are the national standard's, not the code's."""
    assume(int(digits[position]) != new_digit)
    wrong = digits[:position] + str(new_digit) + digits[position + 1 :]
    before = sum(int(d) * w for d, w in zip(digits[:12], WEIGHTS, strict=True)) % 11
    after = sum(int(d) * w for d, w in zip(wrong[:12], WEIGHTS, strict=True)) % 11
    blind = position < 12 and (after == before or {before, after} == {0, 10})

    assert is_valid_national_id(wrong) == blind
    if blind:
        assert position == 2 or {before, after} == {0, 10}
    else:
        with pytest.raises(ValidationError, match="ตัวเลขตรวจสอบ"):
            validate_national_id(wrong)


@PROPERTY
@given(value=anything)
@example("\x00" * 13)
@example("๑" * 13)
@example("١٢٣٤٥٦٧٨٩٠١٢٣")  # Arabic-Indic digits: digits, but not ours
@example(float("nan"))
def test_anything_else_is_refused_with_a_thai_validation_error_only(value):
    assert isinstance(is_valid_national_id(value), bool)
    assert isinstance(normalize_national_id(value), str)
    try:
        validate_national_id(value)
    except ValidationError as error:
        assert is_thai(error.messages[0])
        assert not is_valid_national_id(value)
    else:
        assert is_valid_national_id(value)


@PROPERTY
@given(text=st.text(max_size=40))
def test_the_national_id_form_field_refuses_with_validation_error_only(text):
    try:
        cleaned = NationalIDField(required=False).clean(text)
    except ValidationError:
        return
    assert cleaned == "" or is_valid_national_id(cleaned)


# -- Buddhist Era dates ----------------------------------------------------------------------

# Years a four-digit BE year can name: 2400 BE (1857) to 9999 BE (9456).
be_dates = st.dates(min_value=dt.date(1857, 1, 1), max_value=dt.date(9456, 12, 31))


@PROPERTY
@given(day=be_dates, style=st.sampled_from(["short", "long", "numeric"]))
def test_every_date_shown_in_the_be_reads_back_to_itself(day, style):
    """Every such date reads back; a form takes it only inside the plausible years."""
    assert parse_be_date(format_be(day, style)) == day
    first, last = date_range()
    if first <= day <= last:
        assert BEDateField().clean(format_be(day, style)) == day
    else:
        with pytest.raises(ValidationError, match="อยู่นอกช่วงที่รับได้"):
            BEDateField().clean(format_be(day, style))


@PROPERTY
@given(
    day=be_dates,
    separator=st.sampled_from(["/", "-", ".", " / ", "- "]),
    thai=st.booleans(),
    padded=st.booleans(),
)
def test_a_numeric_be_date_reads_back_with_thai_digits_and_any_separator(
    day, separator, thai, padded
):
    numbers = [f"{day.day:02d}" if padded else str(day.day)]
    numbers.append(f"{day.month:02d}" if padded else str(day.month))
    numbers.append(str(day.year + 543))
    text = separator.join(numbers)
    assert parse_be_date(text.translate(TO_THAI) if thai else text) == day


@PROPERTY
@given(day=st.dates(min_value=dt.date(1957, 1, 1), max_value=dt.date(2056, 12, 31)))
def test_a_two_digit_year_is_a_be_year_of_the_25th_century(day):
    """«15/02/64» is 2564 BE: the offices' two-digit years are Buddhist Era."""
    text = f"{day.day}/{day.month}/{str(day.year + 543)[2:]}"
    assert parse_be_date(text) == day


@PROPERTY
@given(value=anything)
@example("31/02/2564")
@example("29/02/2563")  # 2020 was a leap year: a real date
@example("29/02/2564")
@example("00/00/0000")
@example("99/99/9999")
@example("15 ฟักทอง 2564")
@example("1/1/" + "9" * 5000)
@example("\x00")
def test_anything_else_is_a_date_nothing_or_a_thai_error(value):
    try:
        result = parse_be_date(value)
    except BEDateError as error:
        assert is_thai(str(error))
        return
    assert result is None or isinstance(result, dt.date)
    assert not isinstance(result, dt.datetime)


@PROPERTY
@given(text=st.from_regex(r"\A[0-9๐-๙]{1,3}[/.\- ]{1,2}[0-9๐-๙]{1,3}[/.\- ]{1,2}[0-9๐-๙]{1,5}\Z"))
@example("1.1/00")
def test_date_shaped_text_is_a_real_date_or_a_thai_error(text):
    """Text that looks like a date (31/02/2564, 0/13/64) reaches the calendar check."""
    try:
        day = parse_be_date(text)
    except BEDateError as error:
        assert is_thai(str(error))
        return
    day_typed = int(re.split(r"[/.\- ]+", to_arabic_digits(text))[0])
    assert day.day == day_typed


@PROPERTY
@given(text=st.text(max_size=30))
def test_the_date_form_field_refuses_with_validation_error_only(text):
    try:
        BEDateField(required=False).clean(text)
    except ValidationError as error:
        assert all(is_thai(message) for message in error.messages)


# -- spreadsheet cells -----------------------------------------------------------------------

CHOICES = (Sex, Relation, Education, PovertyLevel)


def read_cell(parser, value):
    """The parser's answer, or None when it refused with CellError (anything else escapes)."""
    try:
        return parser(value)
    except CellError as error:
        assert is_thai(str(error))
        return None


PARSERS = {
    "text": cells.parse_text,
    "phone": cells.parse_phone,
    "int": lambda v: cells.parse_int(v, label="หมู่ที่"),
    "decimal": lambda v: cells.parse_decimal(v, label="รายได้"),
    "national_id": cells.parse_national_id,
    "date": cells.parse_date,
    "bool": cells.parse_bool,
    "full_name": cells.split_full_name,
    **{
        f"choice_{choices.__name__}": (
            lambda v, choices=choices: cells.parse_choice(v, choices, label="ตัวเลือก")
        )
        for choices in CHOICES
    },
}


@PROPERTY
@given(value=anything)
@example("1,2,3")
@example("- 5")
@example("1e5")
@example("1.10170E+12")
@example(float("inf"))
@example(10**400)
@example("9" * 5000)
@example("๑๒,๕๐๐ บาท")
@example("\x00")
@example(dt.time(12, 0))
@pytest.mark.parametrize("kind", list(PARSERS))
def test_a_cell_is_read_or_refused_with_cell_error_only(kind, value):
    result = read_cell(PARSERS[kind], value)
    if result is None:
        return
    if kind == "int":
        assert isinstance(result, int)
    elif kind == "decimal":
        assert isinstance(result, Decimal) and result.is_finite()
    elif kind == "national_id":
        assert is_valid_national_id(result) and len(result) == 13
    elif kind == "date":
        assert isinstance(result, dt.date) and not isinstance(result, dt.datetime)
    elif kind == "bool":
        assert isinstance(result, bool)
    elif kind in ("text", "phone"):
        assert isinstance(result, str) and result == result.strip()


@PROPERTY
@given(
    raw=st.dictionaries(
        st.sampled_from(["title", "full_name", "first_name", "last_name"]), anything
    )
)
def test_a_name_is_read_or_refused_with_cell_error_only(raw):
    result = read_cell(cells.parse_person_name, raw)
    if result is not None:
        title, first, last = result
        assert first and last


@PROPERTY
@given(number=st.integers(min_value=-(10**15), max_value=10**15), thai=st.booleans())
def test_a_whole_number_reads_back_with_separators_units_and_thai_digits(number, thai):
    for written in (str(number), f"{number:,}", f"{number} คน"):
        written = written.translate(TO_THAI) if thai else written
        assert cells.parse_int(written, label="จำนวน") == number
    assert cells.parse_int(float(number) if abs(number) < 2**53 else number, label="x") == number


@PROPERTY
@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    thai=st.booleans(),
)
def test_an_amount_reads_back_with_separators_baht_and_thai_digits(amount, thai):
    for written in (str(amount), f"{amount:,}", f"{amount:,} บาท"):
        written = written.translate(TO_THAI) if thai else written
        assert cells.parse_decimal(written, label="รายได้") == amount


@PROPERTY
# Every date a person may type (KUSEAW_DATE_MIN_YEAR .. KUSEAW_DATE_YEARS_AHEAD; two-digit
# BE years are read from 2451, so 1908 on).
@given(day=st.dates(min_value=dt.date(1908, 1, 1), max_value=date_range()[1]))
def test_a_date_cell_reads_back_from_be_text_excel_serials_and_date_cells(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert cells.parse_date(serial) == day
    assert cells.parse_date(float(serial)) == day
    assert cells.parse_date(str(serial)) == day
    assert cells.parse_date(dt.datetime.combine(day, dt.time(8, 30))) == day
    for style in ("short", "long", "numeric"):
        assert cells.parse_date(format_be(day, style)) == day


@PROPERTY
@given(
    day=st.one_of(
        # From BE 2400 (1857): a smaller BE year written out reads as a Christian one.
        st.dates(min_value=dt.date(1857, 1, 1), max_value=date_range()[0] - dt.timedelta(days=1)),
        st.dates(min_value=date_range()[1] + dt.timedelta(days=1), max_value=dt.date(9456, 12, 31)),
    )
)
def test_an_imported_date_outside_the_range_is_refused_however_it_is_written(day):
    for written in (day, format_be(day, "numeric"), format_be(day, "long")):
        with pytest.raises(cells.CellError):
            cells.parse_date(written)


# Place names as offices type them: prefixes, spaces, the two common Thai typos.
def typed_place(name: str, prefixes: tuple[str, ...], draw) -> str:
    written = draw(st.sampled_from(["", *prefixes])) + name
    if draw(st.booleans()):
        written = written.replace("ำ", "\u0e4d\u0e32").replace("แ", "เเ")
    return draw(st.sampled_from(["", " "])) + written + draw(st.sampled_from(["", "  "]))


@pytest.fixture
def places(db):
    return ReferenceIndex.load(), list(District.objects.all()), list(Agency.objects.all())


@WITH_DB
@given(data=st.data())
def test_every_district_and_subdistrict_is_found_however_it_is_typed(places, data):
    index, districts, _ = places
    district = data.draw(st.sampled_from(districts))
    written = typed_place(district.name_th, ("อ.", "อำเภอ", "อำเภอ "), data.draw)
    assert index.district(written) == district
    subdistrict = data.draw(st.sampled_from(list(Subdistrict.objects.filter(district=district))))
    written_sub = typed_place(subdistrict.name_th, ("ต.", "ตำบล", "ตำบล "), data.draw)
    assert index.subdistrict(written_sub, written) == subdistrict


@WITH_DB
@given(name=anything, district=anything)
@example("เมือง", None)
@example("ในเมือง", None)  # a subdistrict name in more than one district
@example("x" * 10_000, "x" * 10_000)
def test_a_place_or_agency_cell_is_found_or_refused_with_cell_error_only(places, name, district):
    index, _, agencies = places
    assert read_cell(index.district, name) in (None, *index.districts.values())
    found = read_cell(lambda v: index.subdistrict(v, district), name)
    assert found is None or isinstance(found, Subdistrict)
    assert read_cell(index.agency, name) in (None, *agencies)
