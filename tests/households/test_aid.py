"""Recording aid for a household and moving it along from the case page."""

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import AidCategory, AidRecord, AidStatus
from kuseaw.thaidate import format_be
from tests import factories as f
from tests.html_checks import assert_page_ok


@pytest.fixture
def household(official_a):
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household)
    return household


@pytest.fixture
def logged_in(client, official_a):
    client.force_login(official_a.user)
    return client


def aid_data(**overrides):
    data = {
        "category": AidCategory.CAREER,
        "title": "พันธุ์ไก่ไข่ 20 ตัวพร้อมอาหาร",
        "agency": "",
        "partner": "",
        "given_on": format_be(timezone.localdate() - dt.timedelta(days=2), "numeric"),
        "value": "3500",
        "status": AidStatus.PLANNED,
        "token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


def page_of(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    return html


def test_aid_form_starts_with_todays_date_and_lists_agencies(logged_in, household, agency_a):
    html = page_of(logged_in.get(reverse("households:aid_new", args=[household.pk])))

    today = format_be(timezone.localdate(), "numeric")
    assert f'name="given_on" value="{today}"' in html
    assert f'<option value="{agency_a.pk}">{agency_a}</option>' in html
    assert "– ไม่ใช่หน่วยงานในรายชื่อ –" in html


def test_official_records_aid_from_an_agency(logged_in, household, agency_a, official_a):
    url = reverse("households:aid_new", args=[household.pk])

    response = logged_in.post(url, aid_data(agency=agency_a.pk))

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])
    aid = AidRecord.objects.get(household=household)
    assert aid.agency == agency_a
    assert aid.value == Decimal("3500")
    assert aid.given_on == timezone.localdate() - dt.timedelta(days=2)
    assert aid.created_by == official_a.user
    case_page = page_of(logged_in.get(response.url))
    assert "บันทึกการช่วยเหลือเรียบร้อยแล้ว" in case_page
    assert "พันธุ์ไก่ไข่ 20 ตัวพร้อมอาหาร" in case_page


def test_official_records_aid_from_a_partner_once_even_if_sent_twice(logged_in, household):
    url = reverse("households:aid_new", args=[household.pk])
    data = aid_data(partner="บริษัท มิตรผล จำกัด")

    logged_in.post(url, data)
    logged_in.post(url, data)

    aid = AidRecord.objects.get(household=household)
    assert aid.partner == "บริษัท มิตรผล จำกัด"
    assert aid.provider == "บริษัท มิตรผล จำกัด"


def test_aid_without_agency_or_partner_is_refused_in_thai(logged_in, household):
    url = reverse("households:aid_new", args=[household.pk])

    html = page_of(logged_in.post(url, aid_data()))

    assert "ระบุหน่วยงานหรือภาคีผู้ให้การช่วยเหลืออย่างน้อยหนึ่งอย่าง" in html
    assert "พันธุ์ไก่ไข่ 20 ตัวพร้อมอาหาร" in html  # what was typed is still there
    assert not AidRecord.objects.exists()


def inline_form(html: str, aid) -> tuple[str, dict]:
    """The action and field names of the aid's status form on the case page."""
    form = re.search(rf'<form[^>]*id="aid-update-{aid.pk}".*?</form>', html, re.S)
    assert form, "no status form for this aid"
    action = re.search(r'action="([^"]+)"', form.group(0)).group(1)
    names = re.findall(r'name="([^"]+)"', form.group(0))
    return action, names


def test_official_marks_aid_done_with_an_outcome_from_the_case_page(logged_in, household):
    aid = f.AidRecordFactory(household=household, partner="มหาวิทยาลัยขอนแก่น")
    other = f.AidRecordFactory(household=household, partner="ธ.ก.ส.")
    case_url = reverse("households:detail", args=[household.pk])
    action, names = inline_form(page_of(logged_in.get(case_url)), aid)
    assert action == reverse("households:aid_update", args=[household.pk, aid.pk])
    assert {f"aid{aid.pk}-status", f"aid{aid.pk}-outcome"} <= set(names)

    response = logged_in.post(
        action,
        {f"aid{aid.pk}-status": AidStatus.DONE, f"aid{aid.pk}-outcome": "ไก่ออกไข่วันละ 15 ฟอง"},
    )

    assert response.status_code == 302
    assert response.url == case_url
    aid.refresh_from_db()
    assert aid.status == AidStatus.DONE
    assert aid.outcome == "ไก่ออกไข่วันละ 15 ฟอง"
    other.refresh_from_db()
    assert other.status == AidStatus.PLANNED
    html = page_of(logged_in.get(case_url))
    assert "เป็นเสร็จสิ้นแล้ว" in html
    assert "ไก่ออกไข่วันละ 15 ฟอง" in html


def test_aid_status_form_with_an_unknown_status_is_shown_again(logged_in, household):
    aid = f.AidRecordFactory(household=household, partner="ธ.ก.ส.")
    url = reverse("households:aid_update", args=[household.pk, aid.pk])

    html = page_of(logged_in.post(url, {f"aid{aid.pk}-status": "lost"}))

    assert "ปรับสถานะการช่วยเหลือ" in html
    assert "เลือกตัวเลือกที่ถูกต้อง" in html
    aid.refresh_from_db()
    assert aid.status == AidStatus.PLANNED


def test_aid_of_another_household_via_url_is_404(logged_in, household, official_b):
    others = f.PairingFactory(official=official_b).household
    their_aid = f.AidRecordFactory(household=others, partner="ธ.ก.ส.")
    url = reverse("households:aid_update", args=[household.pk, their_aid.pk])
    data = {f"aid{their_aid.pk}-status": AidStatus.CANCELLED, f"aid{their_aid.pk}-outcome": "x"}

    assert logged_in.get(url).status_code == 404
    assert logged_in.post(url, data).status_code == 404
    their_aid.refresh_from_db()
    assert their_aid.status == AidStatus.PLANNED


def test_aid_of_a_household_the_official_does_not_look_after_is_404(logged_in, official_b):
    others = f.PairingFactory(official=official_b).household
    their_aid = f.AidRecordFactory(household=others, partner="ธ.ก.ส.")
    url = reverse("households:aid_update", args=[others.pk, their_aid.pk])

    new_aid = reverse("households:aid_new", args=[others.pk])

    assert logged_in.get(url).status_code == 404
    assert logged_in.post(new_aid, aid_data(partner="ธ.ก.ส.")).status_code == 404
    assert AidRecord.objects.count() == 1
