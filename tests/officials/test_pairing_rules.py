"""Pairing rules: one buddy per household, at most KUSEAW_HOUSEHOLDS_PER_OFFICIAL each."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from officials.models import EndReason, Pairing
from officials.services import PairingError, pairing_create, pairing_end
from tests.factories import HouseholdFactory, OfficialFactory, PairingFactory


def test_official_can_look_after_two_households(db, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    official = OfficialFactory()
    for household in HouseholdFactory.create_batch(2):
        pairing_create(official=official, household=household)
    assert Pairing.objects.open().filter(official=official).count() == 2


def test_official_cannot_take_a_third_household(db, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    official = OfficialFactory()
    for household in HouseholdFactory.create_batch(2):
        pairing_create(official=official, household=household)
    with pytest.raises(PairingError, match="ครบ 2 ครัวเรือน"):
        pairing_create(official=official, household=HouseholdFactory())
    assert Pairing.objects.filter(official=official).count() == 2


def test_cap_is_a_setting(db, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 3
    official = OfficialFactory()
    for household in HouseholdFactory.create_batch(3):
        pairing_create(official=official, household=household)
    with pytest.raises(PairingError):
        pairing_create(official=official, household=HouseholdFactory())


def test_household_cannot_get_a_second_buddy(db):
    household = HouseholdFactory()
    pairing_create(official=OfficialFactory(), household=household)
    with pytest.raises(PairingError, match="มีคู่เสี่ยวดูแลอยู่แล้ว"):
        pairing_create(official=OfficialFactory(), household=household)


def test_database_refuses_a_second_open_pairing_even_bypassing_the_service(db):
    household = HouseholdFactory()
    PairingFactory(household=household)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairingFactory(household=household)


def test_ended_pairing_frees_both_sides_and_stays_as_history(db, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 1
    official = OfficialFactory()
    household = HouseholdFactory()
    first = pairing_create(official=official, household=household)
    pairing_end(pairing=first, reason=EndReason.OFFICIAL_TRANSFERRED)
    pairing_create(official=OfficialFactory(), household=household)
    pairing_create(official=official, household=HouseholdFactory())
    assert Pairing.objects.filter(household=household).count() == 2
    first.refresh_from_db()
    assert first.ended_on is not None and first.end_reason == EndReason.OFFICIAL_TRANSFERRED


def test_inactive_official_and_departed_household_cannot_be_paired(db):
    with pytest.raises(PairingError, match="ไม่ได้ปฏิบัติงาน"):
        pairing_create(official=OfficialFactory(is_active=False), household=HouseholdFactory())
    with pytest.raises(PairingError, match="ไม่ได้อยู่ในโครงการ"):
        pairing_create(official=OfficialFactory(), household=HouseholdFactory(status="moved"))


def test_pairing_cannot_be_ended_twice_or_without_a_valid_reason(db):
    pairing = PairingFactory()
    with pytest.raises(PairingError):
        pairing_end(pairing=pairing, reason="bored")
    pairing_end(pairing=pairing, reason=EndReason.OTHER, note="ย้ายไปต่างจังหวัด")
    with pytest.raises(PairingError, match="สิ้นสุดไปแล้ว"):
        pairing_end(pairing=pairing, reason=EndReason.OTHER)


# Parallel transactions on PostgreSQL: each thread has its own connection.


def _in_thread(target, *args):
    errors = []

    def run():
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_requests_cannot_push_an_official_over_the_cap(settings):
    """Request A pairs the official's second household and has not committed yet; request B
    tries a third at that moment. Without the row lock B would count one open pairing and
    succeed; with it B waits for A and is refused."""
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    official = OfficialFactory()
    PairingFactory(official=official)
    second, third = HouseholdFactory(), HouseholdFactory()
    a_has_written = threading.Event()
    b_is_trying = threading.Event()

    def request_a():
        with transaction.atomic():
            pairing_create(official=official, household=second)
            a_has_written.set()
            b_is_trying.wait(5)
            # Hold the transaction open while B is (or would be) counting.
            threading.Event().wait(0.5)

    def request_b():
        a_has_written.wait(5)
        b_is_trying.set()
        pairing_create(official=official, household=third)

    thread_a, errors_a = _in_thread(request_a)
    thread_b, errors_b = _in_thread(request_b)
    thread_a.join(10)
    thread_b.join(10)

    assert errors_a == []
    assert len(errors_b) == 1 and isinstance(errors_b[0], PairingError)
    assert Pairing.objects.open().filter(official=official).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officials_pairing_the_same_household_at_once_get_one_pairing():
    household = HouseholdFactory()
    first, second = OfficialFactory(), OfficialFactory()
    a_has_written = threading.Event()

    def request_a():
        with transaction.atomic():
            pairing_create(official=first, household=household)
            a_has_written.set()
            threading.Event().wait(0.5)

    def request_b():
        a_has_written.wait(5)
        pairing_create(official=second, household=household)

    thread_a, errors_a = _in_thread(request_a)
    thread_b, errors_b = _in_thread(request_b)
    thread_a.join(10)
    thread_b.join(10)

    assert errors_a == []
    assert len(errors_b) == 1 and isinstance(errors_b[0], PairingError)
    assert Pairing.objects.open().filter(household=household).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_simultaneous_requests_respect_the_cap(settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    official = OfficialFactory()
    households = HouseholdFactory.create_batch(6)
    start = threading.Barrier(len(households))

    def request(household):
        start.wait(5)
        pairing_create(official=official, household=household)

    started = [_in_thread(request, household) for household in households]
    for thread, _ in started:
        thread.join(10)

    refused = [e for _, errors in started for e in errors]
    assert len(refused) == 4 and all(isinstance(e, PairingError) for e in refused)
    assert Pairing.objects.open().filter(official=official).count() == 2
