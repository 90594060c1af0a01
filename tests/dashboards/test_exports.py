"""Every dashboard table downloads as .xlsx with the page's figures, scope and filters."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from households.dashboards.exports import TABLES
from households.models import AccessAction, AccessLog
from households.referrals.models import Referral
from tests import factories as f
from tests.cases.factories import ProblemFactory

pytestmark = pytest.mark.django_db

HEADER_ROW = 4  # a title line, the scope and filters, a blank line, then the table


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="kuseaw-')
    return load_workbook(io.BytesIO(response.content)).active


def rows_of(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    return rows[HEADER_ROW - 1], rows[HEADER_ROW:]


@pytest.fixture
def province(client, programme, province_viewer):
    """The province's reviewer, and one referral of H1's problem (for the partners' page)."""
    h1 = programme.households["H1"]
    Referral.objects.create(
        household=h1,
        problem=ProblemFactory(household=h1),
        agency=programme.agency_b,
        due_on=timezone.localdate(),
        sent_on=timezone.localdate(),
        sent_by=province_viewer,
    )
    client.force_login(province_viewer)
    return client


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_downloads(province, table):
    sheet = sheet_of(province.get(f"/dashboard/export/{table}.xlsx"))

    header, rows = rows_of(sheet)
    assert sheet.title == TABLES[table].title[:31]
    assert sheet.cell(1, 1).value == TABLES[table].title
    assert "ทั้งจังหวัดขอนแก่น" in sheet.cell(2, 1).value
    assert all(isinstance(name, str) and name for name in header)
    assert rows


def test_the_figures_file_holds_the_overview_figures(province):
    _, rows = rows_of(sheet_of(province.get("/dashboard/export/figures.xlsx")))

    figures = dict(rows)
    assert figures["ครัวเรือนทั้งหมด"] == 6
    assert figures["มีคู่เสี่ยวดูแลอยู่"] == 3
    assert figures["เกินกำหนดเยี่ยม"] == 2
    assert figures["รายได้ต่อคนถึงเกณฑ์ จปฐ."] == 3
    assert figures["การเยี่ยมใน 30 วันที่ผ่านมา"] == 1


def test_the_aid_file_matches_the_page(province):
    header, rows = rows_of(sheet_of(province.get("/dashboard/export/aid.xlsx")))

    assert header[:3] == ("ด้าน", "รายการ", "มูลค่า (บาท)")
    assert rows[0] == ("อาชีพ", 1, 3000, 1, 3000)
    assert rows[-1] == ("รวม", 3, 9500, 2, 8000)


def test_the_district_file_follows_the_filters_in_the_url(province):
    sheet = sheet_of(province.get("/dashboard/export/districts.xlsx?district=4010"))

    _, rows = rows_of(sheet)
    assert rows == [("บ้านไผ่", 3, 1, 0, 1, 0, 1, 5000)]
    assert "อำเภอบ้านไผ่" in sheet.cell(2, 1).value


def test_the_household_file_follows_the_list_filters_and_has_no_national_id(province, programme):
    sheet = sheet_of(province.get("/dashboard/export/households.xlsx?overdue=1"))

    header, rows = rows_of(sheet)
    assert [row[0] for row in rows] == ["H2", "H4"]
    assert "เลขประจำตัวประชาชน" not in header
    head_id = programme.households["H2"].members.get(is_head=True).national_id
    assert all(head_id not in str(cell) for row in rows for cell in row)


def test_dates_are_written_in_the_buddhist_era(province, programme):
    _, rows = rows_of(sheet_of(province.get("/dashboard/export/visits.xlsx")))

    latest = programme.ago(5)
    assert rows[0][0].endswith(str(latest.year + 543))
    assert rows[0][1] == "H1"


def test_text_that_would_run_as_a_formula_is_neutralised(province):
    f.HouseholdFactory(code="=HYPERLINK(1)", subdistrict=f.subdistrict("400101"))

    _, rows = rows_of(sheet_of(province.get("/dashboard/export/households.xlsx?q=HYPER")))

    assert rows[0][0] == "'=HYPERLINK(1)"


def test_the_months_file_has_every_month_of_the_period(province):
    _, rows = rows_of(sheet_of(province.get("/dashboard/export/months.xlsx")))

    assert len(rows) == 12
    assert sum(row[1] for row in rows) == 3
    assert sum(Decimal(row[3]) for row in rows) == Decimal("9500")


def test_every_download_is_in_the_access_log(client, programme, district_staff):
    client.force_login(district_staff)
    district = district_staff.staff_profile.district
    response = client.get("/dashboard/export/districts.xlsx", {"district": district.pk})
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert entry.user == district_staff
    assert entry.action == AccessAction.LIST_EXPORTED
    assert entry.path == "/dashboard/export/districts.xlsx"
    assert f"อำเภอ{district.name_th}" in entry.description
    # A refused export (another district) writes nothing to the log.
    client.get("/dashboard/export/districts.xlsx", {"district": "0"})
    assert AccessLog.objects.count() == 1
