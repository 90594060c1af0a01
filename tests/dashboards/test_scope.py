"""Each role sees its own scope: a district never sees another district's numbers, not even
by editing the filters in the URL or downloading a table."""

import io

import pytest
from openpyxl import load_workbook

from tests.html_checks import assert_page_ok

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
OUT_OF_SCOPE = "ตัวกรองไม่ถูกต้อง จึงยังไม่แสดงตัวเลข"


def text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_district_staff_see_only_their_district(client, programme, district_staff):
    client.force_login(district_staff)

    html = text(client.get("/dashboard/districts/"))

    assert ">เมืองขอนแก่น</a>" in html
    assert "บ้านไผ่" not in html
    assert "5,000" not in html  # บ้านไผ่'s aid
    overview = text(client.get("/dashboard/"))
    assert "อำเภอเมืองขอนแก่น" in overview  # the scope under the title
    assert ">3</p>" in overview  # H1-H3


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "query",
    ["?district=4010", "?agency=DOE", "?district=4010&date_from=01/01/2500"],
)
def test_district_staff_cannot_reach_another_district_through_the_url(
    client, programme, district_staff, page, query
):
    client.force_login(district_staff)

    html = text(client.get(f"/dashboard/{page}{query}"))

    assert OUT_OF_SCOPE in html
    assert "ไม่พบ" in html and "ในขอบเขตงานของคุณ" in html
    for household in ("H4", "H5", "H6"):
        assert f">{household}</a>" not in html
    assert "5,000" not in html


def test_district_staff_cannot_pick_an_official_of_another_district(
    client, programme, district_staff
):
    client.force_login(district_staff)

    html = text(client.get(f"/dashboard/households/?official={programme.official_b.pk}"))

    assert "ไม่พบเจ้าหน้าที่นี้ในขอบเขตงานของคุณ" in html
    assert ">H4</a>" not in html


def test_district_staff_search_finds_nothing_outside_the_district(
    client, programme, district_staff
):
    client.force_login(district_staff)

    html = text(client.get("/dashboard/households/?q=H4"))

    assert "ครัวเรือน 0 ครัวเรือน" in html


@pytest.mark.parametrize("query", ["?district=4010", "?agency=DOE"])
def test_an_export_with_another_district_sends_back_to_the_page(
    client, programme, district_staff, query
):
    client.force_login(district_staff)

    response = client.get(f"/dashboard/export/districts.xlsx{query}")

    assert response.status_code == 302
    assert response.url == f"/dashboard/districts/{query}"


def test_district_staff_export_holds_only_their_district(client, programme, district_staff):
    client.force_login(district_staff)

    response = client.get("/dashboard/export/households.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert codes == ["H1", "H2", "H3"]


def test_coordinator_sees_households_ever_paired_to_the_agency(client, programme, coordinator_a):
    client.force_login(coordinator_a)

    html = text(client.get("/dashboard/households/"))

    assert ">H1</a>" in html and ">H2</a>" in html
    assert ">H3</a>" not in html and ">H4</a>" not in html
    agencies = text(client.get("/dashboard/agencies/"))
    assert "พช." in agencies or "พัฒนาชุมชน" in agencies
    assert "จัดหางาน" not in agencies


def test_coordinator_cannot_filter_to_another_agency(client, programme, coordinator_a):
    client.force_login(coordinator_a)

    html = text(client.get("/dashboard/?agency=DOE"))

    assert "ไม่พบหน่วยงานนี้ในขอบเขตงานของคุณ" in html


@pytest.mark.parametrize("page", PAGES[1:])
def test_officials_get_404_on_the_staff_pages(client, programme, official_a, page):
    client.force_login(official_a.user)

    assert client.get(f"/dashboard/{page}").status_code == 404
    assert client.get("/dashboard/export/districts.xlsx").status_code == 404


def test_official_may_download_their_own_summary(client, programme, official_a):
    client.force_login(official_a.user)

    response = client.get("/dashboard/export/figures.xlsx?district=4010")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["ครัวเรือนทั้งหมด"] == 2  # the filter in the URL does not apply to them


def test_users_without_a_role_get_404(client, db):
    from tests import factories as f

    client.force_login(f.UserFactory(username="nobody"))

    for page in PAGES:
        assert client.get(f"/dashboard/{page}").status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get("/dashboard/districts/?district=4001")

    assert response.status_code == 302
    assert response.url.startswith("/login/?next=/dashboard/districts/")


def test_old_overview_address_keeps_the_filters(client, programme, province_viewer):
    client.force_login(province_viewer)

    response = client.get("/households/overview/?district=4001")

    assert response.status_code == 302 and response.url == "/dashboard/?district=4001"


@pytest.mark.parametrize("persona", ["coordinator_a", "district_staff", "province_viewer"])
def test_every_page_is_well_formed_for_each_reviewer(client, programme, request, persona):
    client.force_login(request.getfixturevalue(persona))

    for page in PAGES:
        assert_page_ok(client.get(f"/dashboard/{page}").content.decode())
