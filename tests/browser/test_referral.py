"""A problem passed to a partner, on phones: the buddy refers it to the partner's job offer;
the partner's coordinator logs in, accepts it and marks it done; the buddy sees each step on
the household's timeline."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agencies.models import Need, OrganisationKind, Sector
from households.referrals.models import Offer, OfferKind, Referral, ReferralStatus
from officials.roles import Role
from tests import factories as f
from tests.browser.live import LIVE_SERVER_TEST, PASSWORD, assert_fits_phone, expect
from tests.cases.factories import ProblemFactory

pytestmark = LIVE_SERVER_TEST


@pytest.fixture
def referral_world(transactional_db):
    buddy = f.OfficialFactory(user__username="somsri", user__first_name="สมศรี")
    household = f.HouseholdFactory(code="KK-0200", subdistrict=f.subdistrict("400101"))
    f.MemberFactory(household=household, first_name="มานะ", last_name="อดทน", phone="0899990000")
    f.PairingFactory(official=buddy, household=household)
    problem = ProblemFactory(household=household, dimension=Need.INCOME, title="ไม่มีงานประจำ")
    partner = f.AgencyFactory(
        code="CHAMBER",
        name_th="หอการค้าจังหวัดขอนแก่น",
        short_name_th="หอการค้า",
        sector=Sector.PRIVATE,
        kind=OrganisationKind.FOUNDATION,
    )
    offer = Offer.objects.create(
        agency=partner,
        kind=OfferKind.JOB,
        title="พนักงานคลังสินค้า",
        capacity=3,
        needs=[Need.INCOME],
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    coordinator = f.UserFactory(username="chamber", first_name="วิไล", role=Role.COORDINATOR)
    f.StaffProfileFactory(user=coordinator, agency=partner)
    return SimpleNamespace(household=household, problem=problem, offer=offer)


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_a_referral_goes_from_the_buddy_to_the_partner_and_back(page, referral_world, screenshots):
    w = referral_world
    log_in(page, "somsri")
    page.goto(f"/households/{w.household.pk}/")
    page.locator(f"#problem-{w.problem.pk}").get_by_role("link", name="ข้อเสนอจากภาคี").click()
    offer = page.locator(f"#offer-{w.offer.pk}")
    expect(offer).to_contain_text("ช่วยปัญหาด้านรายได้")
    assert_fits_phone(page)
    offer.get_by_role("link", name="ส่งต่อให้หอการค้า").click()
    expect(page.get_by_role("status")).to_contain_text("ตามข้อเสนอ «พนักงานคลังสินค้า»")
    page.get_by_label("สิ่งที่ขอให้ช่วย").fill("คุณมานะขยัน พร้อมเริ่มงานสัปดาห์หน้า")
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "referral-send.png", full_page=True)
    page.get_by_role("button", name="ส่งต่อ", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("ส่งต่อถึงหอการค้าจังหวัดขอนแก่นแล้ว")
    referral = Referral.objects.get()

    log_in(page, "chamber")
    page.get_by_role("button", name="เปิดหรือปิดเมนู").click()
    page.get_by_role("link", name="เรื่องส่งต่อ").click()
    expect(page.get_by_role("heading", name="รอตอบรับ (1)")).to_be_visible()
    page.locator(f"#referral-{referral.pk}").click()
    expect(page.get_by_text("มานะ อดทน")).to_be_visible()
    expect(page.get_by_role("link", name="0899990000")).to_be_visible()
    assert_fits_phone(page)
    page.screenshot(path=screenshots / "referral-inbox-detail.png", full_page=True)
    page.get_by_role("button", name="รับเรื่อง").click()
    expect(page.locator("#referral-status")).to_have_text("รับเรื่องแล้ว")
    page.get_by_label("ผลการดำเนินการ").fill("เริ่มงานแล้ว ค่าจ้างวันละ 370 บาท")
    page.get_by_role("button", name="ดำเนินการเสร็จ").click()
    expect(page.locator("#referral-status")).to_contain_text("ดำเนินการเสร็จ")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE

    log_in(page, "somsri")
    page.goto(f"/households/{w.household.pk}/")
    steps = page.locator(f"#timeline-referral-{referral.pk}")
    expect(steps).to_contain_text("รับเรื่อง")
    expect(steps).to_contain_text("ดำเนินการเสร็จ")
    expect(steps).to_contain_text("เริ่มงานแล้ว ค่าจ้างวันละ 370 บาท")
    assert_fits_phone(page)
