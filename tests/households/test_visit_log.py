"""Logging a visit from the field: the form, its Thai errors, and a resent form creating nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Visit
from tests import factories as f
from tests.html_checks import assert_page_ok
from tests.html_checks import field_error as error_of
from tests.post_data import be_numeric, visit_data


@pytest.fixture
def household(official_a):
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household, first_name="บุญมี")
    return household


@pytest.fixture
def url(household):
    return reverse("households:visit_new", args=[household.pk])


@pytest.fixture
def logged_in(client, official_a):
    client.force_login(official_a.user)
    return client


def page_of(response) -> str:
    html = response.content.decode()
    assert_page_ok(html)
    return html


def test_visit_form_starts_with_todays_date_in_buddhist_era(logged_in, url, household):
    response = logged_in.get(url)

    assert response.status_code == 200
    html = page_of(response)
    assert f'name="visited_on" value="{be_numeric(timezone.localdate())}"' in html
    assert household.code in html
    assert "นายบุญมี ใจดี" in html  # which household: the head's name
    assert re.search(r'<input type="hidden" name="token" value="[0-9a-f-]{36}"', html)
    assert f'href="{reverse("households:detail", args=[household.pk])}"' in html  # cancel


def test_official_logs_a_visit_and_returns_to_the_case_page(logged_in, url, household, official_a):
    response = logged_in.post(url, visit_data())

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])
    visit = Visit.objects.get(household=household)
    assert visit.official == official_a
    assert visit.created_by == official_a.user
    assert visit.visited_on == timezone.localdate() - dt.timedelta(days=1)
    assert visit.next_follow_up == timezone.localdate() + dt.timedelta(days=30)
    assert visit.findings == "ลูกสาวได้งานที่โรงงานในเมือง รายได้ดีขึ้น"
    assert str(visit.income_reported) == "4500.00"
    case_page = page_of(logged_in.get(response.url))
    assert "บันทึกการเยี่ยมเรียบร้อยแล้ว" in case_page
    assert "ลูกสาวได้งานที่โรงงานในเมือง" in case_page


def test_sending_the_same_form_twice_records_one_visit(logged_in, url, household):
    data = visit_data()

    first = logged_in.post(url, data)
    second = logged_in.post(url, data)

    assert first.status_code == second.status_code == 302
    assert Visit.objects.filter(household=household).count() == 1
    messages = page_of(logged_in.get(first.url)).count("บันทึกการเยี่ยมเรียบร้อยแล้ว")
    assert messages == 1


def test_two_different_forms_record_two_visits(logged_in, url, household):
    logged_in.post(url, visit_data())
    logged_in.post(url, visit_data(findings="เยี่ยมซ้ำ"))

    assert Visit.objects.filter(household=household).count() == 2


def test_visit_date_in_the_future_is_refused_and_typed_text_kept(logged_in, url, household):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = visit_data(visited_on=be_numeric(tomorrow), next_follow_up="")

    response = logged_in.post(url, data)

    assert response.status_code == 200
    html = page_of(response)
    assert error_of(html, "visited_on") == "วันที่ต้องไม่เลยวันนี้"
    assert f'name="visited_on" value="{be_numeric(tomorrow)}"' in html
    assert "ลูกสาวได้งานที่โรงงานในเมือง รายได้ดีขึ้น</textarea>" in html
    assert "อยากได้พันธุ์ผักสวนครัว</textarea>" in html
    assert 'name="income_reported" value="4500"' in html
    assert re.search(r'value="home"[^>]*\bchecked\b', html)
    assert not re.search(r'value="phone"[^>]*\bchecked\b', html)
    assert f'name="token" value="{data["token"]}"' in html  # a fixed form still counts once
    assert "บันทึกไม่สำเร็จ" in html
    assert not Visit.objects.exists()


def test_follow_up_before_the_visit_is_refused(logged_in, url, household):
    today = timezone.localdate()
    data = visit_data(
        visited_on=be_numeric(today - dt.timedelta(days=3)),
        next_follow_up=be_numeric(today - dt.timedelta(days=5)),
    )

    response = logged_in.post(url, data)

    assert response.status_code == 200
    html = page_of(response)
    assert error_of(html, "next_follow_up") == "วันนัดติดตามต้องไม่ก่อนวันที่เยี่ยม"
    assert html.count("วันนัดติดตามต้องไม่ก่อนวันที่เยี่ยม") == 1
    assert not Visit.objects.exists()


def test_missing_findings_and_unreadable_date_are_explained_in_thai(logged_in, url):
    response = logged_in.post(url, visit_data(visited_on="31/02/2567", findings=""))

    html = page_of(response)
    assert error_of(html, "visited_on") == "ไม่มีวันที่ «31/02/2567» ในปฏิทิน"
    assert error_of(html, "findings") == "กรุณากรอกข้อมูลช่องนี้"
    assert not Visit.objects.exists()
