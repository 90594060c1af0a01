import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, ImportJob, ImportStatus
from tests.html_checks import assert_page_ok
from tests.imports.conftest import household_row, households_file, map_as_proposed

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, data, name="households.xlsx"):
    return client.post(
        reverse("imports:upload"),
        {"kind": "households", "file": SimpleUploadedFile(name, data, content_type=XLSX)},
    )


def _upload_and_map(client, data, name="households.xlsx"):
    """Upload, then confirm the column mapping step as proposed: the preview runs."""
    _upload(client, data, name)
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.MAPPING, job.message
    return map_as_proposed(client, job)


@pytest.mark.parametrize(
    "persona", ["official_a", "coordinator_a", "district_staff", "province_viewer"]
)
@pytest.mark.parametrize(
    "url",
    [
        reverse("imports:index"),
        reverse("imports:job", args=[1]),
        reverse("imports:mapping", args=[1]),
        reverse("imports:progress", args=[1]),
        reverse("imports:errors", args=[1]),
        reverse("imports:rejected", args=[1]),
        reverse("imports:template", args=["households"]),
    ],
)
def test_only_admins_reach_the_import_pages(client, request, persona, url):
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    client.force_login(user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["official_a", "district_staff"])
def test_non_admin_cannot_upload_or_confirm(client, request, persona, admin_user):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    assert _upload(client, households_file(1)).status_code == 404
    assert ImportJob.objects.count() == 0


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("imports:index"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_upload_preview_confirm_history(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("imports:index"))
    assert page.status_code == 200
    assert_page_ok(page.content.decode())
    assert "นำเข้าข้อมูล" in page.content.decode()

    response = _upload(client, households_file(2, members=1))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    mapping = client.get(response["Location"])  # first the column mapping step
    assert_page_ok(mapping.content.decode())
    assert "กำหนดคอลัมน์" in mapping.content.decode()
    assert Household.objects.count() == 0

    response = map_as_proposed(client, job)
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert_page_ok(html)
    assert "ยืนยันนำเข้า" in html
    assert "KK00001" in html
    assert Household.objects.count() == 0

    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert Household.objects.count() == 2

    history = client.get(reverse("imports:index")).content.decode()
    assert "households.xlsx" in history
    assert "นำเข้าแล้ว" in history


def test_failed_preview_errors_download(client, admin_user):
    client.force_login(admin_user)
    rows = [household_row(1), household_row(2, nid="1234567890123")]
    _upload_and_map(client, households_file(rows=rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ครัวเรือน แถว 3, เลขประจำตัวประชาชน" in html
    assert "ยืนยันนำเข้า" not in html
    response = client.get(reverse("imports:errors", args=[job.pk]))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0] == ("แผ่นงาน", "แถว", "คอลัมน์", "ข้อความ")
    assert rows[1][:3] == ("ครัวเรือน", 3, "เลขประจำตัวประชาชน")  # the sheet, filled


def test_bad_file_shows_a_thai_message(client, admin_user):
    client.force_login(admin_user)
    _upload(client, b"not a spreadsheet", name="households.xlsx")
    job = ImportJob.objects.get()
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert job.message in html
    assert Household.objects.count() == 0


def test_wrong_extension_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = _upload(client, b"abc", name="households.pdf")
    assert response.status_code == 400
    assert "รับเฉพาะไฟล์ .xlsx หรือ .csv" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_progress_endpoint(client, admin_user):
    client.force_login(admin_user)
    _upload_and_map(client, households_file(2))
    job = ImportJob.objects.get()
    data = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert data == {
        "status": "previewed",
        "processed": 2,
        "total": 2,
        "percent": 100,
        "busy": False,
    }


def test_busy_job_page_refreshes_itself(client, admin_user):
    client.force_login(admin_user)
    job = ImportJob.objects.create(
        created_by=admin_user,
        kind="households",
        file_name="big.xlsx",
        status="running",
        total_rows=200,
        processed_rows=50,
    )
    html = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'aria-valuenow="25"' in html
    assert "<script>" not in html


@pytest.mark.parametrize("kind", ["households", "members", "officials", "pairings"])
def test_template_download_has_thai_headers(client, admin_user, kind):
    client.force_login(admin_user)
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert "คำอธิบาย" in workbook.sheetnames
    first = workbook.worksheets[0]
    header = [c.value for c in first[1]]
    assert header[0] in ("รหัสครัวเรือน", "เลขประจำตัวประชาชน", "ชื่อ-สกุล") or header
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in h) for h in header if h)
    assert first.max_row == 2  # the header and one example row
    if kind == "households":
        assert "รหัสครัวเรือน" in header and "เลขประจำตัวประชาชน" in header
        assert "สมาชิก" in workbook.sheetnames


def test_nav_shows_import_to_admins_only(client, admin_user, province_viewer):
    client.force_login(admin_user)
    assert "นำเข้าข้อมูล" in client.get(reverse("dashboard:overview")).content.decode()
    client.force_login(province_viewer)
    assert "นำเข้าข้อมูล" not in client.get(reverse("dashboard:overview")).content.decode()


def test_a_staff_flag_without_the_admin_role_opens_no_import_page(client, official_a):
    official_a.user.is_staff = True  # may log in to the Django admin; still an official
    official_a.user.save()
    client.force_login(official_a.user)
    assert client.get(reverse("imports:index")).status_code == 404
    assert _upload(client, households_file(1)).status_code == 404
    assert ImportJob.objects.count() == 0


def test_an_upload_never_reaches_a_temporary_file_and_its_copy_goes_with_the_confirm(
    client, admin_user, settings, monkeypatch, tmp_path
):
    """The file holds national IDs: it stays in memory even above Django's in-memory size
    (where Django's own handlers would write it to a temporary file), and the job's copy in
    the database is dropped once the file is applied."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    spilled = []
    temporary_file = uploadhandler.TemporaryUploadedFile

    def recorded(*args, **kwargs):
        spilled.append(args)
        return temporary_file(*args, **kwargs)

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", recorded)
    client.force_login(admin_user)

    _upload_and_map(client, households_file(3, members=1))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEWED and job.file_data is not None
    client.post(reverse("imports:confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert Household.objects.count() == 3
    assert job.file_data is None and job.members_file_data is None
    assert spilled == [] and list(tmp_path.iterdir()) == []
    assert LogEntry.objects.count() == 0  # no admin log entry per row


def test_a_file_with_a_bad_row_cannot_be_confirmed_and_writes_nothing(client, admin_user):
    client.force_login(admin_user)
    rows = [household_row(1), household_row(2), household_row(3, subdistrict="ไม่มีตำบลนี้")]
    _upload_and_map(client, households_file(rows=rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "ยืนยันนำเข้า" not in client.get(reverse("imports:job", args=[job.pk])).content.decode()

    response = client.post(reverse("imports:confirm", args=[job.pk]), follow=True)

    assert "ยืนยันไม่ได้แล้ว" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Household.objects.count() == 0
