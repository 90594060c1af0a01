"""Household.objects.visible_to: the one place that decides which households a user sees."""

import pytest

from households.models import Household
from officials.services import pairing_end
from tests import factories as f


@pytest.fixture
def town_household(official_a):
    """Paired to official A (agency A), in Mueang Khon Kaen."""
    pairing = f.PairingFactory(official=official_a, household__subdistrict=f.subdistrict("400101"))
    return pairing.household


@pytest.fixture
def ban_phai_household(official_b):
    """Paired to official B (agency B), in Ban Phai (4010)."""
    pairing = f.PairingFactory(official=official_b, household__subdistrict=f.subdistrict("401001"))
    return pairing.household


@pytest.fixture
def waiting_household(db):
    """Unpaired, in Mueang Khon Kaen."""
    return f.HouseholdFactory(subdistrict=f.subdistrict("400102"))


def visible(user):
    return set(Household.objects.visible_to(user))


def test_official_sees_only_their_own_households(official_a, town_household, ban_phai_household):
    assert visible(official_a.user) == {town_household}


def test_official_keeps_read_access_to_earlier_households_but_cannot_edit_them(
    official_a, town_household
):
    pairing_end(pairing=town_household.pairings.get(), reason="official_transferred")
    assert visible(official_a.user) == {town_household}
    assert set(Household.objects.editable_by(official_a.user)) == set()


def test_coordinator_sees_households_of_their_agency_officials(
    coordinator_a, town_household, ban_phai_household, waiting_household
):
    assert visible(coordinator_a) == {town_household}


def test_district_staff_see_their_district_paired_or_not(
    district_staff, town_household, ban_phai_household, waiting_household
):
    assert visible(district_staff) == {town_household, waiting_household}


def test_province_and_admin_see_everything(
    province_viewer, admin_user, town_household, ban_phai_household, waiting_household
):
    everything = {town_household, ban_phai_household, waiting_household}
    assert visible(province_viewer) == everything
    assert visible(admin_user) == everything
    assert set(Household.objects.editable_by(province_viewer)) == set()


def test_user_without_role_or_scope_sees_nothing(db, town_household):
    from officials.roles import Role

    assert visible(f.UserFactory()) == set()
    # District staff whose district was never set: nothing rather than everything.
    assert visible(f.UserFactory(role=Role.DISTRICT)) == set()
    assert visible(f.UserFactory(role=Role.COORDINATOR)) == set()


def test_unpaired_lists_active_households_without_an_open_pairing(
    town_household, waiting_household
):
    gone = f.HouseholdFactory(status="moved")
    assert set(Household.objects.unpaired()) == {waiting_household}
    assert gone not in Household.objects.unpaired()
