"""The navigation offers each role the pages it may open, by the same tests as the views."""

import pytest
from django.urls import reverse

from officials.roles import Role
from tests import factories as f

PAIRING = f'href="{reverse("pairing:index")}"'
IMPORTS = f'href="{reverse("imports:index")}"'
PRIVACY = f'href="{reverse("privacy:index")}"'
ADMIN = f'href="{reverse("admin:index")}"'


@pytest.mark.parametrize(
    "persona, pairing, admin_pages",
    [
        ("official_a", False, False),
        ("coordinator_a", True, False),
        ("district_staff", True, False),
        ("province_viewer", False, False),
        ("admin_user", True, True),
    ],
)
def test_each_role_sees_the_links_to_the_pages_it_may_open(
    db, client, request, persona, pairing, admin_pages
):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)  # an Official persona logs in as its user
    client.force_login(user)
    page = client.get(reverse("dashboard:overview")).content.decode()
    assert (PAIRING in page) is pairing
    assert (IMPORTS in page) is admin_pages
    assert (PRIVACY in page) is admin_pages
    assert (ADMIN in page) is admin_pages
    # Each link leads to a page that opens for this role, and each missing one would not.
    assert client.get(reverse("pairing:index")).status_code == (200 if pairing else 404)
    assert client.get(reverse("imports:index")).status_code == (200 if admin_pages else 404)


def test_an_admin_without_staff_status_gets_no_link_to_the_django_admin(db, client):
    user = f.UserFactory(username="admin-no-staff", role=Role.ADMIN, is_staff=False)
    client.force_login(user)
    page = client.get(reverse("dashboard:overview")).content.decode()
    assert IMPORTS in page
    assert ADMIN not in page
