"""The official's list of their households: a card per household, with what needs doing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kuseaw.thaidate import format_be
from officials.models import EndReason
from tests import factories as f
from tests.html_checks import assert_page_ok

MINE = "/households/mine/"


@pytest.fixture
def today():
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def my_household(official, code, head="มานะ", **kwargs):
    household = f.HouseholdFactory(code=code, **kwargs)
    f.MemberFactory(household=household, first_name=head)
    f.PairingFactory(official=official, household=household)
    return household


def visit(household, official, day, **kwargs):
    return f.VisitFactory(household=household, official=official, visited_on=day, **kwargs)


def open_my_households(client, official) -> str:
    client.force_login(official.user)
    response = client.get(MINE)
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    return html


def card_of(html: str, code: str) -> str:
    """The HTML of the one card that shows household `code`."""
    cards = [card.split("</article>")[0] for card in html.split("<article")[1:]]
    matching = [card for card in cards if code in card]
    assert len(matching) == 1, code
    return matching[0]


def test_card_shows_head_village_level_and_last_visit_in_buddhist_era(client, official_a):
    household = my_household(official_a, "HH-001", head="มานะ", village_name="โนนสว่าง")
    visit(household, official_a, days_ago(40))
    visit(household, official_a, days_ago(5))

    card = card_of(open_my_households(client, official_a), "HH-001")

    assert "นายมานะ ใจดี" in card
    assert "หมู่ 3 บ้านโนนสว่าง" in card
    assert "ต.ในเมือง อ.เมืองขอนแก่น" in card
    assert "อยู่ยาก" in card
    assert format_be(days_ago(5)) in card
    assert str(days_ago(5).year + 543) in card
    assert "5 วันที่แล้ว" in card
    assert format_be(days_ago(40)) not in card


def test_card_shows_the_next_follow_up_date(client, official_a, today):
    household = my_household(official_a, "HH-001")
    visit(household, official_a, days_ago(3), next_follow_up=today + dt.timedelta(days=10))

    card = card_of(open_my_households(client, official_a), "HH-001")

    assert format_be(today + dt.timedelta(days=10)) in card
    assert "เลยวันนัดติดตาม" not in card
    assert "เกินกำหนดเยี่ยม" not in card


def test_household_not_visited_within_the_limit_is_marked_overdue(client, official_a, settings):
    settings.KUSEAW_VISIT_OVERDUE_DAYS = 14
    on_time = my_household(official_a, "HH-ON-TIME")
    late = my_household(official_a, "HH-LATE")
    visit(on_time, official_a, days_ago(14))
    visit(late, official_a, days_ago(15))

    html = open_my_households(client, official_a)

    assert "เกินกำหนดเยี่ยม" not in card_of(html, "HH-ON-TIME")
    assert "เกินกำหนดเยี่ยม" in card_of(html, "HH-LATE")
    assert "15 วันที่แล้ว" in card_of(html, "HH-LATE")
    assert "ไม่ได้เยี่ยมเกิน 14 วัน" in html  # the mark is explained, not a bare colour


def test_household_never_visited_is_marked_overdue(client, official_a):
    my_household(official_a, "HH-NEW")

    card = card_of(open_my_households(client, official_a), "HH-NEW")

    assert "ยังไม่เคยเยี่ยม" in card
    assert "เกินกำหนดเยี่ยม" in card


def test_household_whose_follow_up_date_has_passed_is_marked(client, official_a):
    household = my_household(official_a, "HH-001")
    visit(household, official_a, days_ago(10), next_follow_up=days_ago(2))

    card = card_of(open_my_households(client, official_a), "HH-001")

    assert "เลยวันนัดติดตาม" in card
    assert "เกินกำหนดเยี่ยม" not in card
    assert format_be(days_ago(2)) in card


def test_households_needing_a_visit_come_first(client, official_a):
    fine = my_household(official_a, "HH-A-FINE")
    late = my_household(official_a, "HH-B-LATE")
    visit(fine, official_a, days_ago(1))
    visit(late, official_a, days_ago(60))

    html = open_my_households(client, official_a)

    assert html.index("HH-B-LATE") < html.index("HH-A-FINE")


def test_card_links_to_the_case_page_and_quick_actions(client, official_a):
    household = my_household(official_a, "HH-001")

    card = card_of(open_my_households(client, official_a), "HH-001")

    assert f'href="{reverse("households:detail", args=[household.pk])}"' in card
    visit_link = f'href="{reverse("households:visit_new", args=[household.pk])}">บันทึกการเยี่ยม'
    aid_link = f'href="{reverse("households:aid_new", args=[household.pk])}">บันทึกการช่วยเหลือ'
    assert visit_link in card
    assert aid_link in card


def test_only_the_officials_current_households_are_listed(client, official_a, official_b):
    my_household(official_a, "HH-MINE")
    handed_over = f.HouseholdFactory(code="HH-HANDED-OVER")
    f.PairingFactory(
        official=official_a,
        household=handed_over,
        ended_on=dt.date(2024, 6, 1),
        end_reason=EndReason.REASSIGNED,
    )
    my_household(official_b, "HH-OTHERS")
    f.HouseholdFactory(code="HH-NOBODY")

    html = open_my_households(client, official_a)

    assert "HH-MINE" in html
    assert html.count("<article") == 1
    for code in ("HH-HANDED-OVER", "HH-OTHERS", "HH-NOBODY"):
        assert code not in html
