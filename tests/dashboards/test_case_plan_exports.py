"""Every case-plan table downloads as .xlsx with the page's figures, scope and filters."""

import io

import pytest
from openpyxl import load_workbook

from households.models import AccessAction, AccessLog
from kuseaw.thaidate import format_be

pytestmark = pytest.mark.django_db

HEADER_ROW = 4  # a title line, the scope and filters, a blank line, then the table


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[HEADER_ROW - 1], rows[HEADER_ROW:]


@pytest.fixture
def province(client, plans, province_viewer):
    client.force_login(province_viewer)
    return client


def test_problems_by_dimension_file(province, plans):
    sheet, header, rows = download(province, "/dashboard/export/plan-problems.xlsx")

    assert header[0] == "มิติ" and header[-1] == "รวม"
    assert rows[0] == ("ด้านรายได้", 2, 0, 1, 0, 3)
    assert rows[-1] == ("รวม", 4, 3, 2, 1, 10)
    # The figures stand on today, not on a date range.
    assert sheet.cell(2, 1).value.endswith(f"ข้อมูล ณ {format_be(plans.today)}")
    assert "ช่วงวันที่" not in sheet.cell(2, 1).value


def test_district_file_follows_the_filter(province):
    sheet, header, rows = download(province, "/dashboard/export/plan-districts.xlsx?district=4010")

    assert header == ("อำเภอ", "ปัญหาทั้งหมด", "แก้ได้แล้ว", "ร้อยละที่แก้ได้", "ยังไม่แก้", "แก้ไม่ได้")
    assert rows == [("บ้านไผ่", 4, 3, 75, 1, 0)]
    assert "อำเภอบ้านไผ่" in sheet.cell(2, 1).value


def test_agency_file_has_the_households_never_paired(province, plans):
    _, _, rows = download(province, "/dashboard/export/plan-agencies.xlsx")

    by_name = {row[0]: row[1:] for row in rows}
    assert by_name[plans.agency_a.name_th] == (5, 2, 40, 2, 1)
    assert by_name["ครัวเรือนที่ยังไม่เคยมีคู่เสี่ยว"] == (1, 0, 0, 1, 0)


def test_overdue_funnel_and_levels_files(province, plans):
    _, _, overdue = download(province, "/dashboard/export/plan-overdue.xlsx")
    assert overdue[0] == (str(plans.agency_a), 2, 1, 50)
    assert overdue[-2:] == [("ภาคีเครือข่าย", 1, 1, 100), ("ครัวเรือนเอง", 2, 1, 50)]

    _, _, funnel = download(province, "/dashboard/export/plan-funnel.xlsx")
    assert [n for _, n in funnel] == [4, 1, 2, 1, 1]

    _, header, levels = download(province, "/dashboard/export/plan-levels.xlsx")
    assert header[1] == "รอบล่าสุด อยู่ลำบาก"
    assert levels[1] == ("อยู่ยาก", 1, 0, 1, 0, 2)
    assert {row[0]: row[1] for row in levels[5:]} == {
        "ดีขึ้น": 2,
        "เท่าเดิม": 1,
        "ลดลง": 1,
        "รวม": 4,
    }


def test_officials_file_has_each_officials_share(province):
    _, header, rows = download(province, "/dashboard/export/officials.xlsx?agency=DOE")

    assert header[-3:] == ("ปัญหาของครัวเรือนที่ดูแล", "แก้ได้แล้ว", "ร้อยละที่แก้ได้")
    assert [row[-3:] for row in rows] == [(4, 3, 75)]


@pytest.mark.parametrize(
    ("table", "page"),
    [("plan-problems", "/dashboard/plans/"), ("plan-funnel", "/dashboard/plans/progress/")],
)
def test_an_invalid_filter_goes_back_to_the_page(province, table, page):
    response = province.get(f"/dashboard/export/{table}.xlsx?date_from=garbage")

    assert response.status_code == 302
    assert response.url == f"{page}?date_from=garbage"


def test_district_staff_file_holds_only_their_district(client, plans, district_staff):
    client.force_login(district_staff)

    _, _, rows = download(client, "/dashboard/export/plan-districts.xlsx")

    assert rows == [("เมืองขอนแก่น", 6, 2, 33, 3, 1)]
    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.LIST_EXPORTED
    assert entry.description.startswith("การแก้ปัญหารายอำเภอ (.xlsx) อำเภอเมืองขอนแก่น")
    response = client.get("/dashboard/export/plan-districts.xlsx?district=4010")
    assert response.status_code == 302
    assert AccessLog.objects.count() == 1
