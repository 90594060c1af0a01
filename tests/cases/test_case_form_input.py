"""Bad input on the case plan's forms, as on the visit form: dates only in plausible years,
Thai messages for Django's own checks, free text of bounded length, and no round or action
started without the form's one-time token."""

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from households.cases import services
from households.cases.models import Action, Round
from kuseaw.forms import TOKEN_MISSING
from kuseaw.thaidate import format_be
from tests.cases.factories import ProblemFactory, assess
from tests.html_checks import assert_page_ok
from tests.html_checks import field_error as error_of
from tests.post_data import out_of_range

LIMIT = 2000
TOO_LONG = f"ข้อความยาวได้ไม่เกิน {LIMIT} ตัวอักษร (ที่กรอกมี 100000 ตัวอักษร)"
LONG_NOTE = ("ครัวเรือนยังขายผักได้ทุกสัปดาห์" * 4000)[:100_000]


@pytest.fixture(autouse=True)
def plausible_ranges(settings):
    settings.KUSEAW_DATE_MIN_YEAR = 1900
    settings.KUSEAW_DATE_YEARS_AHEAD = 5
    settings.KUSEAW_TEXT_MAX_LENGTH = LIMIT


@pytest.fixture
def logged_in(client, buddy):
    client.force_login(buddy.user)
    return client


def today_be() -> str:
    return format_be(timezone.localdate(), "numeric")


def refused(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    return html


# -- the follow-up check after graduation ----------------------------------------------------


@pytest.fixture
def check(household, buddy, district_staff):
    """The 6-month check of a household that graduated on 10 January 2025, by its buddy."""
    assess(household, buddy, dt.date(2024, 9, 1), members=2, income=Decimal("100000"))
    proposed = services.graduation_propose(
        household=household, evidence="รายได้เกินเกณฑ์", household_agrees=True, by=buddy.user
    )
    graduation = services.graduation_decide(
        graduation=proposed,
        approve=True,
        reason="ผ่านเกณฑ์",
        by=district_staff,
        follow_up_official=buddy,
        on=dt.date(2025, 1, 10),
    )
    return graduation.checks.get(months=6)


def follow_up_url(check):
    return reverse("cases:follow_up", args=[check.graduation.household_id, check.pk])


def check_data(**overrides):
    data = {"done_on": today_be(), "members": "2", "annual_income": "100000", "note": ""}
    return {**data, **overrides}


@pytest.mark.parametrize(
    "typed, message",
    [
        ("1/1/2400", out_of_range(2400)),
        ("1/1/9999", "วันที่ต้องไม่เลยวันนี้"),  # a check is done, never due: not after today
    ],
)
def test_a_follow_up_check_in_an_implausible_year_is_refused(logged_in, check, typed, message):
    html = refused(logged_in.post(follow_up_url(check), check_data(done_on=typed)))

    assert error_of(html, "done_on") == message
    check.refresh_from_db()
    assert check.done_on is None


def test_a_follow_up_checks_bad_figures_and_long_note_are_explained_in_thai(logged_in, check):
    data = check_data(members="2.5", annual_income="100000.001", note=LONG_NOTE)

    html = refused(logged_in.post(follow_up_url(check), data))

    assert error_of(html, "members") == "กรุณากรอกจำนวนเต็ม"
    assert error_of(html, "annual_income") == "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
    assert error_of(html, "note") == TOO_LONG
    check.refresh_from_db()
    assert check.done_on is None


def test_a_sound_follow_up_check_is_recorded(logged_in, check):
    response = logged_in.post(follow_up_url(check), check_data(note="ยังขายผักได้"))

    assert response.status_code == 302
    check.refresh_from_db()
    assert check.done_on == timezone.localdate()


# -- rounds, problems, actions and the graduation proposal -----------------------------------


def test_a_round_started_without_its_token_is_refused_and_nothing_saved(logged_in, household):
    url = reverse("cases:round_new", args=[household.pk])

    html = refused(logged_in.post(url, {"assessed_on": today_be()}))
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', html)
    again = logged_in.post(url, {"assessed_on": today_be(), "token": token[1]})

    assert TOKEN_MISSING in html
    assert again.status_code == 302
    assert Round.objects.filter(household=household).count() == 1


def test_a_round_dated_2400_is_refused(logged_in, household):
    url = reverse("cases:round_new", args=[household.pk])

    html = refused(logged_in.post(url, {"assessed_on": "1/1/2400", "token": str(uuid.uuid4())}))

    assert error_of(html, "assessed_on") == out_of_range(2400)
    assert not Round.objects.exists()


def action_data(**overrides):
    data = {
        "what": "ไปสมัครงานที่สำนักงานจัดหางาน",
        "owner_kind": "household",
        "agency": "",
        "partner": "",
        "due_on": format_be(timezone.localdate() + dt.timedelta(days=30), "numeric"),
        "note": "",
        "token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


def test_an_action_without_its_token_is_refused_and_nothing_saved(logged_in, household):
    problem = ProblemFactory(household=household)
    data = action_data()
    del data["token"]

    html = refused(
        logged_in.post(reverse("cases:action_new", args=[household.pk, problem.pk]), data)
    )

    assert TOKEN_MISSING in html
    assert 'value="ไปสมัครงานที่สำนักงานจัดหางาน"' in html
    assert not Action.objects.exists()


def test_an_actions_due_date_and_note_are_bounded(logged_in, household):
    problem = ProblemFactory(household=household)
    url = reverse("cases:action_new", args=[household.pk, problem.pk])

    html = refused(logged_in.post(url, action_data(due_on="1/1/9999", note=LONG_NOTE)))

    assert error_of(html, "due_on") == out_of_range(9999)
    assert error_of(html, "note") == TOO_LONG
    assert not Action.objects.exists()


def test_a_problems_note_is_bounded(logged_in, household):
    url = reverse("cases:problem_new", args=[household.pk])
    data = {"dimension": "income", "title": "ไม่มีรายได้ประจำ", "member": "", "note": LONG_NOTE}

    html = refused(logged_in.post(url, data))

    assert error_of(html, "note") == TOO_LONG
    assert not household.problems.exists()


def test_a_graduation_proposals_evidence_is_bounded(logged_in, household, buddy):
    assess(household, buddy, timezone.localdate(), members=2, income=Decimal("100000"))
    url = reverse("cases:graduation_propose", args=[household.pk])

    html = refused(logged_in.post(url, {"evidence": LONG_NOTE, "household_agrees": "on"}))

    assert error_of(html, "evidence") == TOO_LONG
    assert not household.graduations.exists()
