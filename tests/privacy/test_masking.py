"""National IDs show as x-xxxx-xxxxx-12-3, except on the case page for administrators, who
keep the records (and export them in full already)."""

import pytest
from django.urls import reverse

from kuseaw.national_id import mask_national_id
from tests import factories as f
from tests.privacy.conftest import page_of, text_of

NATIONAL_ID = "1101700203450"  # a valid ID: 1-1017-00203-45-0 on the card


def test_the_mask_keeps_only_the_last_three_digits_in_the_card_s_layout():
    assert mask_national_id(NATIONAL_ID) == "x-xxxx-xxxxx-45-0"
    assert mask_national_id(None) == "" and mask_national_id("") == ""
    assert mask_national_id("12345") == "xxxxx"  # not an ID: nothing of it shown


@pytest.fixture
def household(official_a):
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household, national_id=NATIONAL_ID)
    return household


@pytest.mark.parametrize(
    "persona", ["official_a", "coordinator_a", "district_staff", "province_viewer"]
)
def test_the_case_page_masks_ids_for_everyone_but_admins(request, client, household, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    html = page_of(client.get(reverse("households:detail", args=[household.pk])))

    assert "เลขประจำตัวประชาชน x-xxxx-xxxxx-45-0" in text_of(html)
    assert NATIONAL_ID not in html and "1-1017-00203-45-0" not in html


def test_an_admin_sees_the_full_id_on_the_case_page(client, admin_user, household):
    client.force_login(admin_user)
    html = page_of(client.get(reverse("households:detail", args=[household.pk])))
    assert "เลขประจำตัวประชาชน 1-1017-00203-45-0" in text_of(html)


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [("admin_user", True), ("province_viewer", False), ("official_a", False)],
)
def test_only_admins_find_the_privacy_page_in_the_menu(request, db, client, persona, sees_link):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    home = client.get(reverse("home"), follow=True).content.decode()
    assert (reverse("privacy:index") in home) is sees_link
