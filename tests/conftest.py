"""Named personas for the tests (like healthchecks' alice, bob and charlie)."""

import pytest

from officials.roles import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Personas are made in most tests; the production hasher would take most of the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agency_a(db):
    return f.AgencyFactory(code="CDD")  # a real agency from the fixtures


@pytest.fixture
def agency_b(db):
    return f.AgencyFactory(code="DOE")


@pytest.fixture
def official_a(agency_a):
    """An official of agency A working in Mueang Khon Kaen."""
    return f.OfficialFactory(agency=agency_a, user__username="official-a")


@pytest.fixture
def official_b(agency_b):
    """An official of agency B working in Ban Phai."""
    return f.OfficialFactory(
        agency=agency_b, district=f.district("4010"), user__username="official-b"
    )


@pytest.fixture
def coordinator_a(agency_a):
    user = f.UserFactory(username="coordinator-a", role=Role.COORDINATOR)
    f.StaffProfileFactory(user=user, agency=agency_a)
    return user


@pytest.fixture
def district_staff(db):
    """District staff of Mueang Khon Kaen (4001)."""
    user = f.UserFactory(username="district-4001", role=Role.DISTRICT)
    f.StaffProfileFactory(user=user, district=f.district("4001"))
    return user


@pytest.fixture
def province_viewer(db):
    return f.UserFactory(username="province", role=Role.PROVINCE)


@pytest.fixture
def admin_user(db):
    user = f.UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    return user
