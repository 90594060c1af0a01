"""Tampering with household URLs (issue 3): ids from another household, huge or non-numeric
ids, and an official who is no longer active.

Who may open which household page is docs/permissions.md, run cell by cell by
tests/security/test_permission_matrix.py; these are the cases a table of roles does not show.
"""

import dataclasses

import pytest
from django.urls import reverse

from officials.services import pairing_create
from tests import factories as f
from tests.security import matrix as m

WITH_RECORD = {"aid_update": "aid_pk", "member_edit": "member_pk", "member_move_out": "member_pk"}
HOUSEHOLD_VIEWS = (
    "detail",
    "edit",
    "visit_new",
    "aid_new",
    "aid_update",
    "member_new",
    "member_edit",
    "member_move_out",
)


@pytest.fixture
def own_and_other(official_a, official_b):
    """H1 paired to official A, H2 to official B, each with a head, a child and an aid record."""
    own, other = m.make_case("H1", "400101"), m.make_case("H2", "401001")
    pairing_create(official=official_a, household=own.household)
    pairing_create(official=official_b, household=other.household)
    return own, other


def url_for(view, case):
    args = [case.household.pk]
    if view == "aid_update":
        args.append(case.aid.pk)
    if view in ("member_edit", "member_move_out"):
        args.append(case.member.pk)
    return reverse(f"households:{view}", args=args)


@pytest.mark.parametrize("persona", ["official_a", "admin_user"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("view", list(WITH_RECORD))
def test_own_household_in_url_cannot_reach_another_households_record(
    request, client, own_and_other, persona, method, view
):
    """H1 in the URL (writable by both personas) with an aid or member id of H2."""
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    own, other = own_and_other
    mixed = dataclasses.replace(own, aid=other.aid, member=other.member)
    url = url_for(view, mixed)
    before = m.snapshot()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, m.ACTIONS[f"households:{view}"].data(None, mixed))
    assert response.status_code == 404
    assert m.snapshot() == before


HUGE_IDS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("view", HOUSEHOLD_VIEWS)
def test_huge_household_id_is_404(client, own_and_other, admin_user, view, huge):
    client.force_login(admin_user)
    own, _ = own_and_other
    args = [huge]
    if view in WITH_RECORD:
        args.append(own.aid.pk if view == "aid_update" else own.member.pk)
    url = reverse(f"households:{view}", args=args)
    assert client.get(url).status_code == 404
    # The case page is read-only: a POST is refused before any lookup.
    assert client.post(url, {}).status_code == (405 if view == "detail" else 404)


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("view", list(WITH_RECORD))
def test_huge_record_id_is_404(client, own_and_other, official_a, view, huge):
    client.force_login(official_a.user)
    url = reverse(f"households:{view}", args=[own_and_other[0].household.pk, huge])
    before = m.snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert m.snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/households/abc/",
        "/households/1.0/edit/",
        "/households/-1/visits/new/",
        "/households/%E0%B9%91/aid/new/",  # Thai digit one
        "/households/{pk}/aid/abc/",
        "/households/{pk}/members/x/edit/",
        "/households/{pk}/members/1e3/move-out/",
    ],
)
def test_non_numeric_id_is_404(client, own_and_other, official_a, path):
    client.force_login(official_a.user)
    url = path.format(pk=own_and_other[0].household.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_inactive_official_keeps_reading_but_can_no_longer_write(client, official_a):
    household = f.PairingFactory(official=official_a).household
    official_a.is_active = False
    official_a.save()
    client.force_login(official_a.user)
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200
    assert client.get(reverse("households:visit_new", args=[household.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[household.pk])).status_code == 404
