"""A problem referred to a partner: the buddy sends it (from an offer), the partner's
coordinator is told, accepts or declines it with a reason, and marks it done with the
outcome; an offer's places go down as referrals are accepted; every step is on the
household's timeline and in its history; who may take each step."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from agencies.models import Need, OrganisationKind, Sector
from households.history import household_history
from households.models import AccessAction, AccessLog
from households.referrals import notify, services
from households.referrals.models import Offer, OfferKind, Referral, ReferralStatus
from kuseaw.thaidate import format_be
from officials.roles import Role
from tests import factories as f
from tests.cases.factories import ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return f.AgencyFactory(
        code="CHAMBER",
        name_th="หอการค้าจังหวัดขอนแก่น",
        short_name_th="หอการค้า",
        sector=Sector.PRIVATE,
        kind=OrganisationKind.FOUNDATION,
    )


@pytest.fixture
def partner_coordinator(partner):
    user = f.UserFactory(username="chamber", role=Role.COORDINATOR, email="csr@chamber.example")
    f.StaffProfileFactory(user=user, agency=partner)
    return user


@pytest.fixture
def job(partner):
    return Offer.objects.create(
        agency=partner,
        kind=OfferKind.JOB,
        title="พนักงานคลังสินค้า",
        capacity=1,
        needs=[Need.INCOME],
        ends_on=timezone.localdate() + dt.timedelta(days=20),
    )


@pytest.fixture
def household(official_a):
    household = f.HouseholdFactory(code="KK0101", village_no=7, annual_income=30000)
    f.PairingFactory(official=official_a, household=household)
    f.MemberFactory(household=household, first_name="ทองดี", phone="0812223333")
    return household


@pytest.fixture
def problem(household):
    return ProblemFactory(household=household, dimension=Need.INCOME, title="ไม่มีงานประจำ")


def refer_url(problem, offer=None):
    url = reverse("referrals:refer", args=[problem.household_id, problem.pk])
    return f"{url}?offer={offer.pk}" if offer else url


def send(client, problem, from_offer, **data):
    page = client.get(refer_url(problem, from_offer))
    form = page.context["form"]
    posted = {
        "agency": form["agency"].value(),
        "offer": form["offer"].value() or "",
        "message": "ช่วยรับเข้าทำงานด้วย ขยันมาก",
        "due_on": format_be(form["due_on"].value(), "numeric"),
        "token": form["token"].value(),
        **data,
    }
    return client.post(refer_url(problem, from_offer), posted)


def answer(client, referral, step, **data):
    return client.post(reverse("referrals:answer", args=[referral.pk]), {"step": step, **data})


def referred(problem, to_offer, by, **fields) -> Referral:
    """A referral sent through the service to the offer's organisation (to the offer
    itself unless `offer` says otherwise)."""
    fields = {"offer": to_offer, "message": "", "due_on": to_offer.ends_on, **fields}
    referral, _ = services.referral_send(problem=problem, agency=to_offer.agency, by=by, **fields)
    return referral


def test_the_buddy_refers_a_problem_and_the_partner_takes_it_to_done(
    client, official_a, problem, job, partner_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(official_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, problem, job)

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.agency, referral.offer, referral.status) == (job.agency, job, "sent")
    assert referral.due_on == job.ends_on and referral.sent_by == official_a.user
    (told,) = mail.outbox
    assert told.to == ["csr@chamber.example"]
    assert "ครัวเรือน KK0101 · หมู่ 7" in told.body
    assert "ทองดี" not in told.body and "ไม่มีงานประจำ" not in told.body  # no personal data

    client.force_login(partner_coordinator)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert "ครัวเรือน KK0101" in inbox and "รอตอบรับ (1)" in inbox
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "ทองดี" in page and "0812223333" in page and "ไม่มีงานประจำ" in page
    head = problem.household.members.get()
    assert head.national_id not in page and "30,000" not in page  # no ID, no income
    assert "รับได้อีก 1 จาก 1" in page
    opened = AccessLog.objects.get(action=AccessAction.REFERRAL_OPENED)
    assert (opened.user, opened.household) == (partner_coordinator, problem.household)

    assert answer(client, referral, "accept").status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.answered_by == partner_coordinator
    assert job.places_left() == 0
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "รับได้อีก 0 จาก 1" in page

    assert answer(client, referral, "done", outcome="").status_code == 400  # says how it went
    answer(client, referral, "done", outcome="เริ่มงานแล้ว เงินเดือน 11,000 บาท")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE and referral.done_on == timezone.localdate()

    client.force_login(official_a.user)
    case = client.get(reverse("households:detail", args=[problem.household_id])).content.decode()
    assert "ถึงหอการค้าจังหวัดขอนแก่น" in case
    assert f"รับเรื่อง {format_be(timezone.localdate())}" in case
    assert "ดำเนินการเสร็จ" in case and "เริ่มงานแล้ว เงินเดือน 11,000 บาท" in case
    history = [entry.what for entry in household_history(problem.household)]
    assert "เพิ่มการส่งต่อ" in history and "แก้ไขการส่งต่อ" in history


def test_a_declined_referral_says_why_and_frees_nothing(
    client, official_a, problem, job, partner_coordinator
):
    referral = referred(problem, job, official_a.user)
    client.force_login(partner_coordinator)

    assert answer(client, referral, "decline", reason=" ").status_code == 400
    assert "กรุณาระบุเหตุที่ปฏิเสธ" in answer(client, referral, "decline").content.decode()
    answer(client, referral, "decline", reason="ต้องมีใบขับขี่")

    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == ("declined", "ต้องมีใบขับขี่")
    assert job.places_left() == 1
    assert answer(client, referral, "accept").status_code == 400  # no step after a refusal


def test_a_full_offer_cannot_be_accepted_again(official_a, problem, job, partner_coordinator):
    other = ProblemFactory(household=f.HouseholdFactory(), dimension=Need.INCOME)
    first = referred(problem, job, official_a.user)
    second = referred(other, job, official_a.user)
    services.referral_accept(referral=first, by=partner_coordinator)

    with pytest.raises(services.ReferralError, match="รับครบ 1 แล้ว"):
        services.referral_accept(referral=second, by=partner_coordinator)
    assert Referral.objects.get(pk=second.pk).status == ReferralStatus.SENT


def test_only_the_receiving_organisation_answers(
    client, official_a, coordinator_a, district_staff, admin_user, problem, job, partner_coordinator
):
    referral = referred(problem, job, official_a.user)
    detail = reverse("referrals:detail", args=[referral.pk])
    for user in (official_a.user, coordinator_a, district_staff):
        client.force_login(user)
        assert client.get(detail).status_code == 404
        assert answer(client, referral, "accept").status_code == 404
    client.force_login(coordinator_a)  # another agency's coordinator: an empty inbox
    assert "ครัวเรือน KK0101" not in client.get(reverse("referrals:inbox")).content.decode()
    client.force_login(official_a.user)
    assert client.get(reverse("referrals:inbox")).status_code == 404
    client.force_login(admin_user)
    assert client.get(detail).status_code == 200
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_a_resent_form_refers_once_and_a_closed_offer_is_refused(client, official_a, problem, job):
    client.force_login(official_a.user)
    token = str(uuid.uuid4())
    send(client, problem, job, token=token)
    send(client, problem, job, token=token)
    assert Referral.objects.count() == 1

    job.is_active = False
    job.save()
    response = send(client, problem, None, agency=job.agency_id, offer=job.pk)
    assert response.status_code == 400
    assert "ข้อเสนอนี้ปิดรับหรือหมดเขตแล้ว" in response.content.decode()


def test_overdue_referrals_are_flagged_and_mailed_to_their_inbox(
    client, official_a, problem, job, partner_coordinator
):
    referral = referred(problem, job, official_a.user, offer=None, due_on=timezone.localdate())
    later = timezone.localdate() + dt.timedelta(days=3)
    assert list(Referral.objects.overdue(later)) == [referral]

    (notice,) = notify.overdue_notices(later)

    assert notice.to == ["csr@chamber.example"]
    assert "เรื่องส่งต่อถึงหอการค้าจังหวัดขอนแก่นที่เลยกำหนด 1 เรื่อง" in notice.body
    assert "ครัวเรือน KK0101" in notice.body and "ทองดี" not in notice.body
    assert notify.overdue_notices(timezone.localdate()) == []  # due today: not yet overdue
