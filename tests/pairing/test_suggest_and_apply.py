"""Suggesting and applying pairings, reassigning, and coverage (households.pairing)."""

import datetime as dt

import pytest

from agencies.models import Agency
from households.models import Household
from households.pairing.services import (
    ProposalError,
    coverage_by_agency,
    coverage_by_district,
    pairing_apply,
    pairing_suggest,
)
from officials.models import EndReason, Official, Pairing
from officials.services import PairingError, pairing_create, pairing_reassign
from tests import factories as f

MUEANG, BAN_PHAI = "400101", "401001"


def household_in(subdistrict, **kwargs):
    return f.HouseholdFactory(subdistrict=f.subdistrict(subdistrict), **kwargs)


def official_in(district, agency_code="CDD", **kwargs):
    return f.OfficialFactory(
        district=f.district(district), agency=Agency.objects.get(code=agency_code), **kwargs
    )


@pytest.fixture
def admin(admin_user):
    return admin_user


def test_suggestion_never_exceeds_the_cap(admin, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    officials = [official_in("4001") for _ in range(3)]
    pairing_create(official=officials[0], household=household_in(MUEANG))
    for _ in range(10):
        household_in(MUEANG)

    proposal = pairing_suggest(user=admin)

    assert len(proposal) == 5  # 3 officials × 2 places − 1 taken
    per_official = {o.pk: 0 for o in officials}
    for line in proposal:
        per_official[line.official.pk] += 1
    per_official[officials[0].pk] += 1
    assert max(per_official.values()) == 2


def test_suggestion_prefers_an_official_of_the_same_district(admin):
    far = official_in("4010")  # Ban Phai
    near = official_in("4001")  # Mueang
    waiting = household_in(MUEANG)

    (line,) = [s for s in pairing_suggest(user=admin) if s.household == waiting]

    assert line.official == near and line.same_district
    assert far.pk != near.pk


def test_suggestion_falls_back_to_another_district_when_none_has_room(admin):
    far = official_in("4010")
    waiting = household_in(MUEANG)
    (line,) = pairing_suggest(user=admin)
    assert (line.household, line.official, line.same_district) == (waiting, far, False)


def test_suggestion_matches_the_main_need_to_the_agency_field(admin):
    health = official_in("4001", "PHO")  # สสจ.: health
    jobs = official_in("4001", "DOE")  # จัดหางาน: income
    sick = household_in(MUEANG, need_health=True)
    jobless = household_in(MUEANG, need_income=True, poverty_level=1)

    proposal = {s.household: s for s in pairing_suggest(user=admin)}

    assert proposal[sick].official == health and proposal[sick].need_match
    assert proposal[jobless].official == jobs and proposal[jobless].need_match


def test_suggestion_takes_the_poorest_and_longest_waiting_first(admin, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 1
    official_in("4001")
    household_in(MUEANG, poverty_level=3, joined_on=dt.date(2023, 1, 1))
    poorest_later = household_in(MUEANG, poverty_level=1, joined_on=dt.date(2024, 5, 1))
    household_in(MUEANG, poverty_level=1, joined_on=dt.date(2024, 6, 1))

    (line,) = pairing_suggest(user=admin)

    assert line.household == poorest_later


def test_suggestion_spreads_the_load_across_agencies(admin, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    official_in("4001", "CDD")
    official_in("4001", "DOE")
    for _ in range(2):
        household_in(MUEANG)  # no need flagged: no agency preferred

    agencies = [s.official.agency.code for s in pairing_suggest(user=admin)]

    assert sorted(agencies) == ["CDD", "DOE"]


def test_same_input_gives_the_same_proposal(admin):
    for district in ("4001", "4010", "4005"):
        for _ in range(3):
            official_in(district, "CDD")
            official_in(district, "PHO")
    for code in (MUEANG, BAN_PHAI, "400501"):
        for level in (1, 2, 3):
            household_in(code, poverty_level=level, need_health=level == 2)

    def as_ids(proposal):
        return [(s.household.pk, s.official.pk) for s in proposal]

    assert as_ids(pairing_suggest(user=admin)) == as_ids(pairing_suggest(user=admin))


def test_suggestion_for_one_district_only_proposes_its_households(admin):
    official_in("4001")
    official_in("4010")
    household_in(MUEANG)
    in_ban_phai = household_in(BAN_PHAI)
    proposal = pairing_suggest(user=admin, district=f.district("4010"))
    assert [s.household for s in proposal] == [in_ban_phai]


def test_coordinator_suggestion_uses_only_their_agency_officials(coordinator_a, official_b):
    mine = official_in("4010", "CDD")  # agency A is CDD
    household_in(BAN_PHAI)
    (line,) = pairing_suggest(user=coordinator_a)
    assert line.official == mine


def test_applying_a_proposal_pairs_every_line(admin):
    officials = [official_in("4001") for _ in range(2)]
    households = [household_in(MUEANG) for _ in range(3)]
    lines = [(s.household.pk, s.official.pk) for s in pairing_suggest(user=admin)]

    assert pairing_apply(user=admin, lines=lines) == 3
    assert Pairing.objects.open().count() == 3
    assert set(Household.objects.unpaired()) == set()
    assert {o.pk for o in officials} == set(Pairing.objects.values_list("official", flat=True))
    assert len(households) == 3


def test_a_failure_in_the_middle_of_applying_writes_nothing(admin, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    official = official_in("4001")
    first, second, third = (household_in(MUEANG) for _ in range(3))
    # The third line would push the official over the cap.
    lines = [(first.pk, official.pk), (second.pk, official.pk), (third.pk, official.pk)]

    with pytest.raises(ProposalError, match="รายการที่ 3"):
        pairing_apply(user=admin, lines=lines)

    assert Pairing.objects.count() == 0


def test_applying_a_line_outside_the_users_scope_writes_nothing(coordinator_a, official_b):
    mine = official_in("4001", "CDD")
    a, b = household_in(MUEANG), household_in(MUEANG)
    with pytest.raises(ProposalError, match="รายการที่ 2"):
        pairing_apply(user=coordinator_a, lines=[(a.pk, mine.pk), (b.pk, official_b.pk)])
    assert Pairing.objects.count() == 0


def test_officials_and_viewers_cannot_apply(official_a, province_viewer):
    household = household_in(MUEANG)
    for user in (official_a.user, province_viewer):
        with pytest.raises(ProposalError):
            pairing_apply(user=user, lines=[(household.pk, official_a.pk)])
    assert Pairing.objects.count() == 0


def test_reassign_ends_the_old_pairing_and_keeps_it_as_history(db):
    household = household_in(MUEANG)
    old, new = official_in("4001"), official_in("4001")
    first = pairing_create(official=old, household=household)

    second = pairing_reassign(household=household, official=new, note="ย้ายราชการ")

    first.refresh_from_db()
    assert first.ended_on is not None and first.end_reason == EndReason.REASSIGNED
    assert first.end_note == "ย้ายราชการ"
    assert second.official == new and second.ended_on is None
    assert household.pairings.count() == 2


def test_reassign_to_a_full_official_changes_nothing(db, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 1
    household = household_in(MUEANG)
    old, full = official_in("4001"), official_in("4001")
    pairing_create(official=full, household=household_in(MUEANG))
    first = pairing_create(official=old, household=household)

    with pytest.raises(PairingError):
        pairing_reassign(household=household, official=full)

    first.refresh_from_db()
    assert first.ended_on is None
    assert Pairing.objects.open().filter(household=household).get() == first


def test_coverage_counts_paired_and_waiting_households_per_district_and_agency(admin):
    official = official_in("4001", "CDD")
    pairing_create(official=official, household=household_in(MUEANG))
    household_in(MUEANG)
    household_in(BAN_PHAI)
    household_in(BAN_PHAI, status="moved")  # left the programme: not counted

    districts = {row["district"].code: row for row in coverage_by_district(Household.objects)}
    assert len(districts) == 26
    assert (districts["4001"]["paired"], districts["4001"]["unpaired"]) == (1, 1)
    assert (districts["4010"]["paired"], districts["4010"]["unpaired"]) == (0, 1)
    assert districts["4005"]["total"] == 0

    (cdd,) = [r for r in coverage_by_agency(Official.objects.all()) if r["agency"].code == "CDD"]
    assert (cdd["officials"], cdd["places"], cdd["paired"], cdd["free"]) == (1, 2, 1, 1)


def test_coordinator_may_pair_waiting_households_and_their_own_but_not_others(
    coordinator_a, official_a, official_b
):
    waiting = household_in(BAN_PHAI)
    theirs = f.PairingFactory(official=official_b).household
    ours = f.PairingFactory(official=official_a).household
    assert set(Household.objects.pairable_by(coordinator_a)) == {waiting, ours}
    assert theirs not in Household.objects.pairable_by(coordinator_a)
    assert list(Household.objects.pairable_by(coordinator_a).unpaired()) == [waiting]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_coordinators_applying_overlapping_proposals_at_once_keep_the_rules(settings):
    """Two users apply proposals naming the same officials and households at the same
    moment: the cap and the one-buddy rule hold, and a refused proposal writes nothing."""
    import threading

    from django.db import connection

    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    admin = f.UserFactory(username="admin-x", is_superuser=True, is_staff=True)
    official = official_in("4001")
    households = [household_in(MUEANG) for _ in range(4)]
    first = [(households[0].pk, official.pk), (households[1].pk, official.pk)]
    second = [(households[2].pk, official.pk), (households[1].pk, official.pk)]
    start = threading.Barrier(2)
    outcomes = []

    def apply(lines):
        try:
            start.wait(5)
            outcomes.append(pairing_apply(user=admin, lines=lines))
        except ProposalError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(lines,)) for lines in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(type(o).__name__ for o in outcomes) == ["ProposalError", "int"]
    assert Pairing.objects.open().filter(official=official).count() == 2
    assert Pairing.objects.open().filter(household=households[1]).count() == 1
