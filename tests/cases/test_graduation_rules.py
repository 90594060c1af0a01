"""Graduation (พ้นความยากจน): what still keeps a household from it, in Thai, against its
latest round; the buddy's proposal; district staff's approval, which ends the pairing and
frees the buddy's place and names who follows the household up, or a return with a reason."""

import datetime as dt
from decimal import Decimal

import pytest

from households.access import permissions_for
from households.cases import rules, services
from households.cases.models import FollowUpCheck, GraduationStatus
from households.cases.services import CasePlanError
from households.models import Household, PovertyLevel, Status
from officials.models import EndReason, Pairing
from officials.services import PairingError, pairing_create
from tests import factories as f
from tests.cases.factories import assess

MARCH = dt.date(2024, 3, 1)
SEPTEMBER = dt.date(2024, 9, 1)
APPROVED_ON = dt.date(2025, 1, 10)
EVIDENCE = "รายได้ต่อคนต่อปีเกินเกณฑ์สองรอบติดกัน ลูกสาวมีงานประจำ"


def ready(household, buddy, on=SEPTEMBER, **kwargs):
    """A round that meets every criterion: 50,000 baht per person, every indicator met."""
    return assess(household, buddy, on, members=2, income=Decimal("100000"), **kwargs)


def propose(household, buddy, **kwargs):
    kwargs = {"evidence": EVIDENCE, "household_agrees": True, **kwargs}
    return services.graduation_propose(household=household, by=buddy.user, **kwargs)


# -- what still keeps it from graduating ----------------------------------------------------
def test_without_a_complete_round_there_is_nothing_to_judge_by(household, buddy):
    assess(household, buddy, MARCH, complete=False)

    assert services.graduation_shortfalls(household, agrees=True) == ["ยังไม่มีรอบการสำรวจที่เสร็จแล้ว"]


def test_every_shortfall_is_listed_in_thai(household, buddy):
    assess(household, buddy, MARCH, members=2, income=Decimal("60000"), not_met={"H2", "L1"})

    assert services.graduation_shortfalls(household, agrees=False) == [
        "รายได้ต่อคนต่อปียังต่ำกว่าเกณฑ์ จปฐ. (38,000 บาท)",
        "ยังมีตัวชี้วัดด้านสุขภาพที่ไม่ผ่าน",
        "ยังมีตัวชี้วัดด้านความเป็นอยู่ที่ไม่ผ่าน",
        "ระดับความยากจนยังไม่ถึงอยู่พอได้",
        "ครัวเรือนยังไม่ได้แสดงความเห็นด้วย",
    ]


def test_the_latest_round_decides(household, buddy):
    assess(household, buddy, MARCH, members=2, income=Decimal("60000"), not_met={"E4"})
    ready(household, buddy)

    assert services.graduation_shortfalls(household, agrees=True) == []
    assert services.graduation_shortfalls(household, agrees=False) == [
        "ครัวเรือนยังไม่ได้แสดงความเห็นด้วย"
    ]


def test_an_unmet_income_or_services_indicator_alone_does_not_hold_it_back(household, buddy):
    round_ = ready(household, buddy, not_met={"I1", "A1"})

    assert round_.level == PovertyLevel.GETTING_BY
    assert services.graduation_shortfalls(household, agrees=True) == []


def test_a_level_below_getting_by_holds_it_back(household, buddy):
    ready(household, buddy, level=PovertyLevel.HARD, reason="ยังมีหนี้นอกระบบมาก")

    assert services.graduation_shortfalls(household, agrees=True) == ["ระดับความยากจนยังไม่ถึงอยู่พอได้"]


def test_the_criteria_are_settings(household, buddy, settings):
    ready(household, buddy, not_met={"I1"})
    settings.KUSEAW_GRADUATION = {
        "income_at_threshold": True,
        "no_unmet_in": ["health", "living", "education", "income"],
        "min_level": PovertyLevel.WELL,
        "household_agrees": True,
    }

    assert services.graduation_shortfalls(household, agrees=True) == [
        "ยังมีตัวชี้วัดด้านรายได้ที่ไม่ผ่าน",
        "ระดับความยากจนยังไม่ถึงอยู่ดี",
    ]


def test_the_income_criterion_can_be_left_out(settings):
    settings.KUSEAW_GRADUATION = {**settings.KUSEAW_GRADUATION, "income_at_threshold": False}

    shortfalls = rules.graduation_shortfalls(
        annual_income=Decimal("10000"),
        members=2,
        threshold=38000,
        level=PovertyLevel.GETTING_BY,
        unmet_dimensions=set(),
        agrees=True,
    )

    assert shortfalls == []


# -- proposing ------------------------------------------------------------------------------
def test_the_buddy_proposes_on_the_latest_round(household, buddy):
    round_ = ready(household, buddy)

    graduation = propose(household, buddy, evidence=f"  {EVIDENCE}  ")

    assert graduation.status == GraduationStatus.PROPOSED
    assert (graduation.round, graduation.evidence) == (round_, EVIDENCE)
    assert graduation.household_agrees and graduation.proposed_by == buddy.user
    household.refresh_from_db()
    assert household.status == Status.ACTIVE  # until it is approved


def test_a_proposal_with_shortfalls_is_refused_with_them(household, buddy):
    assess(household, buddy, MARCH, members=2, income=Decimal("60000"))

    with pytest.raises(CasePlanError) as refused:
        propose(household, buddy, household_agrees=False)

    assert str(refused.value) == (
        "ยังเสนอไม่ได้: รายได้ต่อคนต่อปียังต่ำกว่าเกณฑ์ จปฐ. (38,000 บาท); "
        "ระดับความยากจนยังไม่ถึงอยู่พอได้; ครัวเรือนยังไม่ได้แสดงความเห็นด้วย"
    )
    assert not household.graduations.exists()


def test_a_proposal_needs_evidence_and_only_one_waits_at_a_time(household, buddy):
    ready(household, buddy)

    with pytest.raises(CasePlanError, match="^กรุณาระบุหลักฐานและเหตุผล$"):
        propose(household, buddy, evidence="   ")
    propose(household, buddy)
    with pytest.raises(CasePlanError, match="^มีการเสนอพ้นความยากจนที่รออนุมัติอยู่แล้ว$"):
        propose(household, buddy)
    assert household.graduations.count() == 1


def test_only_the_buddy_proposes_and_only_district_staff_or_an_admin_decide(
    household, buddy, district_staff, coordinator_a, admin_user, official_b
):
    may = {
        "buddy": permissions_for(buddy.user, household),
        "district": permissions_for(district_staff, household),
        "coordinator": permissions_for(coordinator_a, household),
        "admin": permissions_for(admin_user, household),
        "another official": permissions_for(official_b.user, household),
    }

    assert {who for who, p in may.items() if p.propose_graduation} == {"buddy"}
    assert {who for who, p in may.items() if p.decide_graduation} == {"district", "admin"}


# -- deciding -------------------------------------------------------------------------------
@pytest.fixture
def proposed(household, buddy):
    ready(household, buddy)
    return propose(household, buddy)


def test_sending_it_back_needs_a_reason_and_keeps_who_and_why(proposed, district_staff):
    with pytest.raises(CasePlanError, match="^กรุณาระบุเหตุที่ส่งกลับ$"):
        services.graduation_decide(
            graduation=proposed, approve=False, reason=" ", by=district_staff
        )

    services.graduation_decide(
        graduation=proposed, approve=False, reason="ขอดูรายได้อีกหนึ่งรอบ", by=district_staff
    )

    proposed.refresh_from_db()
    assert proposed.status == GraduationStatus.RETURNED
    assert (proposed.decided_by, proposed.decision_reason) == (
        district_staff,
        "ขอดูรายได้อีกหนึ่งรอบ",
    )
    assert proposed.decided_at is not None and proposed.graduated_on is None
    household = proposed.household
    household.refresh_from_db()
    assert household.status == Status.ACTIVE
    assert Pairing.objects.open().filter(household=household).exists()
    assert not FollowUpCheck.objects.exists()


def test_after_a_return_the_buddy_may_propose_again(proposed, district_staff, buddy):
    services.graduation_decide(
        graduation=proposed, approve=False, reason="ขอดูรายได้อีกหนึ่งรอบ", by=district_staff
    )

    again = propose(proposed.household, buddy)

    assert again.status == GraduationStatus.PROPOSED and again != proposed


def test_approval_graduates_the_household_and_ends_the_pairing_with_its_reason(
    proposed, district_staff, buddy, official_b
):
    services.graduation_decide(
        graduation=proposed,
        approve=True,
        reason="ผ่านเกณฑ์ครบ",
        by=district_staff,
        follow_up_official=official_b,
        on=APPROVED_ON,
    )

    proposed.refresh_from_db()
    assert proposed.status == GraduationStatus.APPROVED
    assert (proposed.graduated_on, proposed.decided_by) == (APPROVED_ON, district_staff)
    household = Household.objects.get(pk=proposed.household_id)
    assert household.status == Status.GRADUATED
    pairing = Pairing.objects.get(household=household)
    assert (pairing.official, pairing.ended_on, pairing.end_reason) == (
        buddy,
        APPROVED_ON,
        EndReason.HOUSEHOLD_GRADUATED,
    )
    with pytest.raises(CasePlanError, match="^การเสนอนี้พิจารณาไปแล้ว$"):
        services.graduation_decide(
            graduation=proposed, approve=False, reason="เปลี่ยนใจ", by=district_staff
        )


def test_approval_frees_the_buddys_place_for_another_household(
    proposed, district_staff, buddy, settings
):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    pairing_create(official=buddy, household=f.HouseholdFactory())
    waiting = f.HouseholdFactory()
    with pytest.raises(PairingError, match="ครบ 2 ครัวเรือน"):
        pairing_create(official=buddy, household=waiting)

    services.graduation_decide(
        graduation=proposed, approve=True, reason="", by=district_staff, on=APPROVED_ON
    )

    assert pairing_create(official=buddy, household=waiting).official == buddy


def test_follow_up_checks_at_6_and_12_months_by_the_named_official(
    proposed, district_staff, official_b
):
    services.graduation_decide(
        graduation=proposed,
        approve=True,
        reason="",
        by=district_staff,
        follow_up_official=official_b,
        on=dt.date(2025, 8, 31),
    )

    checks = proposed.checks.order_by("months")
    assert [(c.months, c.due_on, c.official) for c in checks] == [
        (6, dt.date(2026, 2, 28), official_b),
        (12, dt.date(2026, 8, 31), official_b),
    ]
    assert not any(c.done_on or c.outcome for c in checks)
    assert list(services.checks_due_for(official_b)) == list(checks)


def test_without_a_named_official_the_buddy_follows_up(proposed, district_staff, buddy):
    services.graduation_decide(
        graduation=proposed, approve=True, reason="", by=district_staff, on=APPROVED_ON
    )

    assert {c.official for c in proposed.checks.all()} == {buddy}


def test_the_follow_up_months_are_a_setting(proposed, district_staff, settings):
    settings.KUSEAW_FOLLOW_UP_MONTHS = [3, 6, 24]

    services.graduation_decide(
        graduation=proposed, approve=True, reason="", by=district_staff, on=APPROVED_ON
    )

    assert list(proposed.checks.order_by("months").values_list("months", flat=True)) == [3, 6, 24]


def test_the_follow_up_official_sees_the_household_though_never_its_buddy(
    proposed, district_staff, official_b, settings
):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    household = proposed.household
    for other in f.HouseholdFactory.create_batch(2):  # at the cap: checks do not count
        pairing_create(official=official_b, household=other)
    assert household not in Household.objects.visible_to(official_b.user)

    services.graduation_decide(
        graduation=proposed,
        approve=True,
        reason="",
        by=district_staff,
        follow_up_official=official_b,
        on=APPROVED_ON,
    )

    assert household in Household.objects.visible_to(official_b.user)
    assert household not in Household.objects.looked_after_by(official_b.user)
    assert household not in Household.objects.editable_by(official_b.user)
    assert Pairing.objects.open().filter(official=official_b).count() == 2
    bystander = f.OfficialFactory()
    assert household not in Household.objects.visible_to(bystander.user)
