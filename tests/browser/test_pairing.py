"""A coordinator closing the gap on a phone: pair a waiting household, see the count rise."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from households.models import PovertyLevel
from officials.models import Pairing
from officials.roles import Role
from tests import factories as f
from tests.browser.live import LIVE_SERVER_TEST, PASSWORD, assert_fits_phone, expect

pytestmark = LIVE_SERVER_TEST


@pytest.fixture
def gap(transactional_db, settings):
    """Coordinator สมชาย of พช.; their official สมศรี in Mueang looks after one household and
    has room for one more; two households in Mueang wait for a buddy."""
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    agency = f.AgencyFactory(code="CDD")
    coordinator = f.UserFactory(
        username="somchai", first_name="สมชาย", last_name="ประสานดี", role=Role.COORDINATOR
    )
    f.StaffProfileFactory(user=coordinator, agency=agency)
    official = f.OfficialFactory(
        agency=agency, user__username="somsri", user__first_name="สมศรี", user__last_name="ใจดี"
    )
    looked_after = f.HouseholdFactory(code="KK-0100")
    f.MemberFactory(household=looked_after, first_name="มานะ", last_name="อดทน")
    f.PairingFactory(official=official, household=looked_after)
    waiting = []
    for code, first_name, level in [
        ("KK-0101", "บุญมี", PovertyLevel.STRUGGLING),
        ("KK-0102", "ทองใบ", PovertyLevel.HARD),
    ]:
        household = f.HouseholdFactory(
            code=code, poverty_level=level, joined_on=dt.date(2024, 1, 15), need_income=True
        )
        f.MemberFactory(household=household, first_name=first_name, last_name="ศรีสุข")
        waiting.append(household)
    return SimpleNamespace(official=official, household=waiting[0], other=waiting[1])


def log_in_as_coordinator(page) -> None:
    page.goto("/")
    page.get_by_label("ชื่อผู้ใช้").fill("somchai")
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def paired_figure(page):
    return page.get_by_role("group", name="จับคู่แล้ว").locator(".kuseaw-figure")


def test_coordinator_pairs_a_household_and_sees_the_coverage_rise(page, gap, screenshots):
    log_in_as_coordinator(page)
    page.get_by_role("button", name="เปิดหรือปิดเมนู").click()  # the menu is folded on a phone
    page.get_by_role("link", name="จับคู่เสี่ยว").click()
    expect(page).to_have_url(re.compile(f"{reverse('pairing:index')}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("จับคู่เสี่ยว")
    before = int(paired_figure(page).inner_text())
    assert before == 1
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "pairing-index.png", full_page=True)

    page.get_by_role("link", name="ดูครัวเรือนที่รอคู่เสี่ยว").click()
    expect(page).to_have_url(re.compile(f"{reverse('pairing:unpaired')}$"))
    rows = page.get_by_role("listitem").filter(has_text="ศรีสุข")
    expect(rows.first).to_contain_text("บุญมี ศรีสุข")  # the poorest first
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "pairing-unpaired.png", full_page=True)
    page.get_by_role("link", name="จับคู่ ครัวเรือน KK-0101").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("จับคู่เสี่ยวให้ครัวเรือน KK-0101")
    official = gap.official
    page.get_by_label("เจ้าหน้าที่คู่เสี่ยว").select_option(
        label=f"{official.full_name} – {official.agency} อ.{official.district} (ว่าง 1)"
    )
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "pairing-pair-form.png", full_page=True)
    page.get_by_role("button", name="จับคู่", exact=True).click()

    expect(page).to_have_url(re.compile(f"{reverse('pairing:unpaired')}$"))  # back to the list
    expect(page.get_by_role("status")).to_contain_text("จับคู่ สมศรี ใจดี กับครัวเรือน KK-0101 แล้ว")
    expect(page.get_by_role("link", name="จับคู่ ครัวเรือน KK-0101")).to_have_count(0)
    page.get_by_role("link", name="ภาพรวมการจับคู่").click()
    expect(paired_figure(page)).to_have_text(str(before + 1))
    pairing = Pairing.objects.open().get(household=gap.household)
    assert (pairing.official, pairing.created_by.username) == (official, "somchai")


def test_suggestions_on_a_phone(page, gap, screenshots):
    """The proposal table scrolls inside its card; untick a line, apply the rest."""
    f.OfficialFactory(agency=gap.official.agency, user__first_name="สมพร")  # two more places
    log_in_as_coordinator(page)
    page.goto(reverse("pairing:suggest"))
    page.get_by_label("อำเภอ").select_option(label="เมืองขอนแก่น")
    page.get_by_role("button", name="ดูข้อเสนอการจับคู่").click()

    lines = page.get_by_role("checkbox")
    expect(lines).to_have_count(2)
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "pairing-suggest.png", full_page=True)
    page.get_by_label(re.compile("จับคู่ครัวเรือน KK-0102")).uncheck()
    page.get_by_role("button", name="จับคู่ตามรายการที่เลือก").click()

    expect(page).to_have_url(re.compile(f"{reverse('pairing:index')}$"))
    expect(page.get_by_role("status")).to_contain_text("จับคู่เรียบร้อยแล้ว 1 ครัวเรือน")
    assert Pairing.objects.open().filter(household=gap.household).exists()
    assert not Pairing.objects.open().filter(household=gap.other).exists()


def test_officials_list_fits_a_phone(page, gap, screenshots):
    log_in_as_coordinator(page)
    page.goto(reverse("pairing:officials"))
    expect(page.get_by_role("listitem").filter(has_text="สมศรี ใจดี")).to_contain_text("ว่าง 1")
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "pairing-officials.png", full_page=True)
