"""The case page: one household's profile, members, visits and aid, and its buddies."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import AidCategory, AidStatus, Cause, PovertyLevel, Relation, Sex, Status
from kuseaw.thaidate import format_be
from officials.models import EndReason
from tests import factories as f
from tests.html_checks import assert_page_ok


def years_ago(years: int) -> dt.date:
    """A birth date that makes someone `years` old today (a few weeks past the birthday)."""
    return timezone.localdate() - dt.timedelta(days=365 * years + years // 4 + 20)


def case_page(client, user, household) -> str:
    client.force_login(user)
    response = client.get(reverse("households:detail", args=[household.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    return html


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces collapsed, for phrases across tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def household(official_a):
    """A household official A looks after now: a head, a spouse, a child; 60,000 baht a year."""
    household = f.HouseholdFactory(
        code="KK-0001",
        house_no="12/3",
        village_no=5,
        village_name="โนนทัน",
        phone="0812345678",
        poverty_level=PovertyLevel.HARD,
        poverty_level_at_entry=PovertyLevel.STRUGGLING,
        cause=Cause.SELF_EXCLUDED,
        need_health=True,
        need_income=True,
        annual_income=Decimal("60000"),
        debts=Decimal("25000"),
        land_rai=Decimal("3.5"),
        livelihood_assets="วัว 2 ตัว บ่อน้ำ",
        consent_given=True,
        consent_date=dt.date(2024, 1, 20),
    )
    f.MemberFactory(
        household=household,
        first_name="บุญมี",
        last_name="ศรีสุข",
        national_id="1101700203450",
        birth_date=years_ago(52),
    )
    f.MemberFactory(
        household=household,
        title="นาง",
        first_name="คำปุน",
        last_name="ศรีสุข",
        sex=Sex.FEMALE,
        relation=Relation.SPOUSE,
        is_head=False,
        birth_date=years_ago(48),
    )
    f.MemberFactory(
        household=household,
        title="ด.ญ.",
        first_name="น้ำฝน",
        last_name="ศรีสุข",
        sex=Sex.FEMALE,
        relation=Relation.CHILD,
        is_head=False,
        national_id=None,
        birth_date=years_ago(9),
    )
    f.PairingFactory(official=official_a, household=household, started_on=dt.date(2024, 2, 1))
    return household


def test_official_sees_the_household_profile(client, official_a, household):
    text = text_of(case_page(client, official_a.user, household))

    assert "นายบุญมี ศรีสุข" in text
    assert "12/3 หมู่ 5 บ้านโนนทัน ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000" in text
    assert "0812345678" in text
    assert "อยู่ในโครงการ" in text
    assert "ปัจจุบัน: อยู่ยาก" in text
    assert "เมื่อเข้าโครงการ: อยู่ลำบาก" in text
    assert "ตัดโอกาสเอง" in text
    assert "ด้านสุขภาพ" in text
    assert "ด้านรายได้" in text
    assert "ด้านการศึกษา" not in text
    assert "วัว 2 ตัว บ่อน้ำ" in text
    assert "60,000 บาท" in text
    assert "25,000 บาท" in text
    assert "3.50 ไร่" in text
    assert "ยินยอมให้ใช้ข้อมูลเมื่อ 20 ม.ค. 2567" in text


def test_members_are_listed_with_ages_relations_and_masked_national_ids(
    client, official_a, household
):
    html = case_page(client, official_a.user, household)
    text = text_of(html)

    assert "สมาชิกครัวเรือน 3 คน" in text
    assert "หัวหน้าครัวเรือน · ชาย · อายุ 52 ปี" in text
    assert "คู่สมรส · หญิง · อายุ 48 ปี" in text
    assert "บุตร · หญิง · อายุ 9 ปี" in text
    assert "x-xxxx-xxxxx-45-0" in text
    assert "1101700203450" not in html
    assert "1-1017-00203-45-0" not in html


def test_members_who_moved_out_are_listed_apart(client, official_a, household):
    f.MemberFactory(
        household=household,
        first_name="ย้ายไป",
        relation=Relation.CHILD,
        is_head=False,
        left_on=dt.date(2024, 7, 1),
    )

    text = text_of(case_page(client, official_a.user, household))

    assert "สมาชิกครัวเรือน 3 คน" in text
    assert "ย้ายออกแล้ว 1 คน" in text
    assert "นายย้ายไป ใจดี (บุตร) ย้ายออกเมื่อ 1 ก.ค. 2567" in text
    assert text.index("ย้ายออกแล้ว") < text.index("นายย้ายไป")


def test_income_per_person_below_the_jpt_threshold_is_marked(client, official_a, household):
    text = text_of(case_page(client, official_a.user, household))

    # 60,000 baht for 3 people: 20,000 each, under the 38,000 of จปฐ.
    assert "20,000 บาท" in text
    assert "สมาชิก 3 คน" in text
    assert "เกณฑ์ จปฐ. 38,000 บาท/คน/ปี" in text
    assert "ต่ำกว่าเกณฑ์ จปฐ." in text


def test_income_per_person_above_the_threshold_is_not_marked(
    client, official_a, household, settings
):
    settings.KUSEAW_JPT_INCOME_THRESHOLDS = [(dt.date(2000, 1, 1), 15000)]

    text = text_of(case_page(client, official_a.user, household))

    assert "เกณฑ์ จปฐ. 15,000 บาท/คน/ปี" in text
    assert "ต่ำกว่าเกณฑ์ จปฐ." not in text
    assert "ผ่านเกณฑ์ จปฐ." in text


def test_timeline_mixes_visits_and_aid_newest_first(client, official_a, household):
    f.VisitFactory(
        household=household,
        official=official_a,
        visited_on=dt.date(2024, 3, 1),
        findings="เยี่ยมครั้งแรก",
    )
    f.VisitFactory(
        household=household,
        official=official_a,
        visited_on=dt.date(2024, 5, 1),
        findings="เยี่ยมครั้งที่สอง",
        next_follow_up=dt.date(2024, 6, 15),
    )
    f.AidRecordFactory(household=household, given_on=dt.date(2024, 4, 1), title="อบรมทำขนม")
    f.AidRecordFactory(household=household, given_on=dt.date(2024, 6, 1), title="พันธุ์ปลานิล")

    text = text_of(case_page(client, official_a.user, household))

    order = ["พันธุ์ปลานิล", "เยี่ยมครั้งที่สอง", "อบรมทำขนม", "เยี่ยมครั้งแรก"]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions)
    assert "1 พ.ค. 2567" in text
    assert "นัดติดตาม 15 มิ.ย. 2567" in text


def test_aid_shows_category_provider_value_and_status(client, official_a, household, agency_a):
    f.AidRecordFactory(
        household=household,
        category=AidCategory.WELFARE,
        title="เบี้ยผู้พิการ",
        agency=agency_a,
        value=Decimal("12000"),
        status=AidStatus.IN_PROGRESS,
    )
    f.AidRecordFactory(
        household=household,
        category=AidCategory.MARKET,
        title="ตลาดนัดชุมชน",
        partner="มหาวิทยาลัยขอนแก่น",
        value=Decimal("1500.60"),
        status=AidStatus.DONE,
        outcome="ขายผักได้ทุกสัปดาห์",
    )

    text = text_of(case_page(client, official_a.user, household))

    assert "ด้านสวัสดิการ" in text
    assert "เบี้ยผู้พิการ" in text
    assert f"ผู้ให้ {agency_a}" in text
    assert "มูลค่า 12,000 บาท" in text
    assert "สถานะ กำลังดำเนินการ" in text
    assert "ด้านการตลาด" in text
    assert "ผู้ให้ มหาวิทยาลัยขอนแก่น" in text
    assert "มูลค่า 1,501 บาท" in text
    assert "สถานะ เสร็จสิ้น" in text
    assert "ขายผักได้ทุกสัปดาห์" in text


def test_follow_up_status_shows_last_visit_and_marks(client, official_a, household):
    last = timezone.localdate() - dt.timedelta(days=45)
    f.VisitFactory(
        household=household,
        official=official_a,
        visited_on=last,
        next_follow_up=last + dt.timedelta(days=7),
    )

    text = text_of(case_page(client, official_a.user, household))

    assert f"เยี่ยมล่าสุด {format_be(last)} 45 วันที่แล้ว" in text
    assert "เกินกำหนดเยี่ยม" in text
    assert "เลยวันนัดติดตาม" in text


def test_pairing_history_shows_every_buddy_with_dates_and_reason(
    client, official_a, official_b, household
):
    earlier = f.HouseholdFactory(code="KK-0002")
    f.MemberFactory(household=earlier)
    f.PairingFactory(
        official=official_b,
        household=earlier,
        started_on=dt.date(2023, 6, 1),
        ended_on=dt.date(2024, 1, 31),
        end_reason=EndReason.OFFICIAL_TRANSFERRED,
    )
    f.PairingFactory(official=official_a, household=earlier, started_on=dt.date(2024, 2, 1))

    html = case_page(client, official_a.user, earlier)
    history = text_of(html.split('id="pairings-title"', 1)[1])

    assert history.index(official_a.full_name) < history.index(official_b.full_name)
    assert official_a.agency.name_th in history
    assert official_b.agency.name_th in history
    assert "1 ก.พ. 2567 – ปัจจุบัน" in history
    assert "1 มิ.ย. 2566 – 31 ม.ค. 2567" in history
    assert "เหตุที่สิ้นสุด: เจ้าหน้าที่ย้าย" in history


def action_urls(household, member):
    return {
        "log visit": reverse("households:visit_new", args=[household.pk]),
        "record aid": reverse("households:aid_new", args=[household.pk]),
        "edit": reverse("households:edit", args=[household.pk]),
        "add member": reverse("households:member_new", args=[household.pk]),
        "edit member": reverse("households:member_edit", args=[household.pk, member.pk]),
        "move out": reverse("households:member_move_out", args=[household.pk, member.pk]),
    }


def links_on(html: str, urls: dict) -> set[str]:
    return {name for name, url in urls.items() if f'href="{url}"' in html}


def test_current_buddy_sees_every_action(client, official_a, household):
    aid = f.AidRecordFactory(household=household)
    spouse = household.members.get(relation=Relation.SPOUSE)

    html = case_page(client, official_a.user, household)

    assert links_on(html, action_urls(household, spouse)) == {
        "log visit",
        "record aid",
        "edit",
        "add member",
        "edit member",
        "move out",
    }
    assert f'action="{reverse("households:aid_update", args=[household.pk, aid.pk])}"' in html


def test_head_has_no_move_out_link(client, official_a, household):
    head = household.members.get(is_head=True)

    html = case_page(client, official_a.user, household)

    assert "edit member" in links_on(html, action_urls(household, head))
    assert "move out" not in links_on(html, action_urls(household, head))


def test_earlier_buddy_can_read_but_gets_no_action_links(client, official_a, official_b):
    household = f.HouseholdFactory()
    member = f.MemberFactory(household=household)
    f.PairingFactory(
        official=official_a,
        household=household,
        started_on=dt.date(2023, 1, 1),
        ended_on=dt.date(2024, 1, 1),
        end_reason=EndReason.REASSIGNED,
    )
    f.PairingFactory(official=official_b, household=household, started_on=dt.date(2024, 1, 2))
    f.AidRecordFactory(household=household)

    html = case_page(client, official_a.user, household)

    assert "ผู้ใช้" in html  # the page itself is there
    assert links_on(html, action_urls(household, member)) == set()
    assert "aid-update-" not in html  # no inline form to change the aid's status


@pytest.mark.parametrize("persona", ["province_viewer", "district_staff", "coordinator_a"])
def test_reviewers_see_the_case_but_no_edit_links(client, request, persona, household):
    f.AidRecordFactory(household=household)
    user = request.getfixturevalue(persona)
    member = household.members.get(is_head=True)

    html = case_page(client, user, household)

    assert "นายบุญมี ศรีสุข" in html
    assert links_on(html, action_urls(household, member)) == set()
    assert "aid-update-" not in html


def test_admin_may_record_aid_and_edit_but_not_log_visits(client, admin_user, household):
    member = household.members.get(is_head=True)

    html = case_page(client, admin_user, household)

    assert links_on(html, action_urls(household, member)) == {
        "record aid",
        "edit",
        "add member",
        "edit member",
    }


def fill_case_file(household, officials, size):
    """`size` more members (one moved out), visits by several officials, aid of both kinds."""
    for n in range(size):
        f.MemberFactory(household=household, relation=Relation.CHILD, is_head=False)
        f.VisitFactory(household=household, official=officials[n % len(officials)])
        f.AidRecordFactory(household=household, agency=officials[n % len(officials)].agency)
        f.AidRecordFactory(household=household, partner=f"ภาคี {n}", status=AidStatus.DONE)
    f.MemberFactory(
        household=household, is_head=False, relation=Relation.OTHER, left_on=dt.date(2024, 1, 1)
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["official_a", "province_viewer"])
def test_case_page_query_count_does_not_grow_with_the_case_file(
    client, request, persona, official_a, official_b
):
    viewer = request.getfixturevalue(persona)
    client.force_login(getattr(viewer, "user", viewer))  # officials log in as their user
    small = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=small)
    fill_case_file(small, [official_a], 1)
    large = f.PairingFactory(official=official_a).household
    f.PairingFactory(
        official=official_b,
        household=large,
        started_on=dt.date(2023, 1, 1),
        ended_on=dt.date(2024, 1, 31),
        end_reason=EndReason.REASSIGNED,
    )
    f.MemberFactory(household=large)
    fill_case_file(large, [official_a, official_b], 8)

    few = count_queries(client, reverse("households:detail", args=[small.pk]))
    many = count_queries(client, reverse("households:detail", args=[large.pk]))

    assert many == few


def test_case_page_of_a_graduated_household_shows_its_status(client, province_viewer):
    household = f.HouseholdFactory(status=Status.GRADUATED, annual_income=Decimal("0"))

    text = text_of(case_page(client, province_viewer, household))

    assert "พ้นเส้นความยากจน" in text
    assert "ยังไม่มีข้อมูลสมาชิก" in text
    assert "คำนวณไม่ได้ (ยังไม่มีสมาชิก)" in text
    assert "ยังไม่มีบันทึกการเยี่ยมหรือการช่วยเหลือ" in text
    assert "ยังไม่มีคู่เสี่ยวดูแล" in text
