"""An admin exports everything held about one person (PDPA right of access), by national ID
sent in a POST, as one .xlsx; the export is logged."""

import datetime as dt
import io

import pghistory
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.audit import log_access
from households.models import AccessAction, AccessLog, Household, Member
from kuseaw.national_id import format_national_id
from officials.models import EndReason
from tests import factories as f
from tests.privacy.conftest import page_of

URL = "/privacy/person-export/"
PERSON_ID = f.national_id_for(515151)


@pytest.fixture
def person(official_a, admin_user):
    """Somchai lived in household KK-A (with his wife), then moved to KK-B."""
    first = f.HouseholdFactory(code="KK-A", phone="0811111111")
    second = f.PairingFactory(official=official_a, household__code="KK-B").household
    f.PairingFactory(
        household=first,
        started_on=dt.date(2023, 1, 1),
        ended_on=dt.date(2023, 12, 31),
        end_reason=EndReason.HOUSEHOLD_MOVED,
    )
    f.MemberFactory(
        household=first, first_name="มาลี", last_name="ใจดี", relation="spouse", is_head=False
    )
    f.VisitFactory(household=second, official=official_a, findings='=HYPERLINK("http://x")')
    f.AidRecordFactory(household=second, title="พันธุ์ปลานิล")
    with pghistory.context(user=admin_user.pk):
        somchai = f.MemberFactory(
            household=first, first_name="สมชาย", last_name="ใจดี", national_id=PERSON_ID
        )
        Member.objects.filter(pk=somchai.pk).update(household=second, phone="0822222222")
    log_access(official_a.user, AccessAction.CASE_OPENED, household=second)
    return somchai


def workbook_of(response) -> dict[str, list[list]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def cells(rows) -> str:
    return "\n".join(str(c) for row in rows for c in row if c is not None)


def test_admin_exports_everything_held_about_a_person(client, admin_user, person):
    client.force_login(admin_user)
    typed = format_national_id(PERSON_ID)  # as printed on the card, with dashes

    book = workbook_of(client.post(URL, {"national_id": typed}))

    assert list(book) == [
        "บุคคล",
        "ครัวเรือน",
        "การเยี่ยม",
        "การช่วยเหลือ",
        "คู่เสี่ยว",
        "ความยินยอม",
        "ประวัติการแก้ไข",
        "การเข้าถึงข้อมูล",
    ]
    (header, row) = book["บุคคล"]
    assert "เลขประจำตัวประชาชน" in header
    assert row[header.index("เลขประจำตัวประชาชน")] == format_national_id(PERSON_ID)
    assert row[header.index("ชื่อ")] == "สมชาย"
    assert row[header.index("วันเกิด")] == "01/05/2518"  # Buddhist Era
    assert [r[0] for r in book["ครัวเรือน"][1:]] == ["KK-A", "KK-B"]  # both households
    assert "พันธุ์ปลานิล" in cells(book["การช่วยเหลือ"])
    assert ["KK-A", official_name(person, "KK-A"), "01/01/2566", "31/12/2566"] == (
        book["คู่เสี่ยว"][2][:4]
    )
    # (In one test transaction every event has the same time: find the move by its kind.)
    (moved,) = [row for row in book["ประวัติการแก้ไข"] if row[2] == "แก้ไขสมาชิกครัวเรือน"]
    assert moved[1:] == [
        admin_user.username,
        "แก้ไขสมาชิกครัวเรือน",
        "ครัวเรือน: KK-A → KK-B\nโทรศัพท์: – → 0822222222",
    ]
    assert "เปิดดูแฟ้มครัวเรือน" in cells(book["การเข้าถึงข้อมูล"])


def official_name(person, code) -> str:
    return Household.objects.get(code=code).pairings.get().official.full_name


def test_the_export_leaves_out_other_members_own_records(client, admin_user, person):
    client.force_login(admin_user)
    everything = cells(
        row
        for rows in workbook_of(client.post(URL, {"national_id": PERSON_ID})).values()
        for row in rows
    )
    assert "สมชาย" in everything
    assert "มาลี" not in everything


def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, admin_user, person):
    client.force_login(admin_user)
    visits = workbook_of(client.post(URL, {"national_id": PERSON_ID}))["การเยี่ยม"]
    findings = visits[0].index("สิ่งที่พบ")
    assert visits[1][findings] == '\'=HYPERLINK("http://x")'


def test_the_export_is_logged_once_per_household_without_the_full_id(client, admin_user, person):
    client.force_login(admin_user)
    client.post(URL, {"national_id": PERSON_ID})

    lines = AccessLog.objects.filter(action=AccessAction.PERSON_EXPORTED).order_by("household_code")
    assert [line.household_code for line in lines] == ["KK-A", "KK-B"]
    assert {line.user for line in lines} == {admin_user}
    assert {line.path for line in lines} == {URL}
    masked = f"x-xxxx-xxxxx-{PERSON_ID[10:12]}-{PERSON_ID[12]}"
    assert all(masked in line.description for line in lines)
    assert not AccessLog.objects.filter(description__contains=PERSON_ID).exists()


def test_an_id_nobody_holds_gets_a_thai_message_and_nothing_is_logged(client, admin_user, person):
    client.force_login(admin_user)
    response = client.post(URL, {"national_id": f.national_id_for(999)})
    assert response.status_code == 400
    assert "ไม่พบข้อมูลของบุคคลที่มีเลขประจำตัวประชาชนนี้ในระบบ" in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.PERSON_EXPORTED).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", "เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก"),
        (PERSON_ID[:12] + str((int(PERSON_ID[12]) + 1) % 10), "ตัวเลขตรวจสอบ"),
        ("", "กรุณากรอกข้อมูลช่องนี้"),
    ],
)
def test_a_wrong_id_is_refused_in_thai(client, admin_user, typed, message):
    client.force_login(admin_user)
    response = client.post(URL, {"national_id": typed})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_id_is_sent_in_the_body_never_in_the_url(client, admin_user):
    client.force_login(admin_user)
    html = page_of(client.get(reverse("privacy:index")))
    assert 'method="post"' in html and f'action="{URL}"' in html
    # A GET with the ID in its query string exports nothing.
    response = client.get(URL, {"national_id": PERSON_ID})
    assert response["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    "persona", ["official_a", "coordinator_a", "district_staff", "province_viewer"]
)
def test_only_admins_may_export_a_person_s_data(request, client, person, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    assert client.get(reverse("privacy:index")).status_code == 404
    assert client.post(URL, {"national_id": PERSON_ID}).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.PERSON_EXPORTED).exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.post(URL, {"national_id": PERSON_ID})
    assert response.status_code == 302 and "/login/" in response.url


def test_an_official_s_own_record_is_found_too(client, admin_user):
    official = f.OfficialFactory(national_id=PERSON_ID)
    client.force_login(admin_user)
    book = workbook_of(client.post(URL, {"national_id": PERSON_ID}))
    assert official.user.get_full_name() in cells(book["เจ้าหน้าที่"])
    assert Household.objects.count() == 0
