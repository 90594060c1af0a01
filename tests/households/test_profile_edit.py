"""Changing a household's profile and its members: adding, editing, a new head, moving out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Cause, Member, PovertyLevel, Relation, Sex
from kuseaw.national_id import format_national_id
from kuseaw.thaidate import format_be
from tests import factories as f
from tests.html_checks import assert_page_ok
from tests.html_checks import field_error as error_of


@pytest.fixture
def household(official_a):
    household = f.PairingFactory(official=official_a).household
    return household


@pytest.fixture
def head(household):
    return f.MemberFactory(household=household, first_name="บุญมี", last_name="ศรีสุข")


@pytest.fixture
def spouse(household, head):
    return f.MemberFactory(
        household=household,
        title="นาง",
        first_name="คำปุน",
        last_name="ศรีสุข",
        sex=Sex.FEMALE,
        relation=Relation.SPOUSE,
        is_head=False,
    )


@pytest.fixture
def logged_in(client, official_a):
    client.force_login(official_a.user)
    return client


def page_of(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    return html


def case_page(client, household) -> str:
    return page_of(client.get(reverse("households:detail", args=[household.pk])))


def household_data(**overrides):
    data = {
        "house_no": "99/1",
        "village_no": "7",
        "village_name": "หนองแวง",
        "phone": "0891234567",
        "poverty_level": PovertyLevel.GETTING_BY,
        "cause": Cause.LACK_OF_OPPORTUNITY,
        "need_health": "on",
        "need_education": "on",
        "annual_income": "84000",
        "debts": "12000",
        "land_rai": "4.25",
        "livelihood_assets": "ควาย 1 ตัว จักรเย็บผ้า",
    }
    return {**data, **overrides}


def member_data(**overrides):
    data = {
        "title": "ด.ช.",
        "first_name": "ภูผา",
        "last_name": "ศรีสุข",
        "national_id": "",
        "birth_date": "15/06/2558",
        "sex": Sex.MALE,
        "relation": Relation.GRANDCHILD,
        "education": "primary",
        "occupation": "นักเรียน",
        "income": "0",
        "phone": "",
        "disability": "",
        "chronic_illness": "",
    }
    return {**data, **overrides}


def data_of(member, **overrides):
    """The member form as it would come back unchanged, with `overrides`."""
    data = member_data(
        title=member.title,
        first_name=member.first_name,
        last_name=member.last_name,
        national_id=member.national_id or "",
        birth_date=format_be(member.birth_date, "numeric") if member.birth_date else "",
        sex=member.sex,
        relation=member.relation,
        education=member.education,
        occupation=member.occupation,
    )
    if member.is_head:
        data["is_head"] = "on"
    return {**data, **overrides}


# The household's profile


def test_official_edits_the_household_profile(logged_in, household, head):
    url = reverse("households:edit", args=[household.pk])
    assert 'name="house_no"' in page_of(logged_in.get(url))

    response = logged_in.post(url, household_data())

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])
    household.refresh_from_db()
    assert household.house_no == "99/1"
    assert household.village_no == 7
    assert household.poverty_level == PovertyLevel.GETTING_BY
    assert household.needs == ["ด้านสุขภาพ", "ด้านการศึกษา"]
    assert household.annual_income == Decimal("84000")
    assert household.land_rai == Decimal("4.25")
    html = case_page(logged_in, household)
    assert "บันทึกข้อมูลครัวเรือนเรียบร้อยแล้ว" in html
    assert "ควาย 1 ตัว จักรเย็บผ้า" in html


def test_the_profile_form_does_not_change_consent(logged_in, household, head):
    # Consent is recorded on its own page, with how it was given (tests/privacy).
    url = reverse("households:edit", args=[household.pk])
    assert 'name="consent_given"' not in page_of(logged_in.get(url))

    response = logged_in.post(url, household_data(consent_given="on", consent_date="01/02/2567"))

    assert response.status_code == 302
    household.refresh_from_db()
    assert not household.consent_given
    assert household.consent_date is None


def test_household_profile_errors_are_in_thai(logged_in, household, head):
    url = reverse("households:edit", args=[household.pk])

    html = page_of(logged_in.post(url, household_data(house_no="")))

    assert error_of(html, "house_no") == "กรุณากรอกข้อมูลช่องนี้"
    assert "หนองแวง" in html  # what was typed stays
    household.refresh_from_db()
    assert household.house_no != ""


# Members


def test_official_adds_a_member_with_a_dashed_national_id(logged_in, household, head):
    url = reverse("households:member_new", args=[household.pk])
    national_id = f.national_id_for(424242)
    dashed = format_national_id(national_id)  # 3-0000-04242-42-x, as printed on the card
    assert 'name="first_name"' in page_of(logged_in.get(url))

    response = logged_in.post(url, member_data(national_id=dashed))

    assert response.status_code == 302
    member = household.members.get(first_name="ภูผา")
    assert member.national_id == national_id
    assert member.birth_date == dt.date(2015, 6, 15)
    assert not member.is_head
    assert member.updated_by is not None
    html = case_page(logged_in, household)
    assert "บันทึกข้อมูล ด.ช.ภูผา ศรีสุข เรียบร้อยแล้ว" in html
    assert "หลาน" in html
    assert national_id not in html  # masked on the case page


def test_national_id_with_a_wrong_check_digit_is_refused_in_thai(logged_in, household, head):
    url = reverse("households:member_new", args=[household.pk])
    national_id = f.national_id_for(424242)
    wrong = national_id[:12] + str((int(national_id[12]) + 1) % 10)

    html = page_of(logged_in.post(url, member_data(national_id=wrong)))

    assert error_of(html, "national_id") == (
        "เลขประจำตัวประชาชนไม่ถูกต้อง: ตัวเลขตรวจสอบ (หลักสุดท้าย) ไม่ตรง"
    )
    assert f'value="{wrong}"' in html
    assert not household.members.filter(first_name="ภูผา").exists()


def test_national_id_already_in_the_programme_is_refused_in_thai(
    logged_in, household, head, official_b
):
    elsewhere = f.MemberFactory(household=f.PairingFactory(official=official_b).household)
    url = reverse("households:member_new", args=[household.pk])

    html = page_of(logged_in.post(url, member_data(national_id=elsewhere.national_id)))

    assert error_of(html, "national_id") == "เลขประจำตัวประชาชนนี้มีอยู่ในโครงการแล้ว"
    assert elsewhere.first_name not in html  # and says nothing about whose it is
    assert not household.members.filter(first_name="ภูผา").exists()


def test_official_edits_a_member(logged_in, household, spouse):
    url = reverse("households:member_edit", args=[household.pk, spouse.pk])
    html = page_of(logged_in.get(url))
    assert 'value="คำปุน"' in html

    response = logged_in.post(url, data_of(spouse, occupation="ทอผ้าไหม", chronic_illness="เบาหวาน"))

    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.occupation == "ทอผ้าไหม"
    assert spouse.chronic_illness == "เบาหวาน"
    assert "ทอผ้าไหม" in case_page(logged_in, household)


def test_making_another_member_head_leaves_one_head(logged_in, household, head, spouse):
    url = reverse("households:member_edit", args=[household.pk, spouse.pk])

    response = logged_in.post(url, data_of(spouse, is_head="on"))

    assert response.status_code == 302
    assert list(household.members.filter(is_head=True)) == [spouse]
    spouse.refresh_from_db()
    head.refresh_from_db()
    assert spouse.relation == "head"
    assert head.relation == "relative" and not head.is_head
    html = case_page(logged_in, household)
    assert '<h1 class="h3 mb-0">นางคำปุน ศรีสุข</h1>' in html


def test_unticking_the_head_is_refused(logged_in, household, head, spouse):
    url = reverse("households:member_edit", args=[household.pk, head.pk])
    data = data_of(head)
    del data["is_head"]

    html = page_of(logged_in.post(url, data))

    assert "ครัวเรือนต้องมีหัวหน้าครัวเรือน" in error_of(html, "is_head")
    head.refresh_from_db()
    assert head.is_head


def test_moving_a_member_out_lists_them_as_moved_out(logged_in, household, head, spouse):
    url = reverse("households:member_move_out", args=[household.pk, spouse.pk])
    html = page_of(logged_in.get(url))
    assert f'name="left_on" value="{format_be(timezone.localdate(), "numeric")}"' in html

    response = logged_in.post(url, {"left_on": "01/07/2567"})

    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.left_on == dt.date(2024, 7, 1)
    html = case_page(logged_in, household)
    assert "บันทึกว่า นางคำปุน ศรีสุข ย้ายออกแล้ว" in html
    assert "สมาชิกครัวเรือน 1 คน" in html
    moved_out = html.split('id="moved-out-title"', 1)[1]
    assert "นางคำปุน ศรีสุข (คู่สมรส) ย้ายออกเมื่อ 1 ก.ค. 2567" in moved_out
    # A member who has left is no longer edited from the case page.
    edit = reverse("households:member_edit", args=[household.pk, spouse.pk])
    assert logged_in.get(edit).status_code == 404


def test_head_cannot_be_moved_out(logged_in, household, head, spouse):
    url = reverse("households:member_move_out", args=[household.pk, head.pk])

    html = page_of(logged_in.post(url, {"left_on": "01/07/2567"}))

    assert "ย้ายหัวหน้าครัวเรือนออกไม่ได้ ให้ตั้งหัวหน้าครัวเรือนคนใหม่ก่อน" in html
    head.refresh_from_db()
    assert head.left_on is None
    assert Member.objects.current().filter(household=household).count() == 2
