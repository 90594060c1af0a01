"""Whatever the URL holds, a dashboard answers with a Thai message or the page, never a 500."""

import pytest

from households.dashboards.filters import HouseholdListFilterForm
from households.dashboards.scope import scope_for

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "districts/",
    "agencies/",
    "officials/",
    "households/",
    "activity/",
    "plans/",
    "plans/progress/",
]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=garbage", "อ่านวันที่ «garbage» ไม่ได้"),
        ("?date_from=31/02/2567", "ไม่มีวันที่ «31/02/2567» ในปฏิทิน"),
        ("?date_from=1/1/1800", "ปี 1800 ไม่ถูกต้อง"),
        ("?date_from=01/06/2568&date_to=01/01/2568", "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น"),
        ("?date_from=01/01/2560&date_to=01/01/2568", "ช่วงวันที่ยาวได้ไม่เกิน 36 เดือน"),
        ("?district=9999", "ไม่พบอำเภอนี้ในขอบเขตงานของคุณ"),
        ("?district=%27%20or%201=1", "ไม่พบอำเภอนี้ในขอบเขตงานของคุณ"),
        ("?agency=NOPE", "ไม่พบหน่วยงานนี้ในขอบเขตงานของคุณ"),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_invalid_filters_get_a_thai_message_and_no_figures(
    client, programme, province_viewer, page, query, message
):
    client.force_login(province_viewer)

    response = client.get(f"/dashboard/{page}{query}")

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "ตัวกรองไม่ถูกต้อง จึงยังไม่แสดงตัวเลข" in html
    assert message in html
    assert ">H1</a>" not in html and 'class="kuseaw-figure' not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?official=abc", "ไม่พบเจ้าหน้าที่นี้ในขอบเขตงานของคุณ"),
        ("?official=99999999", "ไม่พบเจ้าหน้าที่นี้ในขอบเขตงานของคุณ"),
        ("?level=9", "ไม่มีระดับความยากจนนี้"),
        ("?level=x", "ไม่มีระดับความยากจนนี้"),
        ("?status=unknown", "ไม่มีสถานะนี้"),
        ("?pairing=maybe", "ตัวเลือกคู่เสี่ยวไม่ถูกต้อง"),
        ("?change=sideways", "ตัวเลือกการเปลี่ยนระดับไม่ถูกต้อง"),
        ("?q=" + "ก" * 101, "คำค้นหายาวได้ไม่เกิน 100 ตัวอักษร"),
    ],
)
def test_invalid_household_list_filters_get_a_thai_message(
    client, programme, province_viewer, query, message
):
    client.force_login(province_viewer)

    html = client.get(f"/dashboard/households/{query}").content.decode()

    assert message in html
    assert ">H1</a>" not in html


@pytest.mark.parametrize("page", ["officials/", "households/"])
@pytest.mark.parametrize("number", ["abc", "0", "-1", "99999", "1.5", "%E0%B8%81"])
def test_any_page_number_shows_a_page(client, programme, province_viewer, page, number):
    client.force_login(province_viewer)

    response = client.get(f"/dashboard/{page}?page={number}")

    assert response.status_code == 200
    assert "หน้า" in response.content.decode() or "ครัวเรือน" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?district=4001&district=4010",
        "?date_to=๑๕/๐๒/๒๕๖๘",  # Thai digits are read
        "?unknown=1&page=2",
        "?overdue=yes&jpt=no",
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_odd_but_harmless_urls_answer_200(client, programme, province_viewer, page, query):
    client.force_login(province_viewer)

    assert client.get(f"/dashboard/{page}{query}").status_code == 200


@pytest.mark.parametrize("table", ["nope", "..", "figures.csv"])
def test_an_unknown_table_is_404(client, programme, province_viewer, table):
    client.force_login(province_viewer)

    assert client.get(f"/dashboard/export/{table}.xlsx").status_code == 404


def test_an_export_with_an_invalid_filter_goes_back_to_the_page(client, programme, province_viewer):
    client.force_login(province_viewer)

    response = client.get("/dashboard/export/households.xlsx?level=9&q=x")

    assert response.status_code == 302
    assert response.url == "/dashboard/households/?level=9&q=x"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q": "a\x00b"}, "ค้นหารหัสหรือชื่อ: มีอักขระที่ใช้ไม่ได้"),
        ({"official": "\x00"}, "คู่เสี่ยว: ไม่พบเจ้าหน้าที่นี้ในขอบเขตงานของคุณ"),
        ({"district": "40\x0001"}, "อำเภอ: ไม่พบอำเภอนี้ในขอบเขตงานของคุณ"),
        ({"agency": "\x00"}, "หน่วยงานของคู่เสี่ยว: ไม่พบหน่วยงานนี้ในขอบเขตงานของคุณ"),
    ],
)
def test_a_nul_character_is_a_thai_message_even_past_the_middleware(
    programme, province_viewer, data, message
):
    """kuseaw.security refuses a NUL in the URL first; the form never sends one to SQL."""
    form = HouseholdListFilterForm(data, scope=scope_for(province_viewer))

    assert form.filters() is None
    assert message in form.error_messages_text()
