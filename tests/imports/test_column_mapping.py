"""The column mapping step (issue 14): a district office's own list, with its own headers and
columns, is mapped on a page of its own before any row is checked.

The office's list (`district_file`) is laid out unlike the template: a title over the header,
a running number, the head's full name in one column, the 11-digit house registration code
instead of a household code, income per person per year with the number of members, a
remark, and no district column (the whole file is from Ban Phai).
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import dateformat, timezone
from openpyxl import load_workbook

from households.imports import services
from households.imports.headers import EXACT, NEAR
from households.imports.mapping import HOUSEHOLDS, propose
from households.imports.models import SavedMapping
from households.models import Household, ImportJob, ImportKind, ImportStatus, Member
from kuseaw.thaidate import format_be
from tests.factories import national_id_for
from tests.html_checks import assert_page_ok
from tests.imports.conftest import (
    HOUSEHOLD_HEADER,
    household_row,
    households_file,
    map_as_proposed,
    mapping_form,
    xlsx,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = ["บัญชีรายชื่อครัวเรือนเป้าหมาย อำเภอบ้านไผ่ ปี 2568"]
DISTRICT_HEADER = [
    "ลำดับ",
    "ชื่อ-สกุล หัวหน้าครัวเรือน",
    "เลขบัตรประชาชน",
    "รหัสประจำบ้าน",
    "บ้านเลขที่",
    "หมู่",
    "ตำบล",
    "รายได้เฉลี่ยต่อคน/ปี",
    "จำนวนสมาชิก (คน)",
    "หมายเหตุ",
]


def district_row(n: int, **overrides) -> list:
    row = {
        "order": n,
        "name": f"นายสมชาย{n} ใจดี",
        "nid": national_id_for(700000 + n),
        "house_code": f"4010-{n:06d}-1",
        "house_no": f"{n}/2",
        "village": 4,
        "subdistrict": "ในเมือง",
        "per_person": 30000,
        "members": 4,
        "remark": "ย้ายมาใหม่" if n == 1 else None,
    }
    row.update(overrides)
    return list(row.values())


def district_file(rows=None, header=DISTRICT_HEADER) -> bytes:
    rows = rows if rows is not None else [district_row(1), district_row(2)]
    return xlsx({"รายชื่อ": [TITLE, [], header, *rows]})


def upload(client, data, name="banphai.xlsx") -> ImportJob:
    response = client.post(
        reverse("imports:upload"),
        {"kind": "households", "file": SimpleUploadedFile(name, data, content_type=XLSX)},
    )
    assert response.status_code == 302, response
    return ImportJob.objects.latest("pk")


def fields_by_header(form_data: dict, page) -> dict:
    """header → the field its select holds, from the mapping page's form."""
    rows = page.context["form"].table_rows()
    return {
        choice.header: form_data[field.name] for _, _, table in rows for choice, _, field in table
    }


# --- the page ------------------------------------------------------------------------------


def test_an_unknown_header_is_a_question_on_the_mapping_page_not_a_refusal(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, district_file())
    assert job.status == ImportStatus.MAPPING
    assert job.row_results == [] and job.processed_rows == 0  # no row checked yet

    page = client.get(reverse("imports:job", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert_page_ok(html)
    for header in DISTRICT_HEADER:
        assert header in html  # every column of the file is listed
    assert "ย้ายมาใหม่" in html  # with a few of its values
    full_id = national_id_for(700001)
    assert full_id not in html and f"-{full_id[10:12]}-{full_id[12]}" in html  # masked
    # The district is missing: named on the page, before any row is checked.
    assert "ยังไม่มีคอลัมน์สำหรับข้อมูลที่ต้องมี: อำเภอ" in html
    assert "ไม่พบคอลัมน์ที่ต้องมี" not in html

    proposed = fields_by_header(mapping_form(client, job), page)
    assert proposed == {
        "ลำดับ": "-",
        "ชื่อ-สกุล หัวหน้าครัวเรือน": "full_name",
        "เลขบัตรประชาชน": "national_id",
        "รหัสประจำบ้าน": "house_registration_code",
        "บ้านเลขที่": "house_no",
        "หมู่": "village_no",
        "ตำบล": "subdistrict",
        "รายได้เฉลี่ยต่อคน/ปี": "income_per_person",
        "จำนวนสมาชิก (คน)": "member_count",
        "หมายเหตุ": "-",
    }


def test_a_fixed_district_per_person_income_full_names_and_house_codes_go_through(
    client, admin_user
):
    client.force_login(admin_user)
    job = upload(client, district_file())

    response = map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่"})

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED, job.message
    assert job.counts["new"] == 2
    assert job.row_results[0][2] == "40100000011"  # the code the household will have
    note = job.row_results[0][3]
    assert note == "รายได้ครัวเรือนต่อปี = 30,000 × 4 คน = 120,000 บาท (มีรายชื่อสมาชิก 1 คน)"
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "30,000 × 4 คน = 120,000 บาท" in preview  # the preview shows the arithmetic
    assert "อำเภอ = «บ้านไผ่» ทุกแถว" in preview
    assert "ไม่ได้นำเข้า 2 คอลัมน์" in preview
    assert Household.objects.count() == 0

    client.post(reverse("imports:confirm", args=[job.pk]))

    household = Household.objects.get(code="40100000011")  # the house registration code
    assert household.annual_income == Decimal("120000")
    assert household.subdistrict.district.name_th == "บ้านไผ่"
    assert household.village_no == 4
    head = household.members.get(is_head=True)
    assert (head.title, head.first_name, head.last_name) == ("นาย", "สมชาย1", "ใจดี")
    assert head.national_id == national_id_for(700001)


def test_an_income_per_month_is_the_yearly_income_times_twelve(client, admin_user):
    """An office that keeps the household's income per month (and the district in a
    column of its own): the preview shows the sum, the household gets the yearly one."""
    header = [
        "ชื่อ-สกุล",
        "เลขบัตรประชาชน",
        "รหัสประจำบ้าน",
        "บ้านเลขที่",
        "หมู่",
        "ตำบล",
        "อำเภอ",
        "รายได้ต่อเดือน",
    ]
    rows = [
        [
            f"นางสาวมาลี{n} ดีงาม",
            national_id_for(710000 + n),
            f"4010-{n:06d}-2",
            f"{n}/9",
            2,
            "ในเมือง",
        ]
        + ["บ้านไผ่", 2500 * n]
        for n in (1, 2)
    ]
    client.force_login(admin_user)
    job = upload(client, xlsx({"รายชื่อ": [header, *rows]}))
    assert (
        fields_by_header(
            mapping_form(client, job), client.get(reverse("imports:job", args=[job.pk]))
        )["รายได้ต่อเดือน"]
        == "monthly_income"
    )

    response = map_as_proposed(client, job)

    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED, response.content.decode()[-3000:]
    assert job.row_results[1][3].startswith("รายได้ครัวเรือนต่อปี = 5,000 × 12 เดือน = 60,000 บาท")
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "2,500 × 12 เดือน = 30,000 บาท" in preview
    client.post(reverse("imports:confirm", args=[job.pk]))
    incomes = Household.objects.order_by("code").values_list("annual_income", flat=True)
    assert list(incomes) == [Decimal("30000"), Decimal("60000")]


def test_missing_required_fields_are_named_and_no_row_is_checked(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, district_file())

    response = map_as_proposed(client, job, **{"h-4": "-"})  # «บ้านเลขที่» not imported

    assert response.status_code == 400
    html = response.content.decode()
    assert "ยังไม่มีคอลัมน์สำหรับข้อมูลที่ต้องมี: บ้านเลขที่, อำเภอ" in html
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING
    assert job.processed_rows == 0 and job.column_mapping == {}


def test_a_wrong_value_for_every_row_is_said_once_on_the_page(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, district_file())

    response = map_as_proposed(client, job, **{"fixed-district": "บ้านไผ"})

    assert response.status_code == 400
    assert "ไม่พบอำเภอ «บ้านไผ» หมายถึง «บ้านไผ่» หรือไม่" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING


def test_the_admin_changes_a_match_and_a_column_the_office_named_its_own_way(client, admin_user):
    """The office calls the household code «เลขที่ครัวเรือน»: nothing matches it, so the admin
    picks the field; the house registration code is then not needed."""
    header = ["เลขที่ครัวเรือน", *DISTRICT_HEADER[1:]]
    rows = [district_row(1, order="BP-001"), district_row(2, order="BP-002")]
    client.force_login(admin_user)
    job = upload(client, district_file(rows, header))
    page = client.get(reverse("imports:mapping", args=[job.pk]))
    assert fields_by_header(mapping_form(client, job), page)["เลขที่ครัวเรือน"] == "-"

    map_as_proposed(client, job, **{"h-0": "code", "h-3": "-", "fixed-district": "บ้านไผ่"})
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED, job.message
    client.post(reverse("imports:confirm", args=[job.pk]))

    assert sorted(Household.objects.values_list("code", flat=True)) == ["BP-001", "BP-002"]
    history = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "เลขที่ครัวเรือน → รหัสครัวเรือน" in history
    assert "รหัสประจำบ้าน" in history  # listed among the columns not imported


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"h-8": "-"}, "«รายได้ต่อคนต่อปี» ต้องใช้คู่กับ «จำนวนสมาชิก»"),
        ({"h-7": "-"}, "«จำนวนสมาชิก» ใช้คำนวณรายได้จาก «รายได้ต่อคนต่อปี» เท่านั้น"),
        ({"h-0": "code"}, "เลือกรหัสครัวเรือนหรือรหัสประจำบ้านอย่างใดอย่างหนึ่ง"),
        ({"h-9": "house_no"}, "«บ้านเลขที่» เลือกให้หลายคอลัมน์ («บ้านเลขที่» และ «หมายเหตุ»)"),
        ({"h-9": "annual_income"}, "รายได้เลือกได้แบบเดียว"),
        ({"h-9": "first_name"}, "ชื่อเลือกได้แบบเดียว"),
        ({"h-5": "subdistrict"}, "«ตำบล» เลือกให้หลายคอลัมน์ («หมู่» และ «ตำบล»)"),
        ({"fixed-village_no": "5"}, "«หมู่ที่» มีคอลัมน์ในไฟล์แล้ว"),
        ({"h-2": "not-a-field"}, "ไม่มีข้อมูลนี้ให้เลือก"),
    ],
)
def test_a_mapping_that_cannot_be_used_says_why(client, admin_user, changes, says):
    client.force_login(admin_user)
    job = upload(client, district_file())

    response = map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่", **changes})

    assert response.status_code == 400
    assert says in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.MAPPING


def test_a_saved_mapping_is_preselected_for_a_file_with_the_same_headers(client, admin_user):
    client.force_login(admin_user)
    first = upload(client, district_file())
    map_as_proposed(client, first, **{"fixed-district": "บ้านไผ่", "save_as": "รายชื่อจากอำเภอบ้านไผ่"})
    saved = SavedMapping.objects.get()
    assert saved.name == "รายชื่อจากอำเภอบ้านไผ่"
    assert saved.rules["households"]["fixed"] == {"district": "บ้านไผ่"}
    assert "เลขบัตรประชาชน" in saved.headers["households"]
    assert national_id_for(700001) not in str(saved.rules)  # headers and choices, no cells

    # Next month's list: the same headers in another order, and other households.
    order = [1, 0, 3, 2, 9, 8, 7, 6, 5, 4]
    header = [DISTRICT_HEADER[i] for i in order]
    rows = [[row[i] for i in order] for row in (district_row(3), district_row(4))]
    second = upload(client, district_file(rows, header), name="banphai-next.xlsx")
    page = client.get(reverse("imports:job", args=[second.pk]))
    assert page.context["proposal"].saved == saved
    assert "ใช้การกำหนดคอลัมน์ที่บันทึกไว้ «รายชื่อจากอำเภอบ้านไผ่»" in page.content.decode()
    data = mapping_form(client, second)
    assert data["fixed-district"] == "บ้านไผ่"
    assert fields_by_header(data, page)["เลขบัตรประชาชน"] == "national_id"

    map_as_proposed(client, second)
    second.refresh_from_db()
    assert second.status == ImportStatus.PREVIEWED, second.message
    assert second.counts["new"] == 2


def test_a_saved_mapping_can_be_left_aside_for_the_headers_alone(client, admin_user):
    client.force_login(admin_user)
    first = upload(client, district_file())
    map_as_proposed(client, first, **{"fixed-district": "บ้านไผ่", "h-9": "livelihood_assets"})
    services.saved_mapping_save(
        name="หมายเหตุเป็นสินทรัพย์",
        mapping=services.JobMapping.from_json(ImportJob.objects.get(pk=first.pk).column_mapping),
    )
    second = upload(client, district_file())
    page = client.get(reverse("imports:mapping", args=[second.pk]), {"saved": "0"})
    assert page.context["proposal"].saved is None
    assert page.context["form"]["h-9"].value() == "-"
    assert page.context["form"]["fixed-district"].value() == ""


def test_the_history_lists_every_column_not_imported(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, district_file())
    map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่"})
    client.post(reverse("imports:confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    history = client.get(reverse("imports:index")).content.decode()
    assert "ไม่ได้นำเข้า: ลำดับ, หมายเหตุ" in history
    result = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ไม่ได้นำเข้า 2 คอลัมน์" in result
    assert "ลำดับ" in result and "หมายเหตุ" in result


def test_a_column_with_values_but_no_header_is_listed_too(client, admin_user):
    header = [*HOUSEHOLD_HEADER, None]
    rows = [[*household_row(1), "ข้อความท้ายแถว"]]
    client.force_login(admin_user)
    job = upload(client, xlsx({"ครัวเรือน": [header, *rows]}))
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "(ไม่มีหัวคอลัมน์) คอลัมน์ M" in html
    map_as_proposed(client, job)
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert "(ไม่มีหัวคอลัมน์) คอลัมน์ M" in client.get(reverse("imports:index")).content.decode()


def test_a_column_with_values_only_far_down_is_listed_by_the_preview(client, admin_user):
    """The mapping step reads the first rows only: a column with no header whose first
    value is on row 150 is not on the mapping page, so the preview lists it as not
    imported (with the row it starts on), on the job page and in the history."""
    rows = [household_row(n) for n in range(1, 150)]
    rows[-1] = [*rows[-1], None, "โทรนัดก่อนเข้าบ้าน"]  # row 150, column N
    client.force_login(admin_user)
    job = upload(client, xlsx({"ครัวเรือน": [HOUSEHOLD_HEADER, *rows]}))
    mapping_page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "คอลัมน์ N" not in mapping_page

    map_as_proposed(client, job)

    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED, job.message
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "(ไม่มีหัวคอลัมน์) คอลัมน์ N" in preview
    assert "ไม่มีหัวคอลัมน์ มีข้อมูลตั้งแต่แถวที่ 150" in preview
    assert "ไม่ได้นำเข้า 1 คอลัมน์" in preview
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert "(ไม่มีหัวคอลัมน์) คอลัมน์ N" in client.get(reverse("imports:index")).content.decode()


def test_a_template_file_is_matched_whole_and_can_be_mapped_again_after_its_preview(
    client, admin_user
):
    client.force_login(admin_user)
    job = upload(client, households_file(2, members=1))
    page = client.get(reverse("imports:job", args=[job.pk]))
    assert page.context["problems"] == []
    map_as_proposed(client, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert (
        "นำเข้าทุกคอลัมน์ของไฟล์" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    )

    # Back to the mapping step: the income column is left out this time.
    page = client.get(reverse("imports:mapping", args=[job.pk]))
    assert page.status_code == 200
    income = next(
        f.name
        for _, _, rows in page.context["form"].table_rows()
        for c, _, f in rows
        if c.field == "annual_income"
    )
    map_as_proposed(client, job, **{income: "-"})
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED
    assert "รายได้ครัวเรือนต่อปี" in str(job.column_mapping)
    assert client.get(reverse("imports:index")).content.decode().count("รายได้ครัวเรือนต่อปี") == 1


def test_the_import_pages_show_buddhist_era_years(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, households_file(1))
    christian = dateformat.format(timezone.localtime(job.created_at), "j M Y")
    be = format_be(job.created_at, "short_time")
    mapping_page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert be in mapping_page and christian not in mapping_page
    map_as_proposed(client, job)
    for url in (reverse("imports:job", args=[job.pk]), reverse("imports:index")):
        html = client.get(url).content.decode()
        assert be in html, url
        assert christian not in html, url


def test_the_errors_file_names_the_sheet_of_every_error(client, admin_user):
    members = xlsx(
        {
            "รายชื่อสมาชิก": [
                ["รหัสครัวเรือน", "ชื่อ-สกุล", "เลขประจำตัวประชาชน", "ความสัมพันธ์"],
                ["KK00001", "นางสมศรี ใจดี", "1234567890123", "คู่สมรส"],
            ]
        }
    )
    job = services.import_job_create(
        user=admin_user,
        kind=ImportKind.HOUSEHOLDS,
        file_name="households.xlsx",
        data=households_file(rows=[household_row(1), household_row(2, village_no="x")]),
        members_file_name="members.xlsx",
        members_data=members,
    )
    job = services.import_preview(job=job)
    client.force_login(admin_user)
    response = client.get(reverse("imports:errors", args=[job.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)[1:]
    assert {(sheet, row) for sheet, row, _, _ in rows} == {("ครัวเรือน", 3), ("รายชื่อสมาชิก", 2)}


def test_a_members_sheet_with_its_own_headers_is_mapped_too(client, admin_user):
    households = [["รหัส", "ชื่อหัวหน้า", "บ้านเลขที่", "หมู่ที่", "ตำบล", "อำเภอ"]]
    households.append(["BP-1", "นายสมชาย ใจดี", "1", 2, "ในเมือง", "บ้านไผ่"])
    members = [["รหัสครัวเรือน", "ชื่อสมาชิก", "เกี่ยวข้องเป็น", "อาชีพหลัก", "หมายเหตุ"]]
    members.append(["BP-1", "เด็กหญิงสมใจ ใจดี", "บุตร", "นักเรียน", "-"])
    client.force_login(admin_user)
    job = upload(client, xlsx({"ครัวเรือน": households, "สมาชิก": members}))
    page = client.get(reverse("imports:job", args=[job.pk]))
    html = page.content.decode()
    assert "สมาชิก: คอลัมน์ของไฟล์ (5)" in html
    assert "แผ่นงานสมาชิก: ยังไม่มีคอลัมน์สำหรับข้อมูลที่ต้องมี: ชื่อ-สกุล หรือ ชื่อ" not in html
    data = mapping_form(client, job)
    assert data["m-1"] == "full_name"  # «ชื่อสมาชิก»: a variant of the template's
    assert data["m-2"] == "-"  # «เกี่ยวข้องเป็น»: nothing like it
    assert data["h-1"] == "full_name"

    map_as_proposed(client, job, **{"m-2": "relation"})
    client.post(reverse("imports:confirm", args=[job.pk]))

    child = Member.objects.get(first_name="สมใจ")
    assert (child.household.code, child.relation, child.occupation) == ("BP-1", "child", "นักเรียน")
    result = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "เกี่ยวข้องเป็น → ความสัมพันธ์" in result


def test_the_header_row_and_sheet_can_be_chosen(client, admin_user):
    """A workbook whose list is on «Sheet2» under three title rows."""
    data = xlsx(
        {
            "สรุป": [["รวม 1 ครัวเรือน"]],
            "Sheet2": [["หัวเรื่อง"], ["ข้อมูล ณ วันที่ 1"], [], HOUSEHOLD_HEADER, household_row(1)],
        }
    )
    client.force_login(admin_user)
    job = upload(client, data)
    page = client.get(reverse("imports:job", args=[job.pk]))
    proposal = page.context["proposal"]
    assert (proposal.households.mapping.sheet, proposal.households.mapping.header_row) == (
        "Sheet2",
        4,
    )
    wrong = client.get(reverse("imports:mapping", args=[job.pk]), {"header_row": "5"})
    assert wrong.context["proposal"].households.mapping.header_row == 5
    assert wrong.context["problems"]  # a data row as the header: fields missing
    no_such = client.get(reverse("imports:mapping", args=[job.pk]), {"sheet": "ไม่มี"})
    assert no_such.status_code == 200
    assert "ไม่พบชีต «ไม่มี»" in no_such.content.decode()
    map_as_proposed(client, job)
    assert ImportJob.objects.get(pk=job.pk).counts["new"] == 1


def test_a_file_that_cannot_be_read_fails_at_the_upload(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, b"PK\x03\x04 broken")
    assert job.status == ImportStatus.FAILED
    assert job.file_data is None
    assert "Excel" in job.message
    response = client.get(reverse("imports:mapping", args=[job.pk]), follow=True)
    assert "กำหนดคอลัมน์ไม่ได้แล้ว" in response.content.decode()


# --- the proposal on its own ---------------------------------------------------------------


def test_names_and_variants_match_first_then_near_spellings():
    headers = ["รหัสครัวเรีอน", "ชื่อ - นามสกุล", "เบอร์โทร", "ตำบล", "ต.", "ลำดับที่", ""]
    proposal = propose(HOUSEHOLDS, headers, header_row=1, sheet=None)
    found = {c.header: (c.field, c.how) for c in proposal.columns}
    assert found == {
        "รหัสครัวเรีอน": ("code", NEAR),  # a typo of the template's name
        "ชื่อ - นามสกุล": ("full_name", EXACT),  # one of its variants
        "เบอร์โทร": ("phone", EXACT),
        "ตำบล": ("subdistrict", EXACT),
        "ต.": ("", ""),  # the subdistrict is matched already
        "ลำดับที่": ("", ""),
    }


def test_the_automatic_mapping_of_the_command_line_refuses_only_what_leaves_a_question(
    admin_user,
):
    job = services.import_job_create(
        user=admin_user, kind=ImportKind.HOUSEHOLDS, file_name="b.xlsx", data=district_file()
    )
    job = services.import_preview(job=job)
    assert job.status == ImportStatus.FAILED
    assert "อำเภอ" in job.message and "ลำดับ" not in job.message


def test_saved_mappings_are_renamed_or_deleted_in_the_admin_never_added(client, admin_user):
    client.force_login(admin_user)
    job = upload(client, district_file())
    map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่", "save_as": "บ้านไผ่"})
    saved = SavedMapping.objects.get()
    listing = client.get(reverse("admin:households_imports_savedmapping_changelist"))
    assert "ลำดับ, ชื่อ-สกุล หัวหน้าครัวเรือน" in listing.content.decode()
    change = reverse("admin:households_imports_savedmapping_change", args=[saved.pk])
    client.post(change, {"name": "อำเภอบ้านไผ่"})
    saved.refresh_from_db()
    assert saved.name == "อำเภอบ้านไผ่" and saved.rules["households"]["fixed"]
    add = client.get(reverse("admin:households_imports_savedmapping_add"))
    assert add.status_code == 403


def test_a_streamed_workbook_keeps_the_rows_the_header_search_read_past(admin_user, settings):
    """A workbook too big for memory is streamed (openpyxl): looking for the best header
    reads rows past it, and those rows are still imported."""
    settings.KUSEAW_IMPORT_IN_MEMORY_MAX_BYTES = 1  # every workbook streamed
    rows = [district_row(n) for n in range(1, 8)]
    job = services.import_job_create(
        user=admin_user, kind=ImportKind.HOUSEHOLDS, file_name="b.xlsx", data=district_file(rows)
    )
    job = services.import_mapping_open(job=job)
    proposal = services.import_mapping_proposal(job)
    assert proposal.households.mapping.header_row == 3
    assert proposal.households.samples[0] == ["1", "2", "3"]
    mapping = proposal.mapping
    mapping.households.fixed = {"district": "บ้านไผ่"}
    job = services.import_mapping_set(job=job, mapping=mapping, valid_rows_only=False)
    job = services.import_preview(job=job)
    assert [r[0] for r in job.row_results] == [4, 5, 6, 7, 8, 9, 10]
    assert job.counts["new"] == 7


def test_a_large_mapped_file_is_previewed_and_applied_by_the_worker(client, admin_user, settings):
    settings.KUSEAW_IMPORT_BACKGROUND_ROWS = 1  # every file counts as large
    client.force_login(admin_user)
    job = upload(client, district_file())
    assert job.status == ImportStatus.MAPPING and not job.task_id  # mapped in the request

    map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่"})

    job.refresh_from_db()
    assert job.task_id and job.status == ImportStatus.PREVIEWED
    assert job.total_rows == 2
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert Household.objects.filter(subdistrict__district__name_th="บ้านไผ่").count() == 2
