"""Changing one's password (Thai page, Django's validators with Thai messages, the other
sessions end) and sessions that end after a spell of inactivity."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.html_checks import assert_page_ok

PASSWORD = "test-pass-123"  # tests.factories.UserFactory
NEW_PASSWORD = "ข้าวเหนียว-ส้มตำ-2568"


def change_password(client, old=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        "/password/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_every_page_links_to_the_password_change(client, official_a):
    client.force_login(official_a.user)

    html = client.get("/households/mine/").content.decode()

    assert '<a class="btn btn-link btn-sm link-light ms-md-3 px-0" href="/password/">' in html
    assert "เปลี่ยนรหัสผ่าน" in html


def test_password_change_page_is_thai(client, official_a):
    client.force_login(official_a.user)

    response = client.get("/password/")

    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    for label in ("รหัสผ่านปัจจุบัน", "รหัสผ่านใหม่", "ยืนยันรหัสผ่านใหม่"):
        assert label in html
    assert "รหัสผ่านต้องมีอย่างน้อย 10 ตัวอักษร" in html  # the validators' help, in Thai
    assert "Your password" not in html


def test_the_admins_own_password_page_works_in_thai(admin_client):
    response = admin_client.get("/admin/password_change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "เปลี่ยนรหัสผ่าน" in html
    assert "รหัสผ่านต้องมีอย่างน้อย 10 ตัวอักษร" in html


def test_anonymous_user_is_sent_to_login_for_the_password_page(client, db):
    response = client.get("/password/")

    assert response.status_code == 302
    assert response.url == "/login/?next=/password/"


def test_changing_the_password_keeps_this_session_and_ends_the_others(official_a):
    on_the_phone, at_the_office = Client(), Client()
    on_the_phone.force_login(official_a.user)
    at_the_office.force_login(official_a.user)
    assert at_the_office.get("/households/mine/").status_code == 200

    response = change_password(on_the_phone)

    assert response.status_code == 302
    assert response.url == "/password/done/"
    done = on_the_phone.get(response.url)
    assert "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว" in done.content.decode()
    assert on_the_phone.get("/households/mine/").status_code == 200
    logged_out = at_the_office.get("/households/mine/")
    assert logged_out.status_code == 302
    assert logged_out.url.startswith("/login/")
    official_a.user.refresh_from_db()
    assert official_a.user.check_password(NEW_PASSWORD)


def test_the_new_password_works_at_the_login_page(client, official_a):
    client.force_login(official_a.user)
    change_password(client)
    client.post("/logout/")

    response = client.post("/login/", {"username": "official-a", "password": NEW_PASSWORD})

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("kk-2568", "รหัสผ่านสั้นเกินไป: ต้องมีอย่างน้อย 10 ตัวอักษร"),
        ("password123", "รหัสผ่านนี้ใช้กันทั่วไป เดาได้ง่าย"),
        ("4018273645019", "รหัสผ่านเป็นตัวเลขทั้งหมด"),
        ("official-a1", "รหัสผ่านคล้ายกับ"),
    ],
)
def test_weak_passwords_are_refused_in_thai(client, official_a, new, message):
    client.force_login(official_a.user)

    response = change_password(client, new=new)

    assert response.status_code == 200
    assert message in response.content.decode()
    official_a.user.refresh_from_db()
    assert official_a.user.check_password(PASSWORD)


def test_wrong_current_password_or_mismatch_is_refused_in_thai(client, official_a):
    client.force_login(official_a.user)

    wrong = change_password(client, old="not-my-password").content.decode()
    mismatch = change_password(client, again="ข้าวเหนียว-ส้มตำ-2567").content.decode()

    assert "รหัสผ่านปัจจุบันไม่ถูกต้อง" in wrong
    assert "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน" in mismatch
    official_a.user.refresh_from_db()
    assert official_a.user.check_password(PASSWORD)


def test_an_admin_setting_a_users_password_ends_that_users_sessions(admin_client, official_a):
    phone = Client()
    phone.force_login(official_a.user)
    user = official_a.user

    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert phone.get("/households/mine/").status_code == 302


# Sessions end after KUSEAW_SESSION_IDLE_MINUTES without a request


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def idle_for(client, minutes):
    """As if the last request was `minutes` ago: the session's end moves back as much."""
    session = session_of(client)
    session.expire_date -= dt.timedelta(minutes=minutes)
    session.save()


def test_sessions_last_thirty_idle_minutes_by_default(settings):
    assert settings.KUSEAW_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_an_idle_session_ends(client, official_a):
    client.force_login(official_a.user)
    assert client.get("/households/mine/").status_code == 200

    idle_for(client, 31)
    response = client.get("/households/mine/")

    assert response.status_code == 302
    assert response.url == "/login/?next=/households/mine/"


def test_each_request_gives_the_session_another_thirty_minutes(client, official_a):
    client.force_login(official_a.user)
    for _ in range(3):  # working on: a request every 20 minutes, an hour in all
        idle_for(client, 20)
        assert client.get("/households/mine/").status_code == 200

    left = session_of(client).expire_date - timezone.now()

    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)


def test_a_lapsed_session_cannot_post(client, official_a):
    client.force_login(official_a.user)
    idle_for(client, 45)

    response = client.post("/password/", {"old_password": PASSWORD})

    assert response.status_code == 302
    assert re.match(r"^/login/\?next=/password/$", response.url)
