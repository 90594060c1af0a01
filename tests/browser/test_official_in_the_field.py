"""An official's day in the field, on a phone: log in, visit, record aid, slips and all."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import AidRecord, AidStatus, Visit, VisitKind
from kuseaw.thaidate import format_be
from tests import factories as f
from tests.browser.live import LIVE_SERVER_TEST, PASSWORD, assert_fits_phone, expect

pytestmark = LIVE_SERVER_TEST

SAVED_VISIT = "บันทึกการเยี่ยมเรียบร้อยแล้ว"


@pytest.fixture
def day(transactional_db):
    """An official of พช. in Mueang Khon Kaen with two households paired to them.

    The first one was visited 40 days ago and had aid last month.
    """
    today = timezone.localdate()
    official = f.OfficialFactory(
        agency=f.AgencyFactory(code="CDD"),
        user__username="somsri",
        user__first_name="สมศรี",
        user__last_name="ขยันเยี่ยม",
    )
    households = []
    for code, first_name, last_name in [
        ("KK-0001", "บุญมี", "ศรีสุข"),
        ("KK-0002", "ทองใบ", "ดีงาม"),
    ]:
        household = f.HouseholdFactory(code=code)
        f.MemberFactory(household=household, first_name=first_name, last_name=last_name)
        f.PairingFactory(official=official, household=household)
        households.append(household)
    f.VisitFactory(
        household=households[0],
        official=official,
        visited_on=today - dt.timedelta(days=40),
        findings="เยี่ยมครั้งก่อน ลูกสาวเพิ่งได้งานโรงงาน",
    )
    f.AidRecordFactory(household=households[0], given_on=today - dt.timedelta(days=30))
    return SimpleNamespace(
        official=official, household=households[0], other=households[1], today=today
    )


def numeric(day: dt.date) -> str:
    """A date as the official types it: 21/11/2569."""
    return format_be(day, "numeric")


def log_in(page, username: str) -> None:
    """Through the real login form; an official lands on their households."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).to_have_url(re.compile(r"/households/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ครัวเรือนของฉัน")


def case_url(household) -> str:
    return reverse("households:detail", args=[household.pk])


def visit_url(household) -> str:
    return reverse("households:visit_new", args=[household.pk])


def action_bar(page):
    """The case page's buttons under the name («สิ่งที่ควรทำต่อไป» may repeat one of them)."""
    return page.get_by_role("navigation", name="สิ่งที่ทำได้กับครัวเรือนนี้")


def timeline(page):
    return page.get_by_role("region", name="การเยี่ยมและการช่วยเหลือ").get_by_role("listitem")


def save_visit(page) -> None:
    page.get_by_role("button", name="บันทึกการเยี่ยม").click()


def assert_thumb_sized(locator) -> None:
    """Every one of these is at least 44px tall (kuseaw.css --kuseaw-tap)."""
    heights = [box["height"] for box in (e.bounding_box() for e in locator.all()) if box]
    assert heights and min(heights) >= 44, heights


def test_official_logs_a_visit_from_my_households(page, day):
    log_in(page, "somsri")
    page.get_by_role("link", name=re.compile("บุญมี")).click()
    expect(page).to_have_url(re.compile(f"{case_url(day.household)}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("บุญมี ศรีสุข")

    action_bar(page).get_by_role("link", name="บันทึกการเยี่ยม").click()
    expect(page).to_have_url(re.compile(f"{visit_url(day.household)}$"))
    page.get_by_label("วันที่เยี่ยม").fill(numeric(day.today))
    page.get_by_label("โทรศัพท์", exact=True).check()
    page.get_by_label("สิ่งที่พบ").fill("ป้าบุญมีปลูกผักขายได้ วันละ 200 บาท")
    save_visit(page)

    expect(page).to_have_url(re.compile(f"{case_url(day.household)}$"))
    expect(page.get_by_role("status")).to_contain_text(SAVED_VISIT)
    newest = timeline(page).first
    expect(newest).to_contain_text("ป้าบุญมีปลูกผักขายได้ วันละ 200 บาท")
    expect(newest).to_contain_text(format_be(day.today))
    expect(newest).to_contain_text("โทรศัพท์")
    expect(newest).to_contain_text("สมศรี ขยันเยี่ยม")
    visit = Visit.objects.get(household=day.household, visited_on=day.today)
    assert (visit.kind, visit.official, visit.created_by) == (
        VisitKind.PHONE,
        day.official,
        day.official.user,
    )


def test_official_records_aid_then_marks_it_done(page, day):
    log_in(page, "somsri")
    page.goto(case_url(day.household))
    page.get_by_role("link", name="บันทึกการช่วยเหลือ").click()
    page.get_by_label("อาชีพ", exact=True).check()
    page.get_by_label("รายการช่วยเหลือ").fill("เมล็ดพันธุ์ผักสวนครัว")
    agency = str(day.official.agency)  # พช.ขก.
    page.get_by_label("หน่วยงานที่ให้การช่วยเหลือ").select_option(label=agency)
    page.get_by_label("วันที่").fill(numeric(day.today))
    page.get_by_label("มูลค่า").fill("1500")
    page.get_by_label("สถานะ").select_option(label="วางแผน")
    page.get_by_role("button", name="บันทึกการช่วยเหลือ").click()

    expect(page).to_have_url(re.compile(f"{case_url(day.household)}$"))
    expect(page.get_by_role("status")).to_contain_text("บันทึกการช่วยเหลือเรียบร้อยแล้ว")
    aid = AidRecord.objects.get(household=day.household, title="เมล็ดพันธุ์ผักสวนครัว")
    assert (aid.status, aid.value, aid.provider) == (AidStatus.PLANNED, Decimal("1500"), agency)
    entry = timeline(page).filter(has_text="เมล็ดพันธุ์ผักสวนครัว")
    expect(entry).to_contain_text("วางแผน")
    expect(entry).to_contain_text("1,500 บาท")

    entry.locator("summary").click()  # "ปรับสถานะ" opens the small form under the entry
    entry.get_by_label("สถานะ").select_option(label="เสร็จสิ้น")
    entry.get_by_label("ผลที่เกิดขึ้น").fill("ปลูกแล้ว เก็บขายได้สัปดาห์ละ 300 บาท")
    entry.get_by_role("button", name="ปรับสถานะ", exact=True).click()

    expect(page).to_have_url(re.compile(f"{case_url(day.household)}$"))
    expect(page.get_by_role("status")).to_contain_text("ปรับสถานะ «เมล็ดพันธุ์ผักสวนครัว» เป็นเสร็จสิ้นแล้ว")
    entry = timeline(page).filter(has_text="เมล็ดพันธุ์ผักสวนครัว")
    expect(entry.locator(".badge", has_text="เสร็จสิ้น")).to_be_visible()
    expect(entry).to_contain_text("ปลูกแล้ว เก็บขายได้สัปดาห์ละ 300 บาท")
    aid.refresh_from_db()
    assert (aid.status, aid.outcome) == (AidStatus.DONE, "ปลูกแล้ว เก็บขายได้สัปดาห์ละ 300 บาท")


def test_visit_form_sent_twice_makes_one_visit(page, day):
    """Two POSTs of the same form, at the same time, as a phone on a bad line might send."""
    log_in(page, "somsri")
    page.goto(visit_url(day.other))
    page.get_by_label("สิ่งที่พบ").fill("ส่งสองครั้ง")
    posts = []
    page.on("request", lambda request: posts.append(request.post_data_buffer) or None)

    results = page.evaluate(
        """async () => {
          const form = document.getElementById("visit-form");
          const body = new URLSearchParams(new FormData(form));  // the form's own encoding
          const send = () => fetch(form.action, {method: "POST", body});
          const responses = await Promise.all([send(), send()]);
          return responses.map((r) => [r.status, new URL(r.url).pathname]);
        }"""
    )

    assert results == [[200, case_url(day.other)]] * 2  # both redirected to the case page
    sent = [body for body in posts if body]
    assert len(sent) == 2 and sent[0] == sent[1]  # the same token, really sent twice
    assert Visit.objects.filter(household=day.other).count() == 1
    page.goto(case_url(day.other))
    expect(timeline(page)).to_have_count(1)
    expect(timeline(page)).to_contain_text("ส่งสองครั้ง")


def test_double_tap_on_save_makes_one_visit(page, day):
    log_in(page, "somsri")
    page.goto(visit_url(day.other))
    page.get_by_label("สิ่งที่พบ").fill("แตะปุ่มบันทึกสองครั้ง")
    page.get_by_role("button", name="บันทึกการเยี่ยม").dblclick()

    expect(page).to_have_url(re.compile(f"{case_url(day.other)}$"))
    expect(timeline(page)).to_have_count(1)
    assert Visit.objects.filter(household=day.other).count() == 1


def test_visit_form_with_errors_keeps_what_was_typed(page, day):
    log_in(page, "somsri")
    page.goto(visit_url(day.household))
    tomorrow = day.today + dt.timedelta(days=1)
    page.get_by_label("วันที่เยี่ยม").fill(numeric(tomorrow))
    page.get_by_label("โทรศัพท์", exact=True).check()
    page.get_by_label("ความต้องการที่พบ").fill("อยากได้ถังเก็บน้ำฝน")
    page.get_by_label("รายได้ที่แจ้ง").fill("3500")
    save_visit(page)  # the findings are left empty

    expect(page.get_by_role("alert")).to_contain_text("บันทึกไม่สำเร็จ")
    # Each message sits with its field and is tied to it for screen readers.
    for label, message in [
        ("วันที่เยี่ยม", "วันที่ต้องไม่เลยวันนี้"),
        ("สิ่งที่พบ", "กรุณากรอกข้อมูลช่องนี้"),
    ]:
        field = page.get_by_label(label)
        expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(field).to_have_accessible_description(re.compile(message))
        expect(page.locator(f"#div_{field.get_attribute('id')}")).to_contain_text(message)
    expect(page.get_by_label("วันที่เยี่ยม")).to_have_value(numeric(tomorrow))
    expect(page.get_by_label("โทรศัพท์", exact=True)).to_be_checked()
    expect(page.get_by_label("ความต้องการที่พบ")).to_have_value("อยากได้ถังเก็บน้ำฝน")
    expect(page.get_by_label("รายได้ที่แจ้ง")).to_have_value("3500")
    assert not Visit.objects.filter(household=day.household, visited_on__gte=day.today).exists()

    page.get_by_label("วันที่เยี่ยม").fill(numeric(day.today))
    page.get_by_label("สิ่งที่พบ").fill("แก้วันที่แล้ว")
    save_visit(page)

    expect(page.get_by_role("status")).to_contain_text(SAVED_VISIT)
    visit = Visit.objects.get(household=day.household, visited_on=day.today)
    assert (visit.kind, visit.needs_observed, visit.income_reported) == (
        VisitKind.PHONE,
        "อยากได้ถังเก็บน้ำฝน",
        Decimal("3500"),
    )


def test_visit_form_by_keyboard_alone(page, day):
    log_in(page, "somsri")
    page.goto(visit_url(day.household))
    keyboard = page.keyboard
    focused = page.locator("*:focus")

    keyboard.press("Tab")
    expect(focused).to_have_text("ข้ามไปยังเนื้อหา")  # the skip link is the first stop
    keyboard.press("Enter")
    keyboard.press("Tab")
    expect(page.get_by_label("วันที่เยี่ยม")).to_be_focused()  # past the menu, into the form
    keyboard.press("Control+A")
    yesterday = day.today - dt.timedelta(days=1)
    keyboard.type(numeric(yesterday))
    keyboard.press("Tab")
    expect(page.get_by_label("เยี่ยมบ้าน", exact=True)).to_be_focused()
    keyboard.press("ArrowDown")  # arrows move through a radio group, Space ticks
    keyboard.press("Space")
    expect(page.get_by_label("โทรศัพท์", exact=True)).to_be_checked()
    keyboard.press("Tab")
    expect(page.get_by_label("สิ่งที่พบ")).to_be_focused()
    keyboard.type("โทรคุยกับลุงทองใบ สบายดี")
    keyboard.press("Tab")
    keyboard.press("Tab")
    expect(page.get_by_label("รายได้ที่แจ้ง")).to_be_focused()
    keyboard.type("2800")
    keyboard.press("Tab")
    keyboard.type(numeric(day.today + dt.timedelta(days=14)))
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="บันทึกการเยี่ยม")).to_be_focused()
    keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(SAVED_VISIT)
    visit = Visit.objects.get(household=day.household, visited_on=yesterday)
    assert (visit.kind, visit.findings, visit.income_reported, visit.next_follow_up) == (
        VisitKind.PHONE,
        "โทรคุยกับลุงทองใบ สบายดี",
        Decimal("2800"),
        day.today + dt.timedelta(days=14),
    )


def test_phone_screenshots(page, day, screenshots):
    """Pictures of the main screens at 390×844 for a person to look at; none scrolls sideways."""
    f.AidRecordFactory(household=day.household, partner="มหาวิทยาลัยขอนแก่น", agency=None)
    log_in(page, "somsri")
    page.screenshot(path=screenshots / "mine.png", full_page=True)
    assert_fits_phone(page)

    page.goto(visit_url(day.household))
    page.screenshot(path=screenshots / "visit-form.png")
    page.screenshot(path=screenshots / "visit-form-full.png", full_page=True)
    assert_fits_phone(page)
    assert_thumb_sized(page.locator(".form-check-label"))  # the visit's kind
    assert_thumb_sized(page.locator(".form-control, .btn"))
    page.get_by_label("วันที่เยี่ยม").fill(numeric(day.today + dt.timedelta(days=1)))
    save_visit(page)
    expect(page.get_by_role("alert")).to_contain_text("บันทึกไม่สำเร็จ")
    page.screenshot(path=screenshots / "visit-form-errors.png", full_page=True)
    assert_fits_phone(page)

    page.get_by_label("วันที่เยี่ยม").fill(numeric(day.today))
    page.get_by_label("สิ่งที่พบ").fill("ครอบครัวอยู่บ้านครบ ลูกชายคนโตกลับจากกรุงเทพฯ มาช่วยทำนา")
    save_visit(page)
    expect(page.get_by_role("status")).to_contain_text(SAVED_VISIT)
    page.screenshot(path=screenshots / "case.png")
    page.screenshot(path=screenshots / "case-full.png", full_page=True)
    assert_fits_phone(page)
    page.locator("summary").first.click()
    page.screenshot(path=screenshots / "case-aid-update.png", full_page=True)
    assert_fits_phone(page)

    page.goto(reverse("households:edit", args=[day.household.pk]))
    page.screenshot(path=screenshots / "household-form-full.png", full_page=True)
    assert_fits_phone(page)
    assert_thumb_sized(page.locator(".form-check-label"))  # needs and consent checkboxes


def test_demo_official_logs_in_with_the_demo_password_and_logs_a_visit(page, transactional_db):
    """The README's demo login, on (small) seed_demo data."""
    from households.demo.builder import demo_data_seed

    demo_data_seed(households=30, officials=10, seed=3)
    today = timezone.localdate()
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("demo-official")
    page.get_by_label("รหัสผ่าน").fill("kuseaw-demo")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).to_have_url(re.compile(r"/households/mine/$"))

    page.get_by_role("link", name="ดูแฟ้มครัวเรือน").first.click()
    action_bar(page).get_by_role("link", name="บันทึกการเยี่ยม").click()
    page.get_by_label("วันที่เยี่ยม").fill(numeric(today))
    page.get_by_label("สิ่งที่พบ").fill("เยี่ยมจากบัญชีทดลองของคู่เสี่ยว")
    save_visit(page)

    expect(page.get_by_role("status")).to_contain_text(SAVED_VISIT)
    expect(timeline(page).first).to_contain_text("เยี่ยมจากบัญชีทดลองของคู่เสี่ยว")
    assert Visit.objects.filter(
        official__user__username="demo-official", findings="เยี่ยมจากบัญชีทดลองของคู่เสี่ยว"
    ).exists()
