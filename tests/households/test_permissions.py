"""Who sees what (issue 3): every role × every household page and form, as one table.

The rules: an official sees and changes only the households paired to them now; those from
earlier pairings stay readable but every write is 404. Coordinators see their agency's
officials' households, district staff their district, provincial staff everything — all
read-only. Admins see and change everything but do not log visits (a visit belongs to an
Official). Anything else is 404, whatever the URL says; anonymous users go to the login page.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from households import urls as household_urls
from households.models import AidRecord, AidStatus, Household, Member, Visit
from kuseaw.thaidate import format_be
from officials.models import EndReason, Pairing
from officials.services import pairing_create, pairing_end
from tests import factories as f

OK = "ok"  # GET → 200; a valid POST → 302 to the case page, and the write is made
NO = "404"  # 404 for GET and POST, and nothing is written
LOGIN = "login"  # 302 to the login page, and nothing is written

HOUSEHOLDS = ("H0", "H1", "H2", "H3")
# H0  earlier paired to official A (the pairing has ended)   Chum Phae (4005)
# H1  paired to official A (agency A) now                    Mueang Khon Kaen (4001)
# H2  paired to official B (agency B) now                    Ban Phai (4010)
# H3  never paired                                           Mueang Khon Kaen (4001)
#
# Coordinator A sees households ever paired to agency A's officials (H0, H1);
# district staff are those of Mueang Khon Kaen (4001).

# fmt: off
HOUSEHOLD_MATRIX = {
    #                        H0     H1     H2     H3
    "anonymous": {
        "detail":          (LOGIN, LOGIN, LOGIN, LOGIN),
        "edit":            (LOGIN, LOGIN, LOGIN, LOGIN),
        "visit_new":       (LOGIN, LOGIN, LOGIN, LOGIN),
        "aid_new":         (LOGIN, LOGIN, LOGIN, LOGIN),
        "aid_update":      (LOGIN, LOGIN, LOGIN, LOGIN),
        "member_new":      (LOGIN, LOGIN, LOGIN, LOGIN),
        "member_edit":     (LOGIN, LOGIN, LOGIN, LOGIN),
        "member_move_out": (LOGIN, LOGIN, LOGIN, LOGIN),
    },
    "official_a": {
        "detail":          (OK,    OK,    NO,    NO),
        "edit":            (NO,    OK,    NO,    NO),
        "visit_new":       (NO,    OK,    NO,    NO),
        "aid_new":         (NO,    OK,    NO,    NO),
        "aid_update":      (NO,    OK,    NO,    NO),
        "member_new":      (NO,    OK,    NO,    NO),
        "member_edit":     (NO,    OK,    NO,    NO),
        "member_move_out": (NO,    OK,    NO,    NO),
    },
    "official_b": {
        "detail":          (NO,    NO,    OK,    NO),
        "edit":            (NO,    NO,    OK,    NO),
        "visit_new":       (NO,    NO,    OK,    NO),
        "aid_new":         (NO,    NO,    OK,    NO),
        "aid_update":      (NO,    NO,    OK,    NO),
        "member_new":      (NO,    NO,    OK,    NO),
        "member_edit":     (NO,    NO,    OK,    NO),
        "member_move_out": (NO,    NO,    OK,    NO),
    },
    "coordinator_a": {
        "detail":          (OK,    OK,    NO,    NO),
        "edit":            (NO,    NO,    NO,    NO),
        "visit_new":       (NO,    NO,    NO,    NO),
        "aid_new":         (NO,    NO,    NO,    NO),
        "aid_update":      (NO,    NO,    NO,    NO),
        "member_new":      (NO,    NO,    NO,    NO),
        "member_edit":     (NO,    NO,    NO,    NO),
        "member_move_out": (NO,    NO,    NO,    NO),
    },
    "district_staff": {
        "detail":          (NO,    OK,    NO,    OK),
        "edit":            (NO,    NO,    NO,    NO),
        "visit_new":       (NO,    NO,    NO,    NO),
        "aid_new":         (NO,    NO,    NO,    NO),
        "aid_update":      (NO,    NO,    NO,    NO),
        "member_new":      (NO,    NO,    NO,    NO),
        "member_edit":     (NO,    NO,    NO,    NO),
        "member_move_out": (NO,    NO,    NO,    NO),
    },
    "province_viewer": {
        "detail":          (OK,    OK,    OK,    OK),
        "edit":            (NO,    NO,    NO,    NO),
        "visit_new":       (NO,    NO,    NO,    NO),
        "aid_new":         (NO,    NO,    NO,    NO),
        "aid_update":      (NO,    NO,    NO,    NO),
        "member_new":      (NO,    NO,    NO,    NO),
        "member_edit":     (NO,    NO,    NO,    NO),
        "member_move_out": (NO,    NO,    NO,    NO),
    },
    "admin_user": {
        "detail":          (OK,    OK,    OK,    OK),
        "edit":            (OK,    OK,    OK,    OK),
        "visit_new":       (NO,    NO,    NO,    NO),
        "aid_new":         (OK,    OK,    OK,    OK),
        "aid_update":      (OK,    OK,    OK,    OK),
        "member_new":      (OK,    OK,    OK,    OK),
        "member_edit":     (OK,    OK,    OK,    OK),
        "member_move_out": (OK,    OK,    OK,    OK),
    },
}

# Pages without a household in the URL (GET).
PAGE_MATRIX = {
    #                    mine   overview
    "anonymous":       (LOGIN, LOGIN),
    "official_a":      (OK,    NO),
    "official_b":      (OK,    NO),
    "coordinator_a":   (NO,    OK),
    "district_staff":  (NO,    OK),
    "province_viewer": (NO,    OK),
    "admin_user":      (NO,    OK),
}
PAGES = ("mine", "overview")
# fmt: on

PERSONAS = tuple(HOUSEHOLD_MATRIX)
HOUSEHOLD_VIEWS = tuple(HOUSEHOLD_MATRIX["official_a"])
READ_ONLY_VIEWS = {"detail"}


def household_params():
    for persona, rows in HOUSEHOLD_MATRIX.items():
        for view, outcomes in rows.items():
            methods = ("GET",) if view in READ_ONLY_VIEWS else ("GET", "POST")
            for method in methods:
                for name, outcome in zip(HOUSEHOLDS, outcomes, strict=True):
                    yield pytest.param(
                        persona, view, method, name, outcome, id=f"{persona}-{view}-{method}-{name}"
                    )


def page_params():
    for persona, outcomes in PAGE_MATRIX.items():
        for view, outcome in zip(PAGES, outcomes, strict=True):
            yield pytest.param(persona, view, outcome, id=f"{persona}-{view}")


# -- the scenario -----------------------------------------------------------------------


@dataclass
class Case:
    """One household of the scenario, with a record of each kind its URLs point at."""

    household: Household
    head: Member
    member: Member  # a current member who is not the head: editable and able to move out
    aid: AidRecord


@pytest.fixture
def scenario(official_a, official_b):
    """H0–H3 as described above the table, each with a head, a child and one aid record."""
    places = {"H0": "400501", "H1": "400101", "H2": "401001", "H3": "400102"}
    households = {
        name: f.HouseholdFactory(subdistrict=f.subdistrict(code)) for name, code in places.items()
    }
    earlier = pairing_create(
        official=official_a, household=households["H0"], started_on=dt.date(2024, 2, 1)
    )
    pairing_end(pairing=earlier, reason=EndReason.REASSIGNED, ended_on=dt.date(2024, 6, 30))
    pairing_create(official=official_a, household=households["H1"], started_on=dt.date(2024, 7, 1))
    pairing_create(official=official_b, household=households["H2"], started_on=dt.date(2024, 7, 1))
    cases = {}
    for name, household in households.items():
        cases[name] = Case(
            household=household,
            head=f.MemberFactory(household=household),
            member=f.MemberFactory(
                household=household,
                title="ด.ญ.",
                sex="f",
                relation="child",
                is_head=False,
                national_id=None,
                birth_date=dt.date(2012, 8, 1),
            ),
            aid=f.AidRecordFactory(household=household, partner="มูลนิธิทดสอบ"),
        )
    return cases


def user_for(request, client, persona):
    """Log the persona in (an Official persona logs in as its account); None for anonymous."""
    if persona == "anonymous":
        return None
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    client.force_login(user)
    return user


def url_for(view, case, *, aid=None, member=None):
    kwargs = {"pk": case.household.pk}
    if view == "aid_update":
        kwargs["aid_pk"] = (aid or case.aid).pk
    if view in ("member_edit", "member_move_out"):
        kwargs["member_pk"] = (member or case.member).pk
    return reverse(f"households:{view}", kwargs=kwargs)


def snapshot():
    """Every row a household form could write, to show that a refused request wrote nothing."""
    models = (Household, Member, Visit, AidRecord, Pairing)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def today_be() -> str:
    return format_be(timezone.localdate(), "numeric")


# -- a valid POST for each form, and how to see that it was saved -------------------------


def post_data(view, case, *, aid=None, member=None) -> dict:
    aid = aid or case.aid
    member = member or case.member
    if view == "edit":
        return {
            "house_no": "99/1",
            "village_no": "5",
            "village_name": "โนนทอง",
            "phone": "0812345678",
            "poverty_level": "2",
            "cause": "lack",
            "need_income": "on",
            "annual_income": "72000",
            "debts": "0",
            "land_rai": "1.5",
            "livelihood_assets": "",
            "consent_date": "",
        }
    if view == "visit_new":
        return {
            "visited_on": today_be(),
            "kind": "home",
            "findings": "ทดสอบสิทธิ์การเยี่ยม",
            "needs_observed": "",
            "income_reported": "",
            "next_follow_up": "",
            "token": str(uuid.uuid4()),
        }
    if view == "aid_new":
        return {
            "category": "career",
            "title": "ทดสอบสิทธิ์การช่วยเหลือ",
            "agency": "",
            "partner": "มหาวิทยาลัยขอนแก่น",
            "given_on": today_be(),
            "value": "1500",
            "status": "planned",
            "token": str(uuid.uuid4()),
        }
    if view == "aid_update":
        return {f"aid{aid.pk}-status": AidStatus.DONE, f"aid{aid.pk}-outcome": "ได้ผลดี"}
    if view in ("member_new", "member_edit"):
        return {
            "title": "นาง" if view == "member_new" else member.title,
            "first_name": "ทดสอบสิทธิ์" if view == "member_new" else member.first_name,
            "last_name": member.last_name,
            "national_id": "",
            "birth_date": "",
            "sex": "f",
            "relation": "spouse" if view == "member_new" else member.relation,
            "education": "",
            "occupation": "ทดสอบสิทธิ์อาชีพ",
            "income": "0",
            "phone": "",
            "disability": "",
            "chronic_illness": "",
        }
    if view == "member_move_out":
        return {"left_on": today_be()}
    raise AssertionError(f"no POST data for {view}")


def was_written(view, case) -> bool:
    household = case.household
    if view == "edit":
        return Household.objects.get(pk=household.pk).house_no == "99/1"
    if view == "visit_new":
        return household.visits.filter(findings="ทดสอบสิทธิ์การเยี่ยม").exists()
    if view == "aid_new":
        return household.aid_records.filter(title="ทดสอบสิทธิ์การช่วยเหลือ").exists()
    if view == "aid_update":
        return AidRecord.objects.get(pk=case.aid.pk).status == AidStatus.DONE
    if view == "member_new":
        return household.members.filter(first_name="ทดสอบสิทธิ์").exists()
    if view == "member_edit":
        return Member.objects.get(pk=case.member.pk).occupation == "ทดสอบสิทธิ์อาชีพ"
    if view == "member_move_out":
        return Member.objects.get(pk=case.member.pk).left_on == timezone.localdate()
    raise AssertionError(f"no write check for {view}")


def assert_goes_to_login(response, url):
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def form_errors(response):
    """The form's errors, to say why a POST that should have saved did not."""
    form = response.context.get("form") if response.context else None
    return form.errors if form is not None else response.status_code


# -- the matrix -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "view", "method", "name", "expected"), list(household_params())
)
def test_household_page_matrix(request, client, scenario, persona, view, method, name, expected):
    case = scenario[name]
    user_for(request, client, persona)
    url = url_for(view, case)
    before = snapshot()

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(view, case))

    if expected == LOGIN:
        assert_goes_to_login(response, url)
    elif expected == NO:
        assert response.status_code == 404
    elif method == "GET":
        assert response.status_code == 200
        assert response.context["household"] == case.household
    else:
        assert response.status_code == 302, form_errors(response)
        assert response.url == reverse("households:detail", kwargs={"pk": case.household.pk})
        assert was_written(view, case)
        return
    assert snapshot() == before


@pytest.mark.parametrize(("persona", "view", "expected"), list(page_params()))
def test_page_matrix(request, client, scenario, persona, view, expected):
    user_for(request, client, persona)
    url = reverse(f"households:{view}")
    response = client.get(url)
    if expected == LOGIN:
        assert_goes_to_login(response, url)
    elif expected == NO:
        assert response.status_code == 404
    else:
        assert response.status_code == 200


def test_matrix_covers_every_persona_view_and_household():
    assert set(PAGE_MATRIX) == set(PERSONAS)
    for persona, rows in HOUSEHOLD_MATRIX.items():
        assert tuple(rows) == HOUSEHOLD_VIEWS, persona
        assert all(len(outcomes) == len(HOUSEHOLDS) for outcomes in rows.values()), persona


def test_every_household_url_has_a_row_in_the_matrix():
    url_names = {pattern.name for pattern in household_urls.urlpatterns}
    assert url_names == set(HOUSEHOLD_VIEWS) | set(PAGES)


# -- tampering ------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["visit_new", "aid_new", "edit"])
def test_official_cannot_write_to_another_officials_household(client, scenario, official_a, view):
    client.force_login(official_a.user)
    other = scenario["H2"]
    before = snapshot()
    response = client.post(url_for(view, other), post_data(view, other))
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["official_a", "admin_user"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("view", ["aid_update", "member_edit", "member_move_out"])
def test_own_household_in_url_cannot_reach_another_households_record(
    request, client, scenario, persona, method, view
):
    """H1 in the URL (writable by both personas) with an aid or member id of H2."""
    user_for(request, client, persona)
    own, other = scenario["H1"], scenario["H2"]
    url = url_for(view, own, aid=other.aid, member=other.member)
    before = snapshot()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, post_data(view, own, aid=other.aid, member=other.member))
    assert response.status_code == 404
    assert snapshot() == before


HUGE_IDS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("view", HOUSEHOLD_VIEWS)
def test_huge_household_id_is_404(client, scenario, admin_user, view, huge):
    client.force_login(admin_user)
    kwargs = {"pk": huge}
    if view == "aid_update":
        kwargs["aid_pk"] = scenario["H1"].aid.pk
    if view in ("member_edit", "member_move_out"):
        kwargs["member_pk"] = scenario["H1"].member.pk
    url = reverse(f"households:{view}", kwargs=kwargs)
    assert client.get(url).status_code == 404
    # The case page is read-only: a POST is refused before any lookup.
    assert client.post(url, {}).status_code == (405 if view == "detail" else 404)


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize(
    ("view", "kwarg"),
    [("aid_update", "aid_pk"), ("member_edit", "member_pk"), ("member_move_out", "member_pk")],
)
def test_huge_record_id_is_404(client, scenario, official_a, view, kwarg, huge):
    client.force_login(official_a.user)
    url = reverse(f"households:{view}", kwargs={"pk": scenario["H1"].household.pk, kwarg: huge})
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/households/abc/",
        "/households/1.0/edit/",
        "/households/-1/visits/new/",
        "/households/%E0%B9%91/aid/new/",  # Thai digit one
        "/households/{pk}/aid/abc/",
        "/households/{pk}/members/x/edit/",
        "/households/{pk}/members/1e3/move-out/",
    ],
)
def test_non_numeric_id_is_404(client, scenario, official_a, path):
    client.force_login(official_a.user)
    url = path.format(pk=scenario["H1"].household.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_inactive_official_keeps_reading_but_can_no_longer_write(client, official_a):
    household = f.PairingFactory(official=official_a).household
    official_a.is_active = False
    official_a.save()
    client.force_login(official_a.user)
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200
    assert client.get(reverse("households:visit_new", args=[household.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[household.pk])).status_code == 404
