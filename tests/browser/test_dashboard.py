"""demo-province on a phone and at a desk: open the overview, filter by a district, drill down
to a household's case page. The charts are SVG drawn by the server, nothing runs inline, and
nothing sticks out sideways on a 390px screen."""

import re

import pytest
from django.urls import reverse

from households.demo.builder import DEMO_PASSWORD, demo_data_seed
from households.models import Household
from tests.browser.live import LIVE_SERVER_TEST, PHONE_SCREEN, expect

pytestmark = LIVE_SERVER_TEST

SIZES = {
    "phone": PHONE_SCREEN,
    "desktop": {"width": 1280, "height": 800},
}


@pytest.fixture
def demo(transactional_db):
    """A small demo programme with its logins (demo-province among them)."""
    demo_data_seed(households=80, officials=24, seed=6)


def figure(page, label):
    return page.get_by_role("group", name=label).locator(".kuseaw-figure")


def assert_fits(page, width) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


@pytest.mark.parametrize("size", list(SIZES))
def test_province_filters_by_district_and_drills_down_to_a_household(
    page, demo, violations, screenshots, size
):
    width = SIZES[size]["width"]
    page.set_viewport_size(SIZES[size])
    page.goto("/")
    page.get_by_label("ชื่อผู้ใช้").fill("demo-province")
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()

    expect(page).to_have_url(re.compile(f"{reverse('dashboard:overview')}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ภาพรวม")
    expect(figure(page, "ครัวเรือนทั้งหมด")).to_have_text(str(Household.objects.count()))
    expect(page.locator("svg.kuseaw-chart-svg")).to_have_count(4)
    assert_fits(page, width)
    page.screenshot(path=screenshots / f"dashboard-overview-{size}.png", full_page=True)

    page.get_by_label("อำเภอ", exact=True).select_option(label="เมืองขอนแก่น")
    page.get_by_role("button", name="แสดง", exact=True).click()

    expect(page).to_have_url(re.compile(r"/dashboard/\?district=4001"))
    in_mueang = Household.objects.filter(subdistrict__district_id="4001").count()
    expect(figure(page, "ครัวเรือนทั้งหมด")).to_have_text(str(in_mueang))
    expect(page.get_by_text("อำเภอเมืองขอนแก่น", exact=True)).to_be_visible()  # the filter
    assert_fits(page, width)
    page.screenshot(path=screenshots / f"dashboard-mueang-{size}.png", full_page=True)

    for tab in ("รายอำเภอ", "รายหน่วยงาน", "รายเจ้าหน้าที่", "ความเคลื่อนไหว", "ภาพรวม"):
        tabs = page.get_by_role("navigation", name="หน้าภาพรวม")
        tabs.get_by_role("link", name=tab, exact=True).click()  # the filter goes along
        expect(page.get_by_role("heading", level=1)).to_have_text(tab)
        assert "district=4001" in page.url
        assert_fits(page, width)
    page.get_by_role("link", name=re.compile(r"ดูรายชื่อ\s*ครัวเรือนทั้งหมด")).click()

    expect(page).to_have_url(re.compile(r"/dashboard/households/\?district=4001$"))
    expect(page.get_by_role("heading", level=2, name=re.compile("ครัวเรือน"))).to_contain_text(
        str(in_mueang)
    )
    assert_fits(page, width)
    page.screenshot(path=screenshots / f"dashboard-households-{size}.png", full_page=True)
    first = Household.objects.filter(subdistrict__district_id="4001").order_by("code").first()
    page.get_by_role("link", name=first.code, exact=True).click()

    expect(page).to_have_url(re.compile(f"{reverse('households:detail', args=[first.pk])}$"))
    head = first.members.get(is_head=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(head.full_name)  # the case page
    assert violations == []


def test_the_overview_prints_without_the_filters(page, demo, screenshots):
    page.goto("/")
    page.get_by_label("ชื่อผู้ใช้").fill("demo-province")
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).to_have_url(re.compile(f"{reverse('dashboard:overview')}$"))

    page.emulate_media(media="print")

    expect(page.locator("#dashboard-filter")).to_be_hidden()
    expect(page.locator("svg.kuseaw-chart-svg").first).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    page.screenshot(path=screenshots / "dashboard-overview-print.png", full_page=True)
