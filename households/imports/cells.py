"""Reading one spreadsheet cell into a Python value, the way district offices type them.

Each parser takes the raw value openpyxl or the CSV reader gives (str, int, float,
datetime or None) and returns a clean value or raises CellError with a Thai message that
is safe to show beside the row: it never repeats a national ID.
"""

import datetime as dt
import difflib
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from agencies.models import Agency, District, Subdistrict
from households.models import Education, PovertyLevel, Relation, Sex
from kuseaw.national_id import normalize_national_id, validate_national_id
from kuseaw.thai import clean_text
from kuseaw.thaidate import BE_OFFSET, BEDateError, check_date_in_range, parse_be_date


class CellError(ValueError):
    """One cell cannot be read; the message is Thai and safe to show (no national ID)."""


# A lone dash is how Thai offices write "nothing" in a cell.
_BLANKS = {"", "-", "–", "—"}
_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
_AN_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff]")
_ODD_SPACING = re.compile(r"\s\s|[^\S ]")  # a run of spaces, or a tab, newline…


def _text(value) -> str:
    """clean_text plus what Excel and copy-paste add: zero-width spaces, runs of spaces."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 12.0 from a number cell is the 12 the user typed
    text = clean_text(value)
    # Searched for first: most cells have neither, and translate()/sub() cost per character.
    if _AN_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE).strip()
    if _ODD_SPACING.search(text):
        text = _SPACES.sub(" ", text).strip()
    return text


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_text(value) -> str:
    """A text cell: Thai digits made Arabic, spaces trimmed and collapsed; a lone «-» is blank."""
    text = _text(value)
    return "" if text in _BLANKS else text


def parse_phone(value) -> str:
    """A Thai phone number. A number cell drops the leading 0 (0812345678 → 812345678):
    a bare 8- or 9-digit number is given it back (landlines have 9 digits with the 0,
    mobiles 10)."""
    text = parse_text(value)
    digits = text.replace("-", "").replace(" ", "")
    if not isinstance(value, str) and digits.isdigit() and len(digits) in (8, 9):
        return "0" + digits
    return text


# Units and prefixes people type around a number: «12,500 บาท», «3 ไร่», «หมู่ที่ 5».
_NUMBER_AFFIXES = re.compile(
    r"^(?:หมู่ที่|หมู่|ม\.)?\s*(?P<number>[-+]?[\d,]*\.?\d+)\s*(?:บาท|ไร่|คน|ปี|\.-)?$"
)


def _number_text(value, label: str) -> str | None:
    """The digits of a number cell as text ('-12500.50'), None when blank."""
    if isinstance(value, bool):
        raise CellError(f"{label}: ต้องเป็นตัวเลข")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"{label}: ต้องเป็นตัวเลข")
        return repr(value)  # the shortest text that is this float: 0.1 stays 0.1
    if isinstance(value, dt.date | dt.time):
        raise CellError(f"{label}: ต้องเป็นตัวเลข แต่ในไฟล์เป็นวันที่/เวลา")
    text = parse_text(value)
    if not text:
        return None
    match = _NUMBER_AFFIXES.match(text)
    if not match:
        raise CellError(f"{label}: «{_shown(text)}» ไม่ใช่ตัวเลข")
    digits = match["number"].replace(",", "")
    return digits


def parse_int(value, *, label: str) -> int | None:
    """A whole number: 5, 5.0, «๕», «1,200», «หมู่ที่ 5». Blank → None."""
    digits = _number_text(value, label)
    if digits is None:
        return None
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise CellError(f"{label}: «{_shown(digits)}» ไม่ใช่ตัวเลข") from None
    if number != number.to_integral_value():
        raise CellError(f"{label}: ต้องเป็นจำนวนเต็ม (ในไฟล์เป็น {digits})")
    return int(number)


def parse_decimal(value, *, label: str) -> Decimal | None:
    """An amount: 12500, 12500.5, «12,500.50 บาท», «๑๒,๕๐๐». Blank → None."""
    digits = _number_text(value, label)
    if digits is None:
        return None
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise CellError(f"{label}: «{_shown(digits)}» ไม่ใช่ตัวเลข") from None
    if not number.is_finite():
        raise CellError(f"{label}: ต้องเป็นตัวเลข")
    return number


_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+]?\d+$")


def parse_national_id(value) -> str | None:
    """13 digits with a valid check digit, from «1-1017-00230-70-6», «๑๑๐...», 1101700230706
    or 1101700230706.0. Blank → None. Refuses Excel's scientific notation («1.10170E+12»):
    those digits are gone, and guessing them would pair the wrong person.
    """
    if isinstance(value, bool):
        raise CellError("เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก")
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_LOST_DIGITS)
    text = parse_text(value)
    if not text:
        return None
    if _SCIENTIFIC.match(text.replace(",", "")):
        raise CellError(_LOST_DIGITS)
    digits = normalize_national_id(text)
    try:
        validate_national_id(digits)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return digits


_LOST_DIGITS = (
    "เลขประจำตัวประชาชนถูก Excel แสดงเป็นเลขยกกำลัง (เช่น 1.10E+12) และตัวเลขบางหลักหายไปแล้ว: "
    "จัดรูปแบบคอลัมน์นี้เป็น «ข้อความ» แล้วพิมพ์หรือวางเลขเต็ม 13 หลักใหม่"
)
_CODE_SEPARATORS = re.compile(r"[\s\-–./]")
HOUSE_CODE_LENGTH = 11


def house_code_digits(value) -> str:
    """A house registration code as its digits alone («4001-012345-6», «๔๐๐๑…», a number
    cell), or the cell's text when it is not one (parse_house_code says what is wrong)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = parse_text(value)
    digits = _CODE_SEPARATORS.sub("", text)
    return digits if digits.isdigit() else text


def parse_house_code(value) -> str | None:
    """The 11-digit house registration code (รหัสประจำบ้าน: 4 digits of the registration
    office, 6 of the house, 1 check digit), as digits; blank → None."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError("รหัสประจำบ้านถูก Excel แสดงเป็นเลขยกกำลัง: จัดรูปแบบคอลัมน์เป็น «ข้อความ»")
    digits = house_code_digits(value)
    if not digits:
        return None
    if not digits.isdigit() or len(digits) != HOUSE_CODE_LENGTH:
        raise CellError(
            f"รหัสประจำบ้านต้องเป็นตัวเลข {HOUSE_CODE_LENGTH} หลัก (ในไฟล์: «{_shown(digits)}»)"
        )
    return digits


# Excel's 1900 date system counts days from 1899-12-30 (it believes 1900 was a leap year,
# which only matters before March 1900: outside the range accepted here).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EARLIEST = dt.date(1900, 3, 1)
_LATEST = dt.date(2100, 12, 31)


def _from_excel_serial(number: float) -> dt.date:
    if 1900 <= number <= 2700 and float(number).is_integer():
        raise CellError(f"มีแต่ปี ({int(number)}) ต้องใส่วัน เดือน ปี เช่น 15/02/2567")
    day = _EXCEL_EPOCH + dt.timedelta(days=int(number)) if 0 < number < 100_000 else None
    if day is None or not (_EARLIEST <= day <= _LATEST):
        shown = f"{number:g}" if isinstance(number, float) else _shown(str(number))  # no overflow
        raise CellError(f"อ่านวันที่จากตัวเลข {shown} ไม่ได้ (ใช้รูปแบบ วว/ดด/ปปปป พ.ศ. เช่น 15/02/2567)")
    return day


def parse_date(value) -> dt.date | None:
    """A date: a date cell, an Excel serial number (44242 → 2021-02-15), or Buddhist-Era
    text read by kuseaw.thaidate.parse_be_date («15/02/2564», «15 ก.พ. 64»). Blank → None.
    Every date is bound to the range a person may type (kuseaw.thaidate.date_range), as on
    the forms: a year typed wrong is a Thai message, not a date in 1857 or 9456.
    """
    day = _parse_date(value)
    if day is not None:
        _check_range(day, cell=isinstance(value, dt.date))
    return day


def _check_range(day: dt.date, *, cell: bool) -> None:
    try:
        check_date_in_range(day)
    except BEDateError as error:
        if cell and day.year >= BE_OFFSET + 1900:
            # A date cell holding a Buddhist-Era year as if it were Christian (2567 → 3110).
            raise CellError(
                f"{error}: เซลล์วันที่นี้เก็บปี {day.year} เป็นปี ค.ศ. ถ้าตั้งใจเป็น พ.ศ. {day.year} "
                "ให้พิมพ์เป็นข้อความ เช่น 15/02/2567 หรือใส่ปี ค.ศ. ในเซลล์วันที่"
            ) from None
        raise CellError(str(error)) from None


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or isinstance(value, dt.time):
        raise CellError("อ่านวันที่ไม่ได้ (ใช้รูปแบบ วว/ดด/ปปปป พ.ศ. เช่น 15/02/2567)")
    if isinstance(value, int | float):
        return _from_excel_serial(value)
    text = parse_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d{4,5}(?:\.\d+)?", text):  # a serial number written out by a CSV export
        return _from_excel_serial(float(text))
    try:
        return parse_be_date(text)
    except BEDateError as error:
        raise CellError(str(error)) from None


_TRUE = {"ใช่", "มี", "✓", "✔", "☑", "/", "x", "1", "true", "yes", "y", "ถูก", "ได้"}
_FALSE = {"ไม่", "ไม่มี", "ไม่ใช่", "0", "false", "no", "n", "✗", "ไม่ได้"}


def parse_bool(value) -> bool:
    """Yes or no: «ใช่», «มี», «✓», «x», 1, TRUE → True; «ไม่», «ไม่มี», 0, blank → False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = parse_text(value).casefold().replace(" ", "")
    if not text:
        return False
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"«{_shown(text)}» ต้องเป็น ใช่/มี/✓ หรือ ไม่/ไม่มี/เว้นว่าง")


def _choice_key(text: str) -> str:
    return re.sub(r"[\s.]", "", _typo_free(text)).casefold()


# What people write besides the labels, per choice set (keys go through _choice_key).
_CHOICE_ALIASES = {
    Sex: {
        "ช": Sex.MALE,
        "ญ": Sex.FEMALE,
        "male": Sex.MALE,
        "female": Sex.FEMALE,
        "เพศชาย": Sex.MALE,
        "เพศหญิง": Sex.FEMALE,
    },
    Relation: {
        "หัวหน้า": Relation.HEAD,
        "สามี": Relation.SPOUSE,
        "ภรรยา": Relation.SPOUSE,
        "ภริยา": Relation.SPOUSE,
        "ลูก": Relation.CHILD,
        "บุตรชาย": Relation.CHILD,
        "บุตรสาว": Relation.CHILD,
        "พ่อ": Relation.PARENT,
        "แม่": Relation.PARENT,
        "หลานชาย": Relation.GRANDCHILD,
        "หลานสาว": Relation.GRANDCHILD,
        "พี่": Relation.SIBLING,
        "น้อง": Relation.SIBLING,
        "อื่นๆ": Relation.OTHER,
    },
    Education: {
        "ไม่ได้ศึกษา": Education.NONE,
        "ไม่ได้รับการศึกษา": Education.NONE,
        "ประถม": Education.PRIMARY,
        "ป6": Education.PRIMARY,
        "ป4": Education.PRIMARY,
        "มัธยมต้น": Education.LOWER_SECONDARY,
        "ม3": Education.LOWER_SECONDARY,
        "มัธยมปลาย": Education.UPPER_SECONDARY,
        "ม6": Education.UPPER_SECONDARY,
        "ปริญญาตรี": Education.BACHELOR,
        "ป.ตรี": Education.BACHELOR,
    },
    PovertyLevel: {},  # the digits 1–4 are its codes already
}


def _choice_index(choices) -> dict[str, object]:
    index: dict[str, object] = {}
    parts_seen: dict[str, set] = {}
    for member in choices:
        index[_choice_key(str(member.value))] = member.value
        index[_choice_key(member.label)] = member.value
        # «บิดา/มารดา», «เสียชีวิต/ยุบครัวเรือน»: each half alone names the choice too.
        for part in member.label.split("/"):
            parts_seen.setdefault(_choice_key(part), set()).add(member.value)
    for key, values in parts_seen.items():
        if len(values) == 1 and key:
            index.setdefault(key, next(iter(values)))
    for alias, member in _CHOICE_ALIASES.get(choices, {}).items():
        index.setdefault(_choice_key(alias), member.value)
    return index


def parse_choice(value, choices, *, label: str):
    """The value of a Django choices class named by its Thai label or its code
    («ชาย», «ญ», «m»; «อยู่ยาก» or 2 for PovertyLevel). Blank → None.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = parse_text(value)
    if not text:
        return None
    found = _choice_index(choices).get(_choice_key(text), _MISSING)
    if found is _MISSING:
        allowed = ", ".join(str(member.label) for member in choices)
        raise CellError(f"{label}: «{_shown(text)}» ไม่ตรงกับตัวเลือก (ใช้ได้: {allowed})")
    return found


_MISSING = object()

# Longest first, so that นางสาว is not read as นาง + สาว.
_TITLES = {
    "เด็กหญิง": "เด็กหญิง",
    "เด็กชาย": "เด็กชาย",
    "นางสาว": "นางสาว",
    "น.ส.": "นางสาว",
    "ด.ช.": "เด็กชาย",
    "ด.ญ.": "เด็กหญิง",
    "นาย": "นาย",
    "นาง": "นาง",
}


# The sex a Thai title states: what a list without a sex column still tells.
SEX_BY_TITLE = {
    "นาย": Sex.MALE,
    "เด็กชาย": Sex.MALE,
    "นาง": Sex.FEMALE,
    "นางสาว": Sex.FEMALE,
    "เด็กหญิง": Sex.FEMALE,
}


def split_title(text: str) -> tuple[str, str]:
    """(title, rest) of a name: «น.ส. สมศรี» → («นางสาว», «สมศรี»); no title → ("", text)."""
    for written, title in _TITLES.items():
        if text.startswith(written) and len(text) > len(written):
            return title, text[len(written) :].strip()
    return "", text


def split_full_name(value) -> tuple[str, str, str]:
    """(title, first name, last name) of «นายสมชาย ใจดี», «นาง สมศรี ใจดี» or «สมชาย  ใจดี».
    Short titles are written out: น.ส. → นางสาว, ด.ช. → เด็กชาย, ด.ญ. → เด็กหญิง.
    """
    text = parse_text(value)
    if not text:
        raise CellError("ไม่มีชื่อ-สกุล")
    title, rest = split_title(text)
    first, _, last = rest.partition(" ")
    if not last.strip():
        raise CellError(f"«{_shown(text)}» ไม่มีนามสกุล: ใส่ชื่อและนามสกุลคั่นด้วยการเว้นวรรค")
    return title, first, last.strip()


def parse_person_name(raw: dict) -> tuple[str, str, str]:
    """(title, first, last) from a row read with the name columns of columns.py: either
    one «ชื่อ-สกุล» column (full_name) or separate title/first_name/last_name columns.
    """
    written_title = parse_text(raw.get("title"))
    written_title = _TITLES.get(written_title, written_title)
    full = parse_text(raw.get("full_name"))
    if full:
        title, first, last = split_full_name(full)
        return written_title or title, first, last
    title, first = split_title(parse_text(raw.get("first_name")))
    last = parse_text(raw.get("last_name"))
    if not first:
        raise CellError("ไม่มีชื่อ")
    if not last:
        raise CellError("ไม่มีนามสกุล")
    return written_title or title, first, last


# ---------------------------------------------------------------------------------------
# Places and agencies


def _typo_free(text: str) -> str:
    # ํา (nikhahit + sara aa) looks like ำ, and two เ look like แ: both are common typos.
    return text.replace("\u0e4d\u0e32", "\u0e33").replace("เเ", "แ")


_DISTRICT_PREFIXES = ("กิ่งอำเภอ", "อำเภอ", "อ.")
_SUBDISTRICT_PREFIXES = ("ตำบล", "ต.")


def _place_key(text: str, prefixes: tuple[str, ...]) -> str:
    key = _typo_free(re.sub(r"\s+", "", parse_text(text)))
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


class ReferenceIndex:
    """Districts and subdistricts in memory, to match a whole file's names with 2 queries.

    Build once per file with ReferenceIndex.load(), then call .district(name) and
    .subdistrict(name, district) for each row.
    """

    def __init__(self, districts, subdistricts):
        self.districts = {_place_key(d.name_th, _DISTRICT_PREFIXES): d for d in districts}
        # In Khon Kaen, «อ.เมือง» can only mean เมืองขอนแก่น.
        mueang = self.districts.get("เมืองขอนแก่น")
        if mueang is not None:
            self.districts.setdefault("เมือง", mueang)
        by_code = {d.code: d for d in districts}
        self.subdistricts: dict[str, list[Subdistrict]] = {}
        for sub in subdistricts:
            sub.district = by_code[sub.district_id]  # fills the cache: no query per row later
            key = _place_key(sub.name_th, _SUBDISTRICT_PREFIXES)
            self.subdistricts.setdefault(key, []).append(sub)
        self._agencies = None

    @classmethod
    def load(cls) -> "ReferenceIndex":
        return cls(list(District.objects.all()), list(Subdistrict.objects.all()))

    def district(self, name) -> District:
        if isinstance(name, District):
            return name
        shown = parse_text(name)
        if not shown:
            raise CellError("ไม่ได้ระบุอำเภอ")
        key = _place_key(shown, _DISTRICT_PREFIXES)
        found = self.districts.get(key)
        if found is None:
            raise CellError(
                f"ไม่พบอำเภอ «{_shown(shown)}»"
                + _suggestion(key, {k: d.name_th for k, d in self.districts.items()})
            )
        return found

    def subdistrict(self, name, district=None) -> Subdistrict:
        shown = parse_text(name)
        if not shown:
            raise CellError("ไม่ได้ระบุตำบล")
        if district is not None and not isinstance(district, District):
            district = self.district(district) if parse_text(district) else None
        key = _place_key(shown, _SUBDISTRICT_PREFIXES)
        candidates = self.subdistricts.get(key, [])
        if district is None:
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                where = ", ".join(sorted(sub.district.name_th for sub in candidates))
                raise CellError(f"ตำบล «{_shown(shown)}» มีในหลายอำเภอ ({where}): กรุณาระบุอำเภอ")
            names = {k: subs[0].name_th for k, subs in self.subdistricts.items()}
            raise CellError(f"ไม่พบตำบล «{_shown(shown)}»" + _suggestion(key, names))
        for sub in candidates:
            if sub.district_id == district.code:
                return sub
        if candidates:
            where = ", ".join(sorted(sub.district.name_th for sub in candidates))
            raise CellError(
                f"ไม่พบตำบล «{_shown(shown)}» ในอำเภอ{district.name_th} (มีในอำเภอ {where})"
            )
        names = {
            k: sub.name_th
            for k, subs in self.subdistricts.items()
            for sub in subs
            if sub.district_id == district.code
        }
        raise CellError(
            f"ไม่พบตำบล «{_shown(shown)}» ในอำเภอ{district.name_th}" + _suggestion(key, names)
        )

    def has_subdistrict(self, name) -> bool:
        """Whether a subdistrict of that name is in any district (the district may come
        from another cell of each row)."""
        return _place_key(parse_text(name), _SUBDISTRICT_PREFIXES) in self.subdistricts

    def agency(self, name) -> Agency:
        """An agency by its code («CDD»), Thai name or short name; loaded on first use."""
        if self._agencies is None:
            self._agencies = {}
            for agency in Agency.objects.all():
                for written in (agency.code, agency.name_th, agency.short_name_th):
                    if written:
                        self._agencies.setdefault(_choice_key(written), agency)
        shown = parse_text(name)
        if not shown:
            raise CellError("ไม่ได้ระบุหน่วยงาน")
        key = _choice_key(shown)
        found = self._agencies.get(key)
        if found is None:
            names = {k: a.name_th for k, a in self._agencies.items()}
            raise CellError(f"ไม่พบหน่วยงาน «{_shown(shown)}»" + _suggestion(key, names))
        return found


def _suggestion(key: str, names: dict[str, str]) -> str:
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.6)
    return f" หมายถึง «{names[close[0]]}» หรือไม่" if close else ""


def match_district(name) -> District:
    """The District named «เมืองขอนแก่น», «อ.เมืองขอนแก่น» or «อำเภอ บ้านไผ่» (2 queries;
    use ReferenceIndex for a whole file)."""
    return ReferenceIndex.load().district(name)


def match_subdistrict(name, district=None) -> Subdistrict:
    """The Subdistrict named «ในเมือง», «ต.ในเมือง» or «ตำบล ในเมือง», in `district`
    (a District or its name) when given (2 queries; use ReferenceIndex for a whole file)."""
    return ReferenceIndex.load().subdistrict(name, district)
