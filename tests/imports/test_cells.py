"""Reading single cells the way district offices type them (households.imports.cells)."""

import datetime as dt
from decimal import Decimal

import pytest

from households.imports.cells import (
    CellError,
    ReferenceIndex,
    match_district,
    match_subdistrict,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_int,
    parse_national_id,
    parse_person_name,
    parse_text,
    split_full_name,
)
from households.models import Cause, Education, PovertyLevel, Relation, Sex
from kuseaw.national_id import check_digit


def valid_id(first_twelve: str) -> str:
    return first_twelve + str(check_digit(first_twelve))


ID = valid_id("110170023070")


# --- text and numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  บ้านโนน  ", "บ้านโนน"),
        ("๑๒/๓", "12/3"),
        ("ไร่\u00a0ข้าว", "ไร่ ข้าว"),
        ("สมชาย\u200b  ใจดี", "สมชาย ใจดี"),
        (45.0, "45"),
        ("-", ""),
    ],
)
def test_text_cells_are_trimmed_and_use_arabic_digits(value, expected):
    assert parse_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        (5.0, 5),
        ("๕", 5),
        ("1,200", 1200),
        ("หมู่ที่ 7", 7),
        ("ม.3", 3),
        ("4 คน", 4),
        ("", None),
        (None, None),
        ("-", None),
    ],
)
def test_whole_numbers_are_read_from_what_people_type(value, expected):
    assert parse_int(value, label="หมู่ที่") == expected


@pytest.mark.parametrize("value", ["ห้า", "5.5", 5.5, "1.2.3", True])
def test_a_number_that_is_not_whole_is_refused_with_its_column(value):
    with pytest.raises(CellError, match="หมู่ที่"):
        parse_int(value, label="หมู่ที่")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,500", Decimal("12500")),
        ("12,500.50 บาท", Decimal("12500.50")),
        ("๑๒,๕๐๐", Decimal("12500")),
        (36000, Decimal("36000")),
        (0.1, Decimal("0.1")),
        (2.5, Decimal("2.5")),
        ("3 ไร่", Decimal("3")),
        ("", None),
        ("-", None),
    ],
)
def test_amounts_accept_thousands_separators_units_and_thai_digits(value, expected):
    assert parse_decimal(value, label="รายได้") == expected


@pytest.mark.parametrize("value", ["หนึ่งหมื่น", "12,500 ดอลลาร์", "NaN", float("nan")])
def test_an_amount_that_is_not_a_number_is_refused(value):
    with pytest.raises(CellError, match="รายได้"):
        parse_decimal(value, label="รายได้")


# --- national IDs


@pytest.mark.parametrize(
    "value",
    [
        ID,
        f"{ID[0]}-{ID[1:5]}-{ID[5:10]}-{ID[10:12]}-{ID[12]}",
        f"{ID[0]} {ID[1:5]} {ID[5:10]} {ID[10:12]} {ID[12]}",
        ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
        int(ID),
        float(ID),
        f"{ID}.0",
    ],
)
def test_national_ids_are_read_with_dashes_spaces_thai_digits_or_as_excel_numbers(value):
    assert parse_national_id(value) == ID


@pytest.mark.parametrize("value", [None, "", "  ", "-"])
def test_a_blank_national_id_is_none(value):
    assert parse_national_id(value) is None


@pytest.mark.parametrize("value", ["1.10170023070e+12", "1.10E+12", "1.1017E+12", 1.5e12 + 0.5])
def test_a_national_id_that_excel_showed_in_scientific_notation_is_refused(value):
    with pytest.raises(CellError, match="หายไป") as error:
        parse_national_id(value)
    assert "ข้อความ" in str(error.value)  # tells the admin how to fix the column


def test_a_national_id_with_a_wrong_check_digit_is_refused_without_repeating_it():
    wrong = ID[:12] + str((int(ID[12]) + 1) % 10)
    with pytest.raises(CellError, match="ตัวเลขตรวจสอบ") as error:
        parse_national_id(wrong)
    assert wrong not in str(error.value)


def test_a_national_id_of_the_wrong_length_is_refused():
    with pytest.raises(CellError, match="13 หลัก"):
        parse_national_id("12345")


# --- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2021, 2, 15, 0, 0), dt.date(2021, 2, 15)),
        (dt.date(2021, 2, 15), dt.date(2021, 2, 15)),
        (44242, dt.date(2021, 2, 15)),
        (44242.75, dt.date(2021, 2, 15)),
        ("44242", dt.date(2021, 2, 15)),
        ("15/02/2564", dt.date(2021, 2, 15)),
        ("๑๕/๐๒/๒๕๖๔", dt.date(2021, 2, 15)),
        ("15 ก.พ. 2564", dt.date(2021, 2, 15)),
        ("15 กุมภาพันธ์ 2564", dt.date(2021, 2, 15)),
        ("2021-02-15", dt.date(2021, 2, 15)),
        (None, None),
        ("", None),
        ("-", None),
    ],
)
def test_dates_are_read_from_date_cells_excel_serials_and_buddhist_era_text(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [2564, "2564"])
def test_a_year_alone_is_not_taken_for_a_date(value):
    with pytest.raises(CellError, match="ปี"):
        parse_date(value)


@pytest.mark.parametrize("value", [0, -5, 15022564, 99999999.0, "31/02/2564", "15 มกรา 2564"])
def test_a_date_out_of_any_sane_range_or_unreadable_is_refused(value):
    with pytest.raises(CellError):
        parse_date(value)


@pytest.mark.parametrize(
    "value",
    ["1/1/2400", "01/01/9999", dt.date(1857, 1, 1), "31/12/2442"],
    ids=["BE 2400 (1857)", "BE 9999 (9456)", "a date cell of 1857", "the day before 1900"],
)
def test_a_date_outside_the_years_the_forms_accept_is_refused_naming_them(value, settings):
    """The import bounds dates as the hand-entry forms do (KUSEAW_DATE_MIN_YEAR and
    KUSEAW_DATE_YEARS_AHEAD), saying the range in พ.ศ."""
    settings.KUSEAW_DATE_MIN_YEAR = 1900
    with pytest.raises(CellError, match="อยู่นอกช่วงที่รับได้ \\(ตั้งแต่ พ.ศ. 2443 ถึง"):
        parse_date(value)


def test_a_buddhist_year_in_a_date_cell_is_refused_with_how_to_fix_it():
    """Excel stores 15/02/2567 typed into a date cell of a Christian-calendar sheet as the
    year 2567: refused, telling the office to type it as text."""
    with pytest.raises(CellError, match="ให้พิมพ์เป็นข้อความ เช่น 15/02/2567"):
        parse_date(dt.date(2567, 2, 15))


def test_the_bounds_follow_the_settings(settings):
    settings.KUSEAW_DATE_MIN_YEAR = 2000
    with pytest.raises(CellError, match="ตั้งแต่ พ.ศ. 2543"):
        parse_date("15/02/2540")  # 1997
    assert parse_date("15/02/2545") == dt.date(2002, 2, 15)


# --- yes or no


@pytest.mark.parametrize(
    "value", ["ใช่", "มี", "✓", "x", "X", "1", 1, 1.0, "true", "TRUE", "yes", "Y", True]
)
def test_ticks_and_yes_are_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["ไม่", "ไม่มี", "0", 0, "false", "no", "", None, "-", False])
def test_no_and_blank_are_false(value):
    assert parse_bool(value) is False


def test_an_unclear_yes_or_no_is_refused():
    with pytest.raises(CellError, match="ใช่"):
        parse_bool("บางที")


# --- choices


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ชาย", Sex.MALE),
        ("หญิง", Sex.FEMALE),
        (" ช ", Sex.MALE),
        ("ญ", Sex.FEMALE),
        ("M", Sex.MALE),
        ("f", Sex.FEMALE),
    ],
)
def test_sex_is_read_from_thai_words_initials_and_codes(value, expected):
    assert parse_choice(value, Sex, label="เพศ") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("อยู่ยาก", 2), ("อยู่ ลำบาก", 1), ("อยู่พอได้", 3), ("4", 4), (2, 2), (2.0, 2), ("๓", 3)],
)
def test_poverty_level_is_read_from_its_label_or_digit(value, expected):
    assert parse_choice(value, PovertyLevel, label="ระดับความยากจน") == expected


@pytest.mark.parametrize(
    ("value", "choices", "expected"),
    [
        ("บิดา", Relation, Relation.PARENT),
        ("บิดา/มารดา", Relation, Relation.PARENT),
        ("ภรรยา", Relation, Relation.SPOUSE),
        ("ลูก", Relation, Relation.CHILD),
        ("ปวช.", Education, Education.UPPER_SECONDARY),
        ("ม.3", Education, Education.LOWER_SECONDARY),
        ("ขาดโอกาส", Cause, Cause.LACK_OF_OPPORTUNITY),
        ("lack", Cause, Cause.LACK_OF_OPPORTUNITY),
    ],
)
def test_relations_education_and_causes_accept_common_words(value, choices, expected):
    assert parse_choice(value, choices, label="x") == expected


def test_a_blank_choice_is_none():
    assert parse_choice("  ", Sex, label="เพศ") is None


def test_an_unknown_choice_lists_the_thai_labels_allowed():
    with pytest.raises(CellError) as error:
        parse_choice("ไม่ระบุ", Sex, label="เพศ")
    assert "เพศ" in str(error.value)
    assert "ชาย, หญิง" in str(error.value)


# --- names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("นายสมชาย ใจดี", ("นาย", "สมชาย", "ใจดี")),
        ("นาง สมศรี ใจดี", ("นาง", "สมศรี", "ใจดี")),
        ("นางสาวมาลี ศรีสุข", ("นางสาว", "มาลี", "ศรีสุข")),
        ("น.ส. มาลี ศรีสุข", ("นางสาว", "มาลี", "ศรีสุข")),
        ("ด.ช.ก้อง ใจดี", ("เด็กชาย", "ก้อง", "ใจดี")),
        ("ด.ญ. ใจงาม ใจดี", ("เด็กหญิง", "ใจงาม", "ใจดี")),
        ("เด็กหญิงใจงาม ใจดี", ("เด็กหญิง", "ใจงาม", "ใจดี")),
        ("สมชาย  ใจดี", ("", "สมชาย", "ใจดี")),
        ("นายสมศักดิ์ ณ อยุธยา", ("นาย", "สมศักดิ์", "ณ อยุธยา")),
    ],
)
def test_a_full_name_is_split_into_title_first_and_last_name(value, expected):
    assert split_full_name(value) == expected


@pytest.mark.parametrize("value", ["นายสมชาย", "สมชาย", "", None])
def test_a_name_without_a_last_name_is_refused(value):
    with pytest.raises(CellError):
        split_full_name(value)


def test_separate_name_columns_are_read_too():
    raw = {"title": "น.ส.", "first_name": "มาลี", "last_name": " ศรีสุข"}
    assert parse_person_name(raw) == ("นางสาว", "มาลี", "ศรีสุข")
    assert parse_person_name({"first_name": "นายสมชาย", "last_name": "ใจดี"}) == (
        "นาย",
        "สมชาย",
        "ใจดี",
    )
    assert parse_person_name({"full_name": "นายสมชาย ใจดี"}) == ("นาย", "สมชาย", "ใจดี")


# --- places (the reference data loaded by migration)


@pytest.mark.parametrize(
    "value",
    ["บ้านไผ่", "อ.บ้านไผ่", "อ. บ้านไผ่", "อำเภอบ้านไผ่", "อำเภอ บ้านไผ่", " บ้าน ไผ่ ", "อําเภอบ้านไผ่"],
)
def test_a_district_is_found_with_or_without_its_prefix(db, value):
    assert match_district(value).code == "4010"


def test_mueang_alone_means_mueang_khon_kaen(db):
    assert match_district("อ.เมือง").code == "4001"


def test_doubled_sara_e_is_read_as_sara_ae(db):
    assert match_district("เมืองขอนเเก่น").code == "4001"


def test_a_misspelt_district_gets_a_suggestion(db):
    with pytest.raises(CellError) as error:
        match_district("เมืองขอนแกน")
    assert str(error.value) == "ไม่พบอำเภอ «เมืองขอนแกน» หมายถึง «เมืองขอนแก่น» หรือไม่"


def test_a_district_far_from_any_name_gets_no_suggestion(db):
    with pytest.raises(CellError) as error:
        match_district("กรุงเทพมหานคร")
    assert "หมายถึง" not in str(error.value)


@pytest.mark.parametrize("value", ["หินตั้ง", "ต.หินตั้ง", "ตำบล หินตั้ง", "ตําบลหินตั้ง"])
def test_a_subdistrict_is_found_with_or_without_its_prefix(db, value):
    assert match_subdistrict(value).code == "401014"


def test_a_subdistrict_name_found_in_several_districts_asks_for_the_district(db):
    with pytest.raises(CellError, match="ระบุอำเภอ") as error:
        match_subdistrict("ในเมือง")
    assert "บ้านไผ่" in str(error.value)


def test_a_repeated_subdistrict_name_is_found_in_the_given_district(db):
    assert match_subdistrict("ต.ในเมือง", "อ.บ้านไผ่").code == "401002"
    assert match_subdistrict("ในเมือง", match_district("เมืองขอนแก่น")).code == "400101"


def test_a_subdistrict_in_the_wrong_district_says_where_it_is(db):
    with pytest.raises(CellError, match="มีในอำเภอ บ้านไผ่"):
        match_subdistrict("หินตั้ง", "เมืองขอนแก่น")


def test_a_misspelt_subdistrict_gets_a_suggestion_from_its_district(db):
    with pytest.raises(CellError, match="หมายถึง «หินตั้ง» หรือไม่"):
        match_subdistrict("หินตัง", "บ้านไผ่")


def test_a_blank_place_is_refused(db):
    with pytest.raises(CellError, match="อำเภอ"):
        match_district("")
    with pytest.raises(CellError, match="ตำบล"):
        match_subdistrict(None)


def test_a_whole_file_of_places_is_matched_with_two_queries(db, django_assert_num_queries):
    with django_assert_num_queries(2):
        index = ReferenceIndex.load()
        for _ in range(50):
            sub = index.subdistrict("ต.ในเมือง", index.district("อ.บ้านไผ่"))
            assert sub.district.name_th == "บ้านไผ่"


def test_an_agency_is_found_by_code_name_or_short_name(db):
    index = ReferenceIndex.load()
    assert index.agency("PROV").code == "PROV"
    assert index.agency("สำนักงานจังหวัดขอนแก่น").code == "PROV"
    assert index.agency("สนจ.ขก.").code == "PROV"
    with pytest.raises(CellError, match="ไม่พบหน่วยงาน"):
        index.agency("กรมที่ไม่มีจริง")


@pytest.mark.parametrize(
    ("cell", "phone"),
    [
        (812345678, "0812345678"),  # a mobile stored as a number lost its 0
        (812345678.0, "0812345678"),
        (43123456, "043123456"),  # a Khon Kaen landline
        ("081-234-5678", "081-234-5678"),  # typed as text: kept as typed
        ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
        (None, ""),
    ],
)
def test_phone_numbers_get_back_the_leading_zero_excel_dropped(cell, phone):
    from households.imports.cells import parse_phone

    assert parse_phone(cell) == phone
