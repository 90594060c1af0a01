"""Who gets which family profiles: one household's PDF answers like its case page (404 out
of scope), a batch holds only the households the user sees (Household.objects.visible_to)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from households.models import Status
from officials.roles import Role
from tests import factories as f
from tests.profiles.conftest import pages_text, pdf_text, searchable

pytestmark = pytest.mark.django_db


def household_pdf(client, user, household):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("profiles:household", args=[household.pk]))


def batch(client, user, **params):
    client.force_login(user)
    return client.get(reverse("profiles:batch"), params)


@pytest.mark.parametrize("who", ["official_a", "coordinator_a", "district_staff"])
def test_another_households_profile_is_not_found(client, request, other, who):
    user = request.getfixturevalue(who)
    response = household_pdf(client, getattr(user, "user", user), other)
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_an_official_of_the_same_agency_who_is_not_the_buddy_gets_404(client, agency_a, own):
    colleague = f.OfficialFactory(agency=agency_a, user__username="official-c")
    assert household_pdf(client, colleague.user, own).status_code == 404


def test_a_user_without_a_role_gets_404_and_anonymous_the_login(client, own):
    anonymous = household_pdf(client, None, own)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    assert household_pdf(client, f.UserFactory(), own).status_code == 404


def test_a_household_that_does_not_exist_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/profiles/999999.pdf").status_code == 404


def test_the_district_batch_holds_the_districts_households_each_from_a_new_page(
    client, district_staff, own, other, waiting
):
    response = batch(client, district_staff, district="4001")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="kuseaw-profiles-4001.pdf"'
    text = pdf_text(response.content)
    assert own.code in text and waiting.code in text
    assert other.code not in text and searchable("บุญมี ทองดี") not in text
    # Each household starts a page of its own, in the order of subdistrict and village.
    starts = [page for page in pages_text(response.content) if "แฟ้มครอบครัวรหัสครัวเรือน" in page]
    assert [own.code in starts[0], waiting.code in starts[1]] == [True, True]
    assert len(starts) == 2
    outline = [item.title for item in PdfReader(io.BytesIO(response.content)).outline]
    assert [title.split()[0] for title in outline] == [own.code, waiting.code]


def test_an_officials_batch_holds_only_their_own_households(client, official_a, own, waiting):
    text = pdf_text(batch(client, official_a.user, district="4001").content)
    assert own.code in text and waiting.code not in text


def test_a_coordinators_batch_holds_only_their_agencys_households(
    client, coordinator_a, own, waiting
):
    text = pdf_text(batch(client, coordinator_a, district="4001").content)
    assert own.code in text and waiting.code not in text


def test_a_subdistrict_batch_holds_that_subdistrict_only(client, province_viewer, own, waiting):
    text = pdf_text(batch(client, province_viewer, subdistrict="400102").content)
    assert waiting.code in text and own.code not in text


def test_a_batch_can_be_narrowed_to_households_in_the_programme(client, admin_user, own, waiting):
    waiting.status = Status.MOVED
    waiting.save()
    text = pdf_text(batch(client, admin_user, district="4001", status=Status.ACTIVE).content)
    assert own.code in text and waiting.code not in text


def test_a_district_outside_the_users_scope_is_404_with_a_thai_message(
    client, district_staff, other
):
    response = batch(client, district_staff, district="4010")
    assert response.status_code == 404
    assert "ไม่มีครัวเรือนในอำเภอบ้านไผ่ที่บัญชีของคุณดูได้" in response.content.decode()


def test_a_subdistrict_where_the_coordinator_sees_no_household_is_404(
    client, coordinator_a, waiting
):
    response = batch(client, coordinator_a, subdistrict="400102")
    assert response.status_code == 404
    assert "ที่บัญชีของคุณดูได้" in response.content.decode()


def test_a_user_without_a_role_gets_no_batch(client, own):
    assert batch(client, f.UserFactory(), district="4001").status_code == 404


def test_an_earlier_buddy_still_reads_the_profile(client, official_a, own):
    pairing = own.pairings.get()
    pairing.ended_on, pairing.end_reason = pairing.started_on, "reassigned"
    pairing.save()
    assert household_pdf(client, official_a.user, own).status_code == 200


def test_provincial_staff_read_every_profile(client, own, other):
    viewer = f.UserFactory(username="province-2", role=Role.PROVINCE)
    assert household_pdf(client, viewer, other).status_code == 200
