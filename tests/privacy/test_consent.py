"""Recording a household's consent on the case page: given, refused or withdrawn, when (BE),
how (signed form, or spoken before a witness), who recorded it."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Consent, ConsentDecision, ConsentMethod, Household
from kuseaw.thaidate import format_be
from tests import factories as f
from tests.privacy.conftest import page_of, text_of


@pytest.fixture
def household(official_a):
    return f.PairingFactory(official=official_a).household


@pytest.fixture
def head(household):
    return f.MemberFactory(household=household, title="นาง", first_name="คำปุน", last_name="แสนดี")


def url(household):
    return reverse("privacy:consent_new", args=[household.pk])


def consent_data(**overrides):
    data = {
        "decision": ConsentDecision.GIVEN,
        "decided_on": "20/01/2567",
        "method": ConsentMethod.SIGNED_FORM,
        "given_by": "",
        "witness": "",
        "note": "",
    }
    return {**data, **overrides}


def error_of(html: str, field: str) -> str:
    match = re.search(rf'id="error_\d+_id_{field}"[^>]*>(.*?)</', html, re.S) or re.search(
        rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S
    )
    assert match, f"no error shown for {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_buddy_records_a_signed_consent_and_the_case_page_shows_it(
    client, official_a, household, head
):
    client.force_login(official_a.user)
    case = reverse("households:detail", args=[household.pk])
    assert url(household) in page_of(client.get(case))
    form = page_of(client.get(url(household)))
    assert 'name="decided_on"' in form and format_be(timezone.localdate(), "numeric") in form

    response = client.post(url(household), consent_data(given_by=head.pk, note="เก็บแบบฟอร์มที่ อบต."))

    assert response.status_code == 302 and response.url == case
    consent = Consent.objects.get(household=household)
    assert consent.decided_on == dt.date(2024, 1, 20)
    assert consent.recorded_by == official_a.user
    assert consent.given_by == head
    household.refresh_from_db()
    assert household.consent_given and household.consent_date == dt.date(2024, 1, 20)
    page = text_of(page_of(client.get(case)))
    assert "ยินยอม เมื่อ 20 ม.ค. 2567 · ลงนามในหนังสือให้ความยินยอม" in page
    assert f"โดย นางคำปุน แสนดี · บันทึกโดย {official_a.user.get_full_name()}" in page
    assert "เก็บแบบฟอร์มที่ อบต." in page
    assert "ยินยอมให้ใช้ข้อมูลเมื่อ 20 ม.ค. 2567" in page  # the profile's summary


def test_a_later_withdrawal_ends_the_consent_and_both_records_stay(client, official_a, household):
    client.force_login(official_a.user)
    client.post(url(household), consent_data())
    client.post(
        url(household),
        consent_data(
            decision=ConsentDecision.WITHDRAWN,
            decided_on="01/03/2567",
            method=ConsentMethod.VERBAL_WITNESSED,
            witness="นายสมศักดิ์ ผู้ใหญ่บ้าน",
        ),
    )

    household.refresh_from_db()
    assert not household.consent_given and household.consent_date is None
    assert [c.decision for c in household.consents.all()] == ["withdrawn", "given"]
    page = text_of(page_of(client.get(reverse("households:detail", args=[household.pk]))))
    assert "ถอนความยินยอม เมื่อ 1 มี.ค. 2567 · แจ้งด้วยวาจา มีพยานรับรู้" in page
    assert "พยาน นายสมศักดิ์ ผู้ใหญ่บ้าน" in page
    assert "ยังไม่ได้ให้ความยินยอม" in page


def test_a_paper_form_recorded_late_does_not_override_a_newer_decision(
    client, official_a, household
):
    client.force_login(official_a.user)
    client.post(
        url(household), consent_data(decision=ConsentDecision.REFUSED, decided_on="01/03/2567")
    )
    client.post(url(household), consent_data(decided_on="01/01/2567"))  # an older signed form

    household.refresh_from_db()
    assert not household.consent_given


def test_consent_given_by_word_of_mouth_needs_a_witness(client, official_a, household):
    client.force_login(official_a.user)

    response = client.post(url(household), consent_data(method=ConsentMethod.VERBAL_WITNESSED))

    html = page_of(response)
    assert "แจ้งด้วยวาจาต้องระบุชื่อพยาน" in error_of(html, "witness")
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2567", "ไม่มีวันที่ «31/02/2567» ในปฏิทิน"),
        ("เมื่อวาน", "อ่านวันที่ «เมื่อวาน» ไม่ได้"),
        ("", "กรุณากรอกข้อมูลช่องนี้"),
    ],
)
def test_a_date_that_cannot_be_read_is_refused_in_thai(
    client, official_a, household, typed, message
):
    client.force_login(official_a.user)
    html = page_of(client.post(url(household), consent_data(decided_on=typed)))
    assert message in error_of(html, "decided_on")
    assert not Consent.objects.exists()


def test_a_date_after_today_is_refused(client, official_a, household):
    client.force_login(official_a.user)
    tomorrow = format_be(timezone.localdate() + dt.timedelta(days=1), "numeric")
    html = page_of(client.post(url(household), consent_data(decided_on=tomorrow)))
    assert "วันที่ต้องไม่เลยวันนี้" in error_of(html, "decided_on")


def test_only_a_member_of_this_household_can_be_named_as_giving_consent(
    client, official_a, household
):
    stranger = f.MemberFactory()  # of another household
    client.force_login(official_a.user)

    html = page_of(client.post(url(household), consent_data(given_by=stranger.pk)))

    assert "ตัวเลือก" in error_of(html, "given_by")  # Django's Thai "not a valid choice"
    assert not Consent.objects.exists()


def test_an_admin_records_consent_too(client, admin_user, household):
    client.force_login(admin_user)
    assert client.post(url(household), consent_data()).status_code == 302
    assert Consent.objects.get().recorded_by == admin_user


@pytest.mark.parametrize(
    "persona", ["official_b", "coordinator_a", "district_staff", "province_viewer"]
)
def test_who_may_not_edit_the_household_cannot_record_its_consent(
    request, client, household, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    assert client.get(url(household)).status_code == 404
    assert client.post(url(household), consent_data()).status_code == 404
    assert not Consent.objects.exists()
    assert not Household.objects.get(pk=household.pk).consent_given
    case = client.get(reverse("households:detail", args=[household.pk]))
    if case.status_code == 200:  # those who may see the case file see no consent button
        assert url(household) not in case.content.decode()


def test_a_former_buddy_cannot_record_consent(client, official_b, household):
    f.PairingFactory(
        official=official_b,
        household=f.HouseholdFactory(),
    )
    old = f.PairingFactory(
        official=official_b,
        started_on=dt.date(2023, 1, 1),
        ended_on=dt.date(2023, 12, 31),
        end_reason="reassigned",
    ).household
    client.force_login(official_b.user)

    assert client.get(reverse("households:detail", args=[old.pk])).status_code == 200
    assert client.get(url(old)).status_code == 404


def test_consent_from_an_import_shows_until_a_record_says_how_it_was_given(
    client, official_a, household
):
    Household.objects.filter(pk=household.pk).update(
        consent_given=True, consent_date=dt.date(2023, 12, 1)
    )
    client.force_login(official_a.user)
    page = text_of(page_of(client.get(reverse("households:detail", args=[household.pk]))))
    assert "ยินยอมให้ใช้ข้อมูลเมื่อ 1 ธ.ค. 2566 (จากข้อมูลครัวเรือนหรือไฟล์นำเข้า" in page


def test_an_over_long_note_is_refused_and_nothing_is_recorded(
    client, official_a, household, settings
):
    """The note is free text like the visit's: at most KUSEAW_TEXT_MAX_LENGTH characters,
    said in Thai, what was typed kept."""
    settings.KUSEAW_TEXT_MAX_LENGTH = 2000
    client.force_login(official_a.user)
    note = "บันทึกยาว" * 300  # 2,700 characters

    response = client.post(url(household), consent_data(note=note))

    assert response.status_code == 200
    html = page_of(response)
    assert error_of(html, "note") == "ข้อความยาวได้ไม่เกิน 2000 ตัวอักษร (ที่กรอกมี 2700 ตัวอักษร)"
    assert note in html
    assert not Consent.objects.filter(household=household).exists()
