"""The columns each import understands: their keys, Thai headers and the variants accepted.

Column is one column (the header we show and ask for, the other spellings district
offices write, whether the file must have it, the help the blank template shows);
HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, OFFICIAL_COLUMNS and PAIRING_COLUMNS are the four
files' columns. reading.py matches a file's header row to these (headers.py) and reads
the rows under it; the households import's mapping step (mapping.py) lets the admin match
any other header to them.

Some household columns are other shapes of a field, never in the blank template: income
per person per year with the number of members, or income per month (they fill the
household's yearly income), and the 11-digit house registration code (รหัสประจำบ้าน), which
serves as the household's code when the file has none.
"""

from dataclasses import dataclass

from households.models import NEED_DIMENSIONS


@dataclass(frozen=True)
class Column:
    """One column an import understands: `label` is the header we show and ask for."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    # Columns sharing a group are alternatives: the file needs at least one of them.
    one_of: str = ""
    # In the blank template: False for the other shapes of a field (see the docstring).
    template: bool = True
    # The mapping step may give one value for every row when the file has no such column.
    fixable: bool = False


def _name_columns(group_label: str, *, required: bool = True, short: str = "") -> list[Column]:
    """One «ชื่อ-สกุล» column or separate ones; `required`: the file must have one of them.
    `short`: the group's name as offices shorten it («หัวหน้า» for «หัวหน้าครัวเรือน»)."""
    group = "name" if required else ""
    shortened = (f"ชื่อ-สกุล{short}", f"ชื่อ-นามสกุล{short}", f"ชื่อ{short}") if short else ()
    return [
        Column(
            "full_name",
            "ชื่อ-สกุล",
            (
                "ชื่อ-นามสกุล",
                "ชื่อ - สกุล",
                "ชื่อสกุล",
                "ชื่อ นามสกุล",
                "ชื่อและนามสกุล",
                f"ชื่อ-สกุล{group_label}",
                f"ชื่อ-นามสกุล{group_label}",
                f"ชื่อ{group_label}",
                group_label,
                *shortened,
            ),
            help="คำนำหน้า ชื่อ และนามสกุลในช่องเดียว เช่น นายสมชาย ใจดี (หรือแยกเป็นคอลัมน์ "
            "คำนำหน้า / ชื่อ / นามสกุล)",
            one_of=group,
        ),
        Column("title", "คำนำหน้า", ("คำนำหน้าชื่อ",), help="นาย นาง นางสาว เด็กชาย เด็กหญิง"),
        Column("first_name", "ชื่อ", ("ชื่อตัว",), one_of=group),
        Column("last_name", "นามสกุล", ("สกุล",)),
    ]


_NATIONAL_ID_ALIASES = (
    "เลขบัตรประชาชน",
    "เลขบัตรประจำตัวประชาชน",
    "เลขที่บัตรประชาชน",
    "เลขประจำตัวประชาชน 13 หลัก",
    "เลขบัตรประชาชน 13 หลัก",
    "เลขประชาชน",
)
_NATIONAL_ID_HELP = "13 หลัก มีขีดหรือไม่ก็ได้ ควรจัดรูปแบบคอลัมน์เป็นข้อความ"
_DATE_HELP = "วว/ดด/ปปปป พ.ศ. เช่น 15/02/2567 หรือเซลล์วันที่ของ Excel"
_PHONE_ALIASES = ("เบอร์โทร", "เบอร์โทรศัพท์", "โทร", "หมายเลขโทรศัพท์", "เบอร์ติดต่อ")


def _person_columns() -> list[Column]:
    return [
        Column("national_id", "เลขประจำตัวประชาชน", _NATIONAL_ID_ALIASES, help=_NATIONAL_ID_HELP),
        Column("birth_date", "วันเกิด", ("วันเดือนปีเกิด", "วัน/เดือน/ปีเกิด"), help=_DATE_HELP),
        Column(
            "sex",
            "เพศ",
            help="ชาย หรือ หญิง (เว้นว่างได้เมื่อคำนำหน้าบอกเพศ: นาย นาง นางสาว เด็กชาย เด็กหญิง)",
        ),
    ]


# «รายได้» and «การศึกษา» alone name other columns (income, a member's education).
_AMBIGUOUS_NEEDS = ("need_income", "need_education")

_HOUSE_CODE_HELP = "รหัสประจำบ้าน 11 หลักตามทะเบียนบ้าน ใช้เป็นรหัสครัวเรือนเมื่อไฟล์ไม่มีรหัสครัวเรือน"
_HOUSE_CODE_ALIASES = ("เลขรหัสประจำบ้าน", "เลขประจำบ้าน", "รหัสบ้าน", "รหัสทะเบียนบ้าน")

HOUSEHOLD_COLUMNS = [
    Column("code", "รหัสครัวเรือน", ("รหัส",), one_of="household"),
    Column(
        "house_registration_code",
        "รหัสประจำบ้าน",
        _HOUSE_CODE_ALIASES,
        help=_HOUSE_CODE_HELP,
        one_of="household",
        template=False,
    ),
    # Not required: a file that only updates households already here may leave names out.
    *_name_columns("หัวหน้าครัวเรือน", required=False, short="หัวหน้า"),
    *_person_columns(),
    Column("phone", "โทรศัพท์", _PHONE_ALIASES),
    Column("house_no", "บ้านเลขที่", ("เลขที่", "เลขที่บ้าน"), required=True),
    Column("village_no", "หมู่ที่", ("หมู่", "ม."), required=True, help="ตัวเลข 1–99", fixable=True),
    Column("village_name", "ชื่อหมู่บ้าน", ("บ้าน", "หมู่บ้าน"), fixable=True),
    Column(
        "subdistrict",
        "ตำบล",
        ("ต.",),
        required=True,
        help="มีหรือไม่มีคำว่า ตำบล/ต. ก็ได้",
        fixable=True,
    ),
    Column(
        "district",
        "อำเภอ",
        ("อ.",),
        required=True,
        help="มีหรือไม่มีคำว่า อำเภอ/อ. ก็ได้",
        fixable=True,
    ),
    Column(
        "poverty_level",
        "ระดับความยากจน",
        ("ระดับ",),
        help="อยู่ลำบาก อยู่ยาก อยู่พอได้ อยู่ดี (หรือ 1–4)",
        fixable=True,
    ),
    Column("cause", "สาเหตุ", ("สาเหตุความยากจน",), help="ขาดโอกาส หรือ ตัดโอกาสเอง", fixable=True),
    *(
        Column(
            field_name,
            label,
            (f"ความต้องการ{label}",)
            + (() if field_name in _AMBIGUOUS_NEEDS else (label.removeprefix("ด้าน"),)),
            help="ใช่/มี/✓ หรือเว้นว่าง",
        )
        for field_name, label in NEED_DIMENSIONS
    ),
    Column(
        "annual_income",
        "รายได้ครัวเรือนต่อปี",
        ("รายได้ครัวเรือน", "รายได้ต่อปี", "รายได้"),
        help="บาท",
    ),
    Column(
        "income_per_person",
        "รายได้ต่อคนต่อปี",
        (
            "รายได้เฉลี่ยต่อคนต่อปี",
            "รายได้ต่อคน",
            "รายได้เฉลี่ยต่อคน",
            "รายได้ต่อคน/ปี",
            "รายได้เฉลี่ยต่อคน/ปี",
            "รายได้เฉลี่ย/คน/ปี",
            "รายได้ครัวเรือนเฉลี่ยต่อคนต่อปี",
        ),
        help="บาท ใช้คู่กับจำนวนสมาชิก: รายได้ครัวเรือนต่อปี = รายได้ต่อคน × จำนวนสมาชิก",
        template=False,
    ),
    Column(
        "member_count",
        "จำนวนสมาชิก",
        ("จำนวนสมาชิกในครัวเรือน", "จำนวนสมาชิกครัวเรือน", "จำนวนคนในครัวเรือน", "จำนวนคน", "สมาชิก"),
        help="คน ใช้คำนวณรายได้จากรายได้ต่อคนต่อปี (ระบบนับสมาชิกจากรายชื่อสมาชิก)",
        template=False,
    ),
    Column(
        "monthly_income",
        "รายได้ครัวเรือนต่อเดือน",
        ("รายได้ต่อเดือน", "รายได้เฉลี่ยต่อเดือน", "รายได้/เดือน", "รายได้ครัวเรือน/เดือน"),
        help="บาท: รายได้ครัวเรือนต่อปี = รายได้ต่อเดือน × 12",
        template=False,
    ),
    Column("debts", "หนี้สิน", ("หนี้", "ภาระหนี้สิน"), help="บาท"),
    Column("land_rai", "ที่ดินทำกิน (ไร่)", ("ที่ดิน",), help="ไร่"),
    Column("livelihood_assets", "สินทรัพย์เพื่อการทำมาหากิน", ("สินทรัพย์",)),
    Column("joined_on", "วันที่เข้าโครงการ", ("วันเข้าโครงการ",), help=_DATE_HELP, fixable=True),
    Column(
        "consent_given",
        "ยินยอมให้ใช้ข้อมูล",
        ("ความยินยอม", "ยินยอม"),
        help="ใช่ หรือ ไม่ (เว้นว่าง = คงตามที่บันทึกไว้) ระบบบันทึกความยินยอมตามรายชื่อที่หน่วยงานส่งมา",
        fixable=True,
    ),
    Column("consent_date", "วันที่ให้ความยินยอม", ("วันที่ยินยอม",), help=_DATE_HELP, fixable=True),
]

MEMBER_COLUMNS = [
    Column("household_code", "รหัสครัวเรือน", ("รหัส",), one_of="household"),
    Column(
        "head_national_id",
        "เลขประจำตัวประชาชนหัวหน้าครัวเรือน",
        (
            "เลขบัตรประชาชนหัวหน้าครัวเรือน",
            "เลขบัตรประจำตัวประชาชนหัวหน้าครัวเรือน",
            "เลขบัตรหัวหน้าครัวเรือน",
        ),
        help="ใช้แทนรหัสครัวเรือนได้",
        one_of="household",
    ),
    Column(
        "household_house_code",
        "รหัสประจำบ้าน",
        _HOUSE_CODE_ALIASES,
        help="เมื่อไฟล์ครัวเรือนใช้รหัสประจำบ้านแทนรหัสครัวเรือน",
        one_of="household",
        template=False,
    ),
    *_name_columns("สมาชิก"),
    *_person_columns(),
    Column(
        "relation",
        "ความสัมพันธ์",
        ("ความสัมพันธ์กับหัวหน้าครัวเรือน",),
        help="หัวหน้าครัวเรือน คู่สมรส บุตร บิดา/มารดา หลาน พี่น้อง ญาติ ผู้อาศัย",
    ),
    Column("education", "การศึกษา", ("ระดับการศึกษา", "การศึกษาสูงสุด")),
    Column("occupation", "อาชีพ", ("อาชีพหลัก",)),
    Column("income", "รายได้ต่อปี", ("รายได้",), help="บาท"),
    Column("phone", "โทรศัพท์", _PHONE_ALIASES),
    Column("disability", "ความพิการ", ("พิการ", "ประเภทความพิการ")),
    Column("chronic_illness", "โรคเรื้อรัง", ("โรคประจำตัว",)),
    Column(
        "has_welfare_card",
        "บัตรสวัสดิการแห่งรัฐ",
        ("มีบัตรสวัสดิการแห่งรัฐ", "บัตรสวัสดิการ", "บัตรคนจน"),
        help="ใช่/มี/✓ หรือเว้นว่าง",
    ),
]

OFFICIAL_COLUMNS = [
    *_name_columns("เจ้าหน้าที่"),
    Column("national_id", "เลขประจำตัวประชาชน", _NATIONAL_ID_ALIASES, help=_NATIONAL_ID_HELP),
    Column("username", "ชื่อผู้ใช้", ("username", "ชื่อบัญชี", "บัญชีผู้ใช้")),
    Column("email", "อีเมล", ("email", "e-mail")),
    Column(
        "agency",
        "หน่วยงาน",
        ("สังกัด", "รหัสหน่วยงาน", "ชื่อหน่วยงาน"),
        required=True,
        help="รหัส ชื่อ หรือชื่อย่อของหน่วยงาน",
    ),
    Column(
        "district",
        "อำเภอที่ปฏิบัติงาน",
        ("อำเภอ", "อ."),
        required=True,
        help="มีหรือไม่มีคำว่า อำเภอ/อ. ก็ได้",
    ),
    Column("position", "ตำแหน่ง"),
    Column("phone", "โทรศัพท์", _PHONE_ALIASES),
]

PAIRING_COLUMNS = [
    Column("household_code", "รหัสครัวเรือน", ("รหัส",), required=True),
    Column(
        "official_national_id",
        "เลขประจำตัวประชาชนเจ้าหน้าที่",
        ("เลขบัตรประชาชนเจ้าหน้าที่", "เลขประจำตัวประชาชน", *_NATIONAL_ID_ALIASES),
        one_of="official",
    ),
    Column(
        "official_username",
        "ชื่อผู้ใช้เจ้าหน้าที่",
        ("ชื่อผู้ใช้", "username"),
        one_of="official",
    ),
    Column(
        "started_on",
        "วันที่เริ่มดูแล",
        ("วันที่เริ่ม", "วันเริ่มดูแล", "วันที่จับคู่"),
        help=_DATE_HELP,
    ),
]
