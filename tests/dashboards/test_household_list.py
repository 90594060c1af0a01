"""The household list every drill-down ends in: filters, search, paging, no national IDs."""

import re

import pytest

from tests import factories as f
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


def codes(client, query=""):
    response = client.get(f"/dashboard/households/{query}")
    assert response.status_code == 200
    return re.findall(r'href="/households/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def province(client, programme, province_viewer):
    client.force_login(province_viewer)
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["H1", "H2", "H3", "H4", "H5", "H6"]),
        ("?district=4010", ["H4", "H5", "H6"]),
        ("?agency=DOE", ["H4"]),
        ("?pairing=paired", ["H1", "H2", "H4"]),
        ("?pairing=unpaired", ["H3"]),
        ("?overdue=1", ["H2", "H4"]),
        ("?jpt=1", ["H1", "H4", "H5"]),
        ("?level=2", ["H2", "H4", "H6"]),
        ("?change=better", ["H1", "H4", "H5"]),
        ("?change=worse", ["H3"]),
        ("?change=same", ["H2", "H6"]),
        ("?status=graduated", ["H5"]),
        ("?district=4001&overdue=1", ["H2"]),
        ("?q=h4", ["H4"]),
        ("?q=หัวหน้าH2", ["H2"]),  # the head's first name
        ("?q=ไม่มีใครชื่อนี้", []),
    ],
)
def test_each_filter_narrows_the_list(province, query, expected):
    assert codes(province, query) == expected


def test_each_row_opens_the_case_page_and_shows_no_national_id(province, programme):
    response = province.get("/dashboard/households/?pairing=paired")

    html = response.content.decode()
    assert_page_ok(html)
    h1 = programme.households["H1"]
    assert f'href="/households/{h1.pk}/">H1</a>' in html
    assert "หัวหน้าH1 ทดสอบ" in html
    head_id = h1.members.get(is_head=True).national_id
    assert head_id not in html and head_id[-4:] not in html.replace(" ", "")
    assert f"คู่เสี่ยว {programme.official_a.full_name}" in html
    assert "เยี่ยมล่าสุด" in html


def test_the_list_pages_50_at_a_time_and_keeps_the_filters(province):
    for n in range(55):
        f.HouseholdFactory(code=f"P{n:03d}", subdistrict=f.subdistrict("401001"))

    first = province.get("/dashboard/households/?district=4010").content.decode()
    second = province.get("/dashboard/households/?district=4010&page=2").content.decode()

    assert "ครัวเรือน 58 ครัวเรือน" in first
    assert len(re.findall(r'href="/households/\d+/"', first)) == 50
    assert len(re.findall(r'href="/households/\d+/"', second)) == 8
    assert "?district=4010&amp;page=2" in first


def test_filters_show_as_a_form_with_labels(province):
    html = province.get("/dashboard/households/?level=1").content.decode()

    assert_page_ok(html)
    assert '<option value="1" selected>อยู่ลำบาก</option>' in html
    assert 'id="household-filter"' in html
