"""The offers suggested for a household's open problem (households.referrals.matching),
against a hand-made set of offers: which fit, in which order, and why."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Need, OrganisationKind, Sector
from households.cases.models import CapitalKind, Problem, RoundKind, RoundStatus
from households.models import Cause, Sex
from households.referrals.matching import offers_for
from households.referrals.models import Offer, OfferKind
from tests import factories as f
from tests.cases.factories import ProblemFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def household():
    """In Mueang Khon Kaen, poor for lack of opportunity: a father of 51 who weaves, and
    a daughter of 26."""
    household = f.HouseholdFactory(
        subdistrict=f.subdistrict("400101"), cause=Cause.LACK_OF_OPPORTUNITY
    )
    f.MemberFactory(
        household=household,
        first_name="สมชาย",
        birth_date=dt.date(1975, 5, 1),
        occupation="รับจ้างทอผ้า",
    )
    f.MemberFactory(
        household=household,
        title="นางสาว",
        first_name="มาลี",
        birth_date=dt.date(2000, 6, 1),
        sex=Sex.FEMALE,
        relation="child",
        is_head=False,
        occupation="",
    )
    return household


@pytest.fixture
def partner():
    return f.AgencyFactory(
        code="KKU",
        name_th="วิทยาลัยการปกครองท้องถิ่น มข.",
        sector=Sector.ACADEMIA,
        kind=OrganisationKind.UNIVERSITY,
    )


def offer(agency, title, **fields) -> Offer:
    districts = fields.pop("districts", [])
    made = Offer.objects.create(
        agency=agency,
        title=title,
        kind=fields.pop("kind", OfferKind.TRAINING),
        capacity=10,
        **fields,
    )
    made.districts.set(districts)
    return made


@pytest.fixture
def offers(partner):
    company = f.AgencyFactory(
        code="CO", name_th="บริษัทสิ่งทอขอนแก่น", sector=Sector.PRIVATE, kind=OrganisationKind.COMPANY
    )
    village_fund = f.AgencyFactory(code="VF", name_th="กองทุนหมู่บ้านโนนสว่าง", sector=Sector.COMMUNITY)
    village_fund.districts.set([f.district("4001")])
    return {
        "factory job": offer(
            company, "พนักงานโรงงาน", kind=OfferKind.JOB, needs=[Need.INCOME], min_age=18, max_age=45
        ),
        "silk weaving": offer(
            partner,
            "อบรมทอผ้าไหมลายขอนแก่น",
            needs=[Need.INCOME],
            skills="ทอผ้า, ย้อมสี",
            districts=[f.district("4001")],
        ),
        "scholarship": offer(
            partner, "ทุนการศึกษา", kind=OfferKind.SCHOLARSHIP, needs=[Need.EDUCATION]
        ),
        "for the self-excluded": offer(
            partner, "พี่เลี้ยงสร้างแรงบันดาลใจ", causes=[Cause.SELF_EXCLUDED]
        ),
        "in Ban Phai": offer(
            partner, "ตลาดนัดบ้านไผ่", kind=OfferKind.MARKET, districts=[f.district("4010")]
        ),
        "ended": offer(partner, "อบรมที่จบไปแล้ว", ends_on=TODAY - dt.timedelta(days=1)),
        "not yet": offer(partner, "อบรมปีหน้า", starts_on=TODAY + dt.timedelta(days=30)),
        "closed": offer(partner, "ปิดรับแล้ว", is_active=False),
        "village loan": offer(village_fund, "สินเชื่อกองทุนหมู่บ้าน", kind=OfferKind.EQUIPMENT),
        "elderly women": offer(partner, "กลุ่มแม่บ้านสูงวัย", sex=Sex.FEMALE, min_age=60),
        "anyone": offer(partner, "ให้คำปรึกษาด้านอาชีพ"),
    }


def test_the_offers_that_fit_come_best_first_with_why(household, offers):
    problem = ProblemFactory(household=household, dimension=Need.INCOME, title="รายได้ไม่พอ")

    found = offers_for(problem, today=TODAY)

    assert [s.offer.title for s in found] == [
        "อบรมทอผ้าไหมลายขอนแก่น",  # income 3 + Mueang 1 + weaving 2
        "พนักงานโรงงาน",  # income 3, for the daughter
        "สินเชื่อกองทุนหมู่บ้าน",  # the fund serves Mueang: 1
        "ให้คำปรึกษาด้านอาชีพ",  # no criterion: 0
    ]
    weaving, job, loan, anyone = found
    assert weaving.score == 6
    assert weaving.reasons == [
        "ช่วยปัญหาด้านรายได้",
        "ให้บริการในอำเภอเมืองขอนแก่น",
        "ทักษะหรืออาชีพตรงกัน: ทอผ้า",
    ]
    assert job.reasons == ["ช่วยปัญหาด้านรายได้", "เหมาะกับอายุ 18–45 ปี: นางสาวมาลี ใจดี"]
    assert job.for_members == ["นางสาวมาลี ใจดี"]
    assert (loan.score, loan.reasons) == (1, ["ให้บริการในอำเภอเมืองขอนแก่น"])
    assert (anyone.score, anyone.reasons) == (0, [])


def test_a_members_problem_is_matched_to_that_member(household, offers):
    father = household.members.get(first_name="สมชาย")
    problem = ProblemFactory(household=household, member=father, dimension=Need.INCOME)

    titles = [s.offer.title for s in offers_for(problem, today=TODAY)]

    assert "พนักงานโรงงาน" not in titles  # 18–45: he is 51
    assert titles[0] == "อบรมทอผ้าไหมลายขอนแก่น"


def test_the_cause_and_the_dimension_are_what_the_offer_names(household, offers):
    household.cause = Cause.SELF_EXCLUDED
    household.save()
    problem = ProblemFactory(household=household, dimension=Need.EDUCATION)

    found = {s.offer.title: s for s in offers_for(problem, today=TODAY)}

    assert set(found) == {"ทุนการศึกษา", "พี่เลี้ยงสร้างแรงบันดาลใจ", "สินเชื่อกองทุนหมู่บ้าน", "ให้คำปรึกษาด้านอาชีพ"}
    assert found["พี่เลี้ยงสร้างแรงบันดาลใจ"].reasons == ["เหมาะกับครัวเรือนที่ตัดโอกาสเอง"]


def test_a_skill_is_found_in_the_latest_rounds_human_capital(household, partner):
    household.members.update(occupation="")
    offer(partner, "อบรมช่างซ่อมรถจักรยานยนต์", skills="ซ่อมรถ")
    round_ = household.rounds.create(
        kind=RoundKind.ENTRY, assessed_on=TODAY, status=RoundStatus.COMPLETE, level=2
    )
    round_.capitals.create(kind=CapitalKind.HUMAN, score=3, items="ลูกชายซ่อมรถเป็น")
    problem = ProblemFactory(household=household, dimension=Need.INCOME)

    (found,) = offers_for(problem, today=TODAY)

    assert found.reasons == ["ทักษะหรืออาชีพตรงกัน: ซ่อมรถ"]


def test_matching_costs_the_same_queries_for_two_offers_or_twenty(household, partner):
    problem = ProblemFactory(household=household, dimension=Need.INCOME)
    for n in range(2):
        offer(partner, f"ข้อเสนอ {n}", districts=[f.district("4001")])
    with CaptureQueriesContext(connection) as few:
        assert len(offers_for(Problem.objects.get(pk=problem.pk), today=TODAY)) == 2
    for n in range(2, 20):
        offer(partner, f"ข้อเสนอ {n}", districts=[f.district("4001")])
    with CaptureQueriesContext(connection) as many:
        assert len(offers_for(Problem.objects.get(pk=problem.pk), today=TODAY)) == 20
    assert len(many) == len(few)


def test_an_offer_with_no_place_left_is_not_suggested(household, partner, official_a):
    from households.referrals.models import Referral, ReferralStatus

    full = offer(partner, "อบรมรุ่นเดียว", districts=[f.district("4001")])
    full.capacity = 1
    full.save()
    problem = ProblemFactory(household=household, dimension=Need.INCOME)
    other = ProblemFactory(household=f.HouseholdFactory(), dimension=Need.INCOME)
    assert [s.offer for s in offers_for(problem, today=TODAY)] == [full]
    Referral.objects.create(
        household=other.household,
        problem=other,
        agency=partner,
        offer=full,
        status=ReferralStatus.ACCEPTED,
        due_on=TODAY,
        sent_on=TODAY,
        sent_by=official_a.user,
    )

    assert offers_for(problem, today=TODAY) == []
