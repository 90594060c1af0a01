"""A household official A looks after, with members who fit different indicators, and the
helpers to walk an assessment round through its pages as the buddy does."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from households.cases.models import Indicator, Round
from kuseaw.thaidate import format_be
from tests import factories as f


def text_of(html) -> str:
    if isinstance(html, bytes):
        html = html.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def today_be() -> str:
    return format_be(timezone.localdate(), "numeric")


def years_ago(years: int, days: int = 10) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def household(official_a):
    """Head (50), spouse (45), a child of 8 and a grandmother of 70: 60,000 baht a year."""
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household, first_name="สมศักดิ์", birth_date=years_ago(50))
    f.MemberFactory(
        household=household,
        title="นาง",
        first_name="มาลี",
        sex="f",
        relation="spouse",
        is_head=False,
        birth_date=years_ago(45),
    )
    f.MemberFactory(
        household=household,
        title="ด.ญ.",
        first_name="น้ำฝน",
        sex="f",
        relation="child",
        is_head=False,
        national_id=None,
        birth_date=years_ago(8),
    )
    f.MemberFactory(
        household=household,
        title="นาง",
        first_name="คำปุ่น",
        sex="f",
        relation="parent",
        is_head=False,
        birth_date=years_ago(70),
    )
    return household


@pytest.fixture
def buddy(client, official_a):
    client.force_login(official_a.user)
    return client


def start_round(client, household) -> Round:
    response = client.post(
        reverse("cases:round_new", args=[household.pk]),
        {"assessed_on": today_be(), "token": str(uuid.uuid4())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Round.objects.get(household=household, status="draft")


def step_url(household, round_, step) -> str:
    return reverse("cases:round_step", args=[household.pk, round_.pk, step])


def answer_all(client, household, round_, dimension, value="met", unmet=()):
    """Answer every question of a dimension's step: `value`, except the indicator codes in
    `unmet` (not met)."""
    page = client.get(step_url(household, round_, dimension))
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for indicator, _member, choice, note in form.rows():
        data[choice.html_name] = "not_met" if indicator.code in unmet else value
        data[note.html_name] = ""
    return client.post(step_url(household, round_, dimension), data)


def walk_round(client, household, *, income="60000", members="4", unmet=(), level=None, reason=""):
    """A whole round through its pages; returns the round and the final response."""
    round_ = start_round(client, household)
    client.post(
        step_url(household, round_, "figures"),
        {"assessed_on": today_be(), "members": members, "annual_income": income, "debts": ""},
    )
    for dimension in ("income", "living", "health", "education", "public_services"):
        answer_all(client, household, round_, dimension, unmet=unmet)
    client.post(step_url(household, round_, "capitals"), {"human_score": "3", "natural_score": "2"})
    round_.refresh_from_db()
    finish = reverse("cases:round_finish", args=[household.pk, round_.pk])
    suggested = client.get(finish).context["suggested"]
    response = client.post(finish, {"level": str(level or suggested), "level_reason": reason})
    round_.refresh_from_db()
    return round_, response


def indicator(code) -> Indicator:
    return Indicator.objects.get(code=code)
