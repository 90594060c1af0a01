"""The buddy, planning a household's open problem, opens the offers of agencies and
partners that fit it and takes one into the plan: an action owned by the organisation
that makes the offer."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Need, OrganisationKind, Sector
from households.cases import services
from households.cases.models import Action, OwnerKind, ProblemStatus, SolvedBy
from households.referrals.models import Offer, OfferKind
from tests import factories as f
from tests.cases.factories import ProblemFactory
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(official_a):
    household = f.HouseholdFactory(subdistrict=f.subdistrict("400101"))
    f.PairingFactory(official=official_a, household=household)
    f.MemberFactory(household=household, first_name="สมชาย", occupation="ทอผ้า")
    return household


@pytest.fixture
def problem(household):
    return ProblemFactory(household=household, dimension=Need.INCOME, title="รายได้ไม่พอใช้")


@pytest.fixture
def weaving():
    partner = f.AgencyFactory(
        code="KKU",
        name_th="วิทยาลัยการปกครองท้องถิ่น มหาวิทยาลัยขอนแก่น",
        sector=Sector.ACADEMIA,
        kind=OrganisationKind.UNIVERSITY,
        contact_name="อ.สมศรี",
        contact_phone="043000000",
    )
    return Offer.objects.create(
        agency=partner,
        kind=OfferKind.TRAINING,
        title="อบรมทอผ้าไหมลายขอนแก่น",
        capacity=20,
        needs=[Need.INCOME],
        skills="ทอผ้า",
        ends_on=timezone.localdate() + dt.timedelta(days=45),
    )


def url(problem):
    return reverse("referrals:problem_offers", args=[problem.household_id, problem.pk])


def test_the_buddy_sees_why_an_offer_fits_and_takes_it_into_the_plan(
    client, official_a, problem, weaving
):
    client.force_login(official_a.user)
    case = reverse("households:detail", args=[problem.household_id])
    assert url(problem) in client.get(case).content.decode()  # from the plan

    page = client.get(url(problem))

    html = page.content.decode()
    assert page.status_code == 200
    assert_page_ok(html)
    assert "อบรมทอผ้าไหมลายขอนแก่น" in html
    assert "ทักษะหรืออาชีพตรงกัน: ทอผ้า" in html and "ช่วยปัญหาด้านรายได้" in html
    assert "เหลือ 20 จาก 20 ที่" in html
    assert 'โทร <a href="tel:043000000">043000000</a>' in html
    token = page.context["form"]["token"].value()

    response = client.post(url(problem), {"offer": weaving.pk, "token": token})

    assert response.status_code == 302
    assert response.url == f"{case}#problem-{problem.pk}"
    action = Action.objects.get(problem=problem)
    assert action.what == "ฝึกอบรมอาชีพ: อบรมทอผ้าไหมลายขอนแก่น"
    assert (action.owner_kind, action.agency) == (OwnerKind.AGENCY, weaving.agency)
    assert action.due_on == weaving.ends_on
    assert action.created_by == official_a.user
    client.post(url(problem), {"offer": weaving.pk, "token": token})  # sent twice
    assert Action.objects.filter(problem=problem).count() == 1


def test_an_offer_that_does_not_fit_cannot_be_taken(client, official_a, problem, weaving):
    weaving.needs = [Need.HEALTH]
    weaving.save()
    client.force_login(official_a.user)

    response = client.post(url(problem), {"offer": weaving.pk, "token": str(uuid.uuid4())})

    assert response.status_code == 400
    assert "ข้อเสนอนี้ไม่อยู่ในรายการที่เหมาะกับปัญหานี้แล้ว" in response.content.decode()
    assert not Action.objects.filter(problem=problem).exists()


def test_no_offer_says_so_and_a_closed_problem_has_no_offers_page(client, official_a, problem):
    client.force_login(official_a.user)
    page = client.get(url(problem)).content.decode()
    assert "ยังไม่มีข้อเสนอที่เปิดรับในอำเภอนี้และเหมาะกับปัญหานี้" in page

    services.problem_close(
        problem=problem, status=ProblemStatus.SOLVED, solved_by=SolvedBy.HOUSEHOLD, note=""
    )
    assert client.get(url(problem)).status_code == 404


def test_an_offer_without_an_end_is_due_in_thirty_days(client, official_a, problem, weaving):
    weaving.ends_on = None
    weaving.save()
    client.force_login(official_a.user)
    client.post(url(problem), {"offer": weaving.pk, "token": str(uuid.uuid4())})
    action = Action.objects.get(problem=problem)
    assert action.due_on == timezone.localdate() + dt.timedelta(days=30)
