"""Oversized or malformed requests get a Thai 400/413 page, never a 500; CSRF failures a
Thai 403 page."""

import pytest
from django.test import Client

MB = 1024 * 1024


def assert_thai_page(response, status, text):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert text in html


def test_a_30_mb_post_to_a_form_gets_a_thai_413(client, official_a):
    client.force_login(official_a.user)

    response = client.generic(
        "POST",
        "/password/",
        b"old_password=" + b"x" * (30 * MB),
        content_type="application/x-www-form-urlencoded",
    )

    assert_thai_page(response, 413, "ใหญ่เกินกำหนด")


def test_a_30_mb_file_posted_to_a_form_page_is_refused_unread(client, official_a):
    client.force_login(official_a.user)
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + b"\xff" * (30 * MB) + b"\r\n--XX--\r\n"
    )

    response = client.generic(
        "POST", "/password/", body, content_type="multipart/form-data; boundary=XX"
    )

    assert_thai_page(response, 413, "ไม่เกิน 2 MB")


def test_form_data_over_one_mb_gets_a_thai_400(client, db):
    response = client.generic(
        "POST",
        "/login/",
        b"username=a&password=" + b"x" * (int(1.5 * MB)),
        content_type="application/x-www-form-urlencoded",
    )

    assert_thai_page(response, 400, "คำขอไม่ถูกต้อง")


def test_too_many_fields_get_a_thai_400(client, db):
    body = "&".join(f"f{n}=1" for n in range(2500)).encode()

    response = client.generic(
        "POST", "/login/", body, content_type="application/x-www-form-urlencoded"
    )

    assert_thai_page(response, 400, "คำขอไม่ถูกต้อง")


def test_an_import_over_the_limit_gets_a_thai_413(client, admin_user, settings):
    settings.KUSEAW_MAX_REQUEST_BYTES = 5 * MB  # as if KUSEAW_IMPORT_MAX_BYTES were 2 MB
    client.force_login(admin_user)
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="h.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"0" * (6 * MB) + b"\r\n--XX--\r\n"
    )

    response = client.generic(
        "POST", "/imports/upload/", body, content_type="multipart/form-data; boundary=XX"
    )

    assert_thai_page(response, 413, "ไม่เกิน 5 MB")


def test_an_import_under_the_cap_reaches_the_import_page(client, admin_user, settings):
    # Under the cap the import page's own checks answer (type, size), in Thai.
    client.force_login(admin_user)
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="kind"\r\n\r\nhouseholds\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="h.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--XX--\r\n"
    )

    response = client.generic(
        "POST", "/imports/upload/", body, content_type="multipart/form-data; boundary=XX"
    )

    assert response.status_code == 400
    assert "รับเฉพาะไฟล์ .xlsx หรือ .csv" in response.content.decode()


@pytest.mark.parametrize("path", ["/login/", "/password/"])
def test_a_form_without_its_csrf_token_gets_a_thai_403(official_a, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official_a.user)

    response = client.post(path, {"username": "x", "password": "y"})

    assert_thai_page(response, 403, "ส่งแบบฟอร์มไม่สำเร็จ")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/households/household/?q=%00",
        "/admin/households/member/?q=ab%00cd",
        "/dashboard/?x%00=1",
    ],
)
def test_a_nul_character_in_a_query_string_gets_a_thai_400(client, admin_user, path):
    client.force_login(admin_user)
    assert_thai_page(client.get(path), 400, "คำขอไม่ถูกต้อง")


def test_an_ordinary_admin_search_still_works(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/households/household/?q=KK").status_code == 200
