"""Repeated wrong passwords lock the account, and separately the address they come from
(django-axes, kuseaw/security.py), on the app's login page and the admin's."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from kuseaw.security import client_ip
from tests import factories as f

PASSWORD = "test-pass-123"  # tests.factories.UserFactory
OFFICE = "203.0.113.10"  # a district office: its officials share one public address


def log_in(client, username, password, address=OFFICE, url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=OFFICE, url="/login/"):
    return [log_in(client, username, "wrong-password", address, url) for _ in range(times)]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_with_a_thai_page(client, official_a):
    responses = fail(client, "official-a", 5)

    assert [r.status_code for r in responses[:4]] == [200] * 4  # the form again, with an error
    locked = responses[4]
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in html
    assert "15 นาที" in html
    assert '<html lang="th">' in html


def test_locked_account_cannot_log_in_even_with_the_right_password(client, official_a):
    fail(client, "official-a", 5)

    response = log_in(client, "official-a", PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_account_stays_locked_from_another_address(client, official_a):
    # One failure from each of five places: the account is the target, wherever they come from.
    for n in range(5):
        log_in(client, "official-a", "wrong-password", address=f"198.51.100.{n}")

    response = log_in(client, "official-a", PASSWORD, address="192.0.2.77")

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_an_address_trying_many_accounts_is_locked_for_every_account(client, official_a):
    for n in range(20):  # KUSEAW_LOGIN_FAILURE_LIMIT_PER_ADDRESS, one try per made-up name
        log_in(client, f"guess-{n}", "wrong-password", address="198.51.100.66")

    response = log_in(client, "official-a", PASSWORD, address="198.51.100.66")

    assert response.status_code == 429
    assert not is_logged_in(client)
    # The account itself did nothing wrong: from elsewhere it logs in.
    assert log_in(client, "official-a", PASSWORD, address="192.0.2.5").status_code == 302


def test_colleagues_mistakes_in_one_office_do_not_lock_the_office(client, official_a):
    for n in range(8):  # eight colleagues behind the same address each mistype once
        user = f.UserFactory(username=f"colleague-{n}")
        log_in(client, user.username, "wrong-password")

    response = log_in(client, "official-a", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_right_password_clears_the_accounts_own_mistakes(client, official_a):
    fail(client, "official-a", 4)
    assert log_in(client, "official-a", PASSWORD).status_code == 302
    client.logout()

    responses = fail(client, "official-a", 4)

    assert all(r.status_code == 200 for r in responses)
    assert log_in(client, "official-a", PASSWORD).status_code == 302


def test_logging_in_as_oneself_does_not_reset_the_count_against_someone_else(
    client, official_a, official_b
):
    # Someone with their own login guesses official-a's password from the same address,
    # and logs in as themselves between guesses to wipe the slate: it does not work.
    fail(client, "official-a", 4)
    assert log_in(client, "official-b", PASSWORD).status_code == 302
    client.logout()

    assert fail(client, "official-a", 1)[0].status_code == 429


def test_the_lock_ends_after_the_cool_off(client, official_a):
    fail(client, "official-a", 5)
    # 16 minutes later (KUSEAW_LOGIN_COOLOFF_MINUTES is 15)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=16)
        attempt.save()

    response = log_in(client, "official-a", PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_tries_while_locked_do_not_push_the_end_back(client, official_a):
    fail(client, "official-a", 5)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=10)
        attempt.save()
    fail(client, "official-a", 3)  # impatient: three more tries while locked
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=6)
        attempt.save()

    assert log_in(client, "official-a", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(client, admin_user):
    responses = fail(client, "admin", 5, url="/admin/login/")

    assert responses[-1].status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in responses[-1].content.decode()
    assert log_in(client, "admin", PASSWORD, url="/admin/login/").status_code == 429
    # and the lock holds on the app's own login page as well
    assert log_in(client, "admin", PASSWORD).status_code == 429


def test_failures_on_the_admin_login_count_for_the_app_login(client, admin_user):
    fail(client, "admin", 3, url="/admin/login/")
    fail(client, "admin", 2)

    assert log_in(client, "admin", PASSWORD).status_code == 429


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_a_right_password_logs_in_and_records_no_failure(client, admin_user, url):
    assert log_in(client, "admin", PASSWORD, url=url).status_code == 302
    assert is_logged_in(client)
    assert AccessAttempt.objects.count() == 0


# The client's address


def test_without_a_configured_header_forwarded_addresses_are_ignored(settings):
    settings.KUSEAW_CLIENT_IP_HEADER = ""
    request = RequestFactory().post(
        "/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )

    assert client_ip(request) == "10.0.0.2"


def test_behind_a_proxy_the_right_most_forwarded_address_is_the_client(settings):
    settings.KUSEAW_CLIENT_IP_HEADER = "X-Forwarded-For"
    # The client sent a made-up X-Forwarded-For; our proxy appended the real address.
    request = RequestFactory().post(
        "/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9"
    )

    assert client_ip(request) == "203.0.113.9"


def test_a_garbled_header_falls_back_to_the_connection_address(settings):
    settings.KUSEAW_CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="<script>")

    assert client_ip(request) == "10.0.0.2"


def test_lockout_by_address_uses_the_proxy_header(client, settings, official_a):
    settings.KUSEAW_CLIENT_IP_HEADER = "X-Real-IP"
    for n in range(20):
        client.post(
            "/login/",
            {"username": f"guess-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_REAL_IP="198.51.100.7",
        )

    other_client_via_proxy = client.post(
        "/login/",
        {"username": "official-a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_REAL_IP="192.0.2.8",
    )

    assert other_client_via_proxy.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
