"""An admin maps a district office's own list on a phone (issue 14): upload, match the columns,
give the district for every row, import the good rows and take the bad ones back."""

import io
import re

import pytest
from openpyxl import load_workbook

from households.models import Household, ImportJob, ImportStatus
from officials.roles import Role
from tests import factories as f
from tests.browser.live import LIVE_SERVER_TEST, PASSWORD, assert_fits_phone, expect
from tests.imports.test_column_mapping import district_row
from tests.imports.test_valid_rows_only import BAD_ID, office_file

pytestmark = LIVE_SERVER_TEST

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def admin(transactional_db, settings):
    settings.KUSEAW_IMPORT_PROGRESS_DATABASE = "default"  # the live server's own connection
    return f.UserFactory(username="somsak", role=Role.ADMIN, is_staff=True, is_superuser=True)


def test_an_admin_maps_a_district_list_and_imports_its_good_rows(page, admin, screenshots):
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("somsak")
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.goto("/imports/")
    rows = [district_row(1), district_row(2, nid=BAD_ID), district_row(3)]
    page.get_by_label("ไฟล์ (.xlsx หรือ .csv)").set_input_files(
        {"name": "banphai.xlsx", "mimeType": XLSX, "buffer": office_file(rows)}
    )
    page.get_by_role("button", name="ตรวจสอบไฟล์").click()

    # The mapping step: every column with its values and the field proposed.
    expect(page.get_by_role("heading", level=1)).to_have_text("กำหนดคอลัมน์ «banphai.xlsx»")
    expect(page.get_by_role("alert")).to_contain_text("ยังไม่มีคอลัมน์สำหรับข้อมูลที่ต้องมี: อำเภอ")
    income = page.get_by_label("รายได้เฉลี่ยต่อคน/ปี", exact=True)
    expect(income.locator("option:checked")).to_have_text("รายได้ต่อคนต่อปี")
    remark = page.get_by_label("หมายเหตุ", exact=True)
    expect(remark.locator("option:checked")).to_have_text("— ไม่นำเข้า —")
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "import-mapping.png", full_page=True)

    remark.select_option(label="สินทรัพย์เพื่อการทำมาหากิน")  # the office's remark column
    page.get_by_label("อำเภอ", exact=True).fill("บ้านไผ่")  # the whole list is from Ban Phai
    page.get_by_label(re.compile("บันทึกเฉพาะแถวที่ถูกต้อง")).check()
    page.get_by_label(re.compile("บันทึกการกำหนดคอลัมน์นี้ไว้ใช้ครั้งต่อไป")).fill("บ้านไผ่")
    page.get_by_role("button", name="ตรวจสอบทุกแถว").click()

    # The preview: the arithmetic, the columns not imported, and the bad row to take back.
    expect(page.get_by_text("สถานะ: ตรวจสอบแล้ว รอยืนยัน")).to_be_visible()
    expect(
        page.get_by_role("cell", name=re.compile("30,000 × 4 คน = 120,000 บาท")).first
    ).to_be_visible()
    columns = page.get_by_role("region", name="คอลัมน์ของไฟล์")
    expect(columns).to_contain_text("ไม่ได้นำเข้า 1 คอลัมน์")
    expect(columns).to_contain_text("หมายเหตุ → สินทรัพย์เพื่อการทำมาหากิน")
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "import-mapping-preview.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="ดาวน์โหลดแถวที่ไม่ได้นำเข้า (.xlsx)").click()
    returned = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert returned.worksheets[0]["C2"].value == BAD_ID

    page.get_by_role("button", name="ยืนยันนำเข้าเฉพาะแถวที่ถูกต้อง").click()

    expect(page.get_by_role("status")).to_contain_text("นำเข้า «banphai.xlsx» เรียบร้อยแล้ว")
    expect(page.get_by_text("สถานะ: นำเข้าแล้ว")).to_be_visible()
    assert sorted(Household.objects.values_list("code", flat=True)) == [
        "40100000011",
        "40100000031",
    ]
    assert Household.objects.get(code="40100000011").livelihood_assets == "ย้ายมาใหม่"
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.APPLIED and job.rejected_data is None
