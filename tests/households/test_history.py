"""Every change to a case file keeps who made it and when (django-pghistory triggers)."""

import datetime as dt
from decimal import Decimal

import pghistory

from households.history import household_history
from households.models import Household, Member
from households.services import household_update, member_move_out
from tests import factories as f


def test_profile_change_is_recorded_with_the_user_and_the_old_and_new_values(official_a):
    household = f.PairingFactory(official=official_a).household
    with pghistory.context(user=official_a.user.pk):
        household_update(household=household, data={"annual_income": Decimal("72000")})

    latest = next(e for e in household_history(household) if e.what == "แก้ไขครัวเรือน")
    assert latest.who == official_a.user.get_full_name()
    assert latest.what == "แก้ไขครัวเรือน"
    assert ("รายได้ครัวเรือนต่อปี (บาท)", "60,000.00", "72,000.00") in latest.changes


def test_member_changes_appear_in_the_household_history(official_a):
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household)
    child = f.MemberFactory(household=household, is_head=False, relation="child")
    with pghistory.context(user=official_a.user.pk):
        member_move_out(member=child, left_on=dt.date(2024, 6, 1), by=official_a.user)

    entries = household_history(household)
    # (A test runs in one transaction, so every event has the same time: find it by kind.)
    moved = next(e for e in entries if e.what == "แก้ไขสมาชิกครัวเรือน")
    assert moved.who == official_a.user.get_full_name()
    assert ("วันที่ย้ายออก", "–", "1 มิ.ย. 2567") in moved.changes
    assert [e.what for e in entries].count("เพิ่มสมาชิกครัวเรือน") == 2


def test_bulk_writes_are_recorded_too(db):
    household = f.HouseholdFactory()
    Member.objects.bulk_create(
        [Member(household=household, first_name="ก", last_name="ข", sex="f", relation="child")]
    )
    Household.objects.filter(pk=household.pk).update(poverty_level=3)
    whats = [e.what for e in household_history(household)]
    assert "เพิ่มสมาชิกครัวเรือน" in whats
    assert "แก้ไขครัวเรือน" in whats


def test_a_moment_in_the_history_is_shown_on_its_bangkok_day_and_time(db):
    # 23:30 UTC on 2 Dec is 06:30 on 3 Dec in Bangkok: the diff holds the moment as ISO text
    # in UTC, which must not be cut to its UTC date (a day early from 00:00 to 07:00 here).
    household = f.HouseholdFactory()
    moment = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)
    Household.objects.filter(pk=household.pk).update(anonymised_at=moment)

    change = next(e for e in household_history(household) if e.what == "แก้ไขครัวเรือน")
    assert change.changes == [("ปกปิดข้อมูลส่วนบุคคลเมื่อ", "–", "3 ธ.ค. 2569 06:30 น.")]


def test_national_ids_in_the_history_are_masked(official_a):
    household = f.PairingFactory(official=official_a).household
    member = f.MemberFactory(household=household, national_id=f.national_id_for(7))
    member.national_id = f.national_id_for(8)
    member.save()
    change = next(e for e in household_history(household) if e.what == "แก้ไขสมาชิกครัวเรือน")
    (label, old, new) = next(c for c in change.changes if c[0] == "เลขประจำตัวประชาชน")
    assert old.startswith("x-xxxx-xxxxx-") and new.startswith("x-xxxx-xxxxx-")
    assert f.national_id_for(7) not in str(change.changes)


def test_case_page_shows_who_changed_the_profile_through_the_app(client, official_a):
    from django.urls import reverse

    from households.forms import HouseholdForm

    household = f.PairingFactory(official=official_a).household
    client.force_login(official_a.user)
    data = {
        k: ("" if v is None else v)
        for k, v in HouseholdForm(instance=household).initial.items()
        if not isinstance(v, bool) or v
    }
    data["house_no"] = "99/1"
    response = client.post(reverse("households:edit", args=[household.pk]), data)
    assert response.status_code == 302

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert "ประวัติการแก้ไขข้อมูล" in page
    assert f"โดย {official_a.user.get_full_name()}" in page
    assert "บ้านเลขที่: " in page and "→ 99/1" in page
