"""A batch request that cannot be met is a Thai page (400), never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TITLE = "พิมพ์แฟ้มครอบครัวไม่ได้"


def ask(client, user, params):
    client.force_login(user)
    return client.get(reverse("profiles:batch"), params)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "กรุณาระบุอำเภอหรือตำบล"),
        ({"district": ""}, "กรุณาระบุอำเภอหรือตำบล"),
        ({"district": "   "}, "กรุณาระบุอำเภอหรือตำบล"),
        ({"district": "4001", "subdistrict": "400101"}, "อย่างใดอย่างหนึ่ง"),
        ({"district": "9999"}, "ไม่พบอำเภอรหัส «9999»"),
        ({"district": "40011"}, "ไม่พบอำเภอรหัส «40011»"),
        ({"district": "๔๐๐๑"}, "ไม่พบอำเภอรหัส «๔๐๐๑»"),
        ({"district": "²"}, "ไม่พบอำเภอรหัส «²»"),
        ({"district": "-1"}, "ไม่พบอำเภอรหัส «-1»"),
        ({"district": "' OR 1=1 --"}, "ไม่พบอำเภอรหัส"),
        ({"district": "9" * 400}, "ไม่พบอำเภอรหัส «99999999999999999999…»"),
        ({"subdistrict": "4001"}, "ไม่พบตำบลรหัส «4001»"),
        ({"subdistrict": "999999"}, "ไม่พบตำบลรหัส «999999»"),
        ({"subdistrict": "<script>"}, "ไม่พบตำบลรหัส «&lt;script&gt;»"),
        ({"district": "4001", "status": "nope"}, "ไม่รู้จักสถานะ «nope»"),
    ],
)
def test_a_missing_or_wrong_place_is_a_thai_400(client, admin_user, own, params, message):
    response = ask(client, admin_user, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert TITLE in page and message in page


def test_a_list_of_values_is_read_like_one(client, admin_user, own):
    response = ask(client, admin_user, {"district": ["x", "4001"]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_batch_over_the_limit_asks_for_a_smaller_one(client, settings, admin_user, own, waiting):
    settings.KUSEAW_PROFILE_BATCH_MAX = 1
    response = ask(client, admin_user, {"district": "4001"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "อำเภอเมืองขอนแก่นมีครัวเรือน 2 ครัวเรือน เกินกว่าที่พิมพ์ได้ครั้งละ 1 ครัวเรือน" in page
    assert ask(client, admin_user, {"subdistrict": "400102"}).status_code == 200


def test_the_batch_is_read_only(client, admin_user, own):
    client.force_login(admin_user)
    assert client.post(reverse("profiles:batch") + "?district=4001").status_code == 405
