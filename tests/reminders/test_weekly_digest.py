"""The weekly digest by e-mail: each buddy gets what is due in the coming week for the
households they look after, by household code and village only (Django's test outbox)."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from agencies.models import Need
from households.cases.models import (
    Action,
    FollowUpCheck,
    Graduation,
    GraduationStatus,
    OwnerKind,
    Round,
    RoundKind,
    RoundStatus,
)
from households.models import Status
from households.reminders.services import send_weekly_digests
from tests import factories as f
from tests.cases.factories import ProblemFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def buddy(official_a):
    official_a.user.email = "somsri@example.go.th"
    official_a.user.save()
    return official_a


def looked_after(buddy, code, **fields):
    household = f.HouseholdFactory(
        code=code, village_no=5, village_name="หนองแวง", joined_on=dt.date(2026, 1, 10), **fields
    )
    f.PairingFactory(official=buddy, household=household, started_on=dt.date(2026, 1, 15))
    f.MemberFactory(household=household, first_name="บุญมี", last_name="ศรีสุข")
    return household


def complete_round(household, on):
    return Round.objects.create(
        household=household,
        kind=RoundKind.ENTRY,
        assessed_on=on,
        status=RoundStatus.COMPLETE,
        level=2,
    )


def test_a_buddy_gets_what_is_due_and_no_personal_data(buddy, settings):
    settings.KUSEAW_SITE_URL = "https://kuseaw.example.go.th"
    settings.KUSEAW_VISIT_OVERDUE_DAYS = 30
    settings.KUSEAW_ASSESSMENT_MONTHS = 6
    busy = looked_after(buddy, "KK0001")
    complete_round(busy, dt.date(2026, 6, 10))  # follow-up round due 10 Dec 2026
    problem = ProblemFactory(household=busy, dimension=Need.HEALTH, title="ป่วยเรื้อรังไม่ได้รักษา")
    for due in (dt.date(2026, 12, 1), dt.date(2026, 12, 10), dt.date(2027, 1, 20)):
        Action.objects.create(
            problem=problem,
            what="พาไปตรวจเบาหวานที่ รพ.สต.",
            owner_kind=OwnerKind.HOUSEHOLD,
            due_on=due,
        )
    f.VisitFactory(household=busy, official=buddy, visited_on=dt.date(2026, 10, 1))
    calm = looked_after(buddy, "KK0002")
    complete_round(calm, dt.date(2026, 11, 1))
    f.VisitFactory(
        household=calm,
        official=buddy,
        visited_on=dt.date(2026, 12, 1),
        next_follow_up=dt.date(2026, 12, 9),
    )
    looked_after(f.OfficialFactory(), "KK0003")  # someone else's

    counts = send_weekly_digests(TODAY)

    assert counts["sent"] == 1
    (message,) = mail.outbox
    assert message.to == ["somsri@example.go.th"]
    assert message.subject == "คู่เสี่ยว: สิ่งที่ต้องทำใน 7 วันข้างหน้า (2 ครัวเรือน)"
    body = message.body
    assert "ครัวเรือน KK0001 · หมู่ 5 บ้านหนองแวง ต.ในเมือง อ.เมืองขอนแก่น\n" in body
    assert "  - สำรวจติดตาม ครบกำหนด 10 ธ.ค. 2569" in body
    assert "  - กิจกรรมในแผนเลยกำหนด 1 รายการ" in body
    assert "  - กิจกรรมในแผนครบกำหนดภายใน 7 วัน 1 รายการ" in body
    assert "  - ยังไม่ได้เยี่ยมบ้านเกิน 30 วัน" in body
    assert f"https://kuseaw.example.go.th/households/{busy.pk}/" in body
    assert "ครัวเรือน KK0002" in body and "  - นัดเยี่ยมติดตาม 9 ธ.ค. 2569" in body
    assert "KK0003" not in body
    # Nothing but the code and the village: no name, no problem, no action's words.
    for private in ("บุญมี", "ศรีสุข", "เบาหวาน", "ป่วย", busy.members.get().national_id):
        assert private not in body


def test_nobody_with_nothing_due_or_no_address_is_mailed(buddy, official_b):
    household = looked_after(buddy, "KK0001")
    complete_round(household, TODAY - dt.timedelta(days=10))
    f.VisitFactory(household=household, official=buddy, visited_on=TODAY - dt.timedelta(days=3))
    looked_after(official_b, "KK0002")  # due, but official_b has no e-mail address
    official_b.user.email = ""
    official_b.user.save()

    counts = send_weekly_digests(TODAY)

    assert counts == {"sent": 0, "nothing_due": 1}
    assert mail.outbox == []


def test_a_follow_up_check_after_graduation_is_in_the_named_officials_digest(buddy, admin_user):
    """The household left the programme (no buddy any more); the check is the buddy's."""
    household = f.HouseholdFactory(code="KK0009", status=Status.GRADUATED)
    round_ = complete_round(household, dt.date(2026, 5, 1))
    graduation = Graduation.objects.create(
        household=household,
        round=round_,
        status=GraduationStatus.APPROVED,
        evidence="รายได้ผ่านเกณฑ์",
        household_agrees=True,
        proposed_by=buddy.user,
        decided_by=admin_user,
        graduated_on=dt.date(2026, 6, 10),
    )
    FollowUpCheck.objects.create(
        graduation=graduation, months=6, due_on=TODAY + dt.timedelta(days=3), official=buddy
    )

    send_weekly_digests(TODAY)

    (message,) = mail.outbox
    assert f"ครัวเรือน {household.code}" in message.body
    assert "ติดตามหลังพ้นความยากจน ครบกำหนด 10 ธ.ค. 2569" in message.body


def test_the_command_counts_without_sending_on_a_dry_run(buddy):
    looked_after(buddy, "KK0001")
    out = StringIO()

    call_command("send_reminders", "--dry-run", "--date", "07/12/2569", stdout=out)

    assert (
        out.getvalue().strip() == "จะส่ง 1 ฉบับ · ไม่มีงานครบกำหนด 0 คน · เรื่องส่งต่อเลยกำหนดถึง 0 หน่วยงาน"
    )
    assert mail.outbox == []
    call_command("send_reminders", "--date", "07/12/2569", stdout=StringIO())
    assert len(mail.outbox) == 1
