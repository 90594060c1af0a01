"""Import the good rows, return the bad ones (issue 14): when the admin chooses it on the mapping
step, the valid rows are applied in one transaction and the rejected ones come back as an .xlsx
in the file's own layout with a column of Thai reasons, for the district office to fix and send
again. All or nothing stays the default."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from households.imports import services
from households.imports.mapping import REASON_HEADER, ROW_HEADER
from households.imports.report import ImportFailed
from households.models import AccessLog, Household, ImportJob, ImportStatus, Member
from tests import factories as f
from tests.factories import national_id_for
from tests.imports.conftest import map_as_proposed, xlsx
from tests.imports.test_column_mapping import DISTRICT_HEADER, TITLE, district_row

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEMBERS_HEADER = ["รหัสประจำบ้าน", "ชื่อ-สกุล", "ความสัมพันธ์", "อาชีพ"]
BAD_ID = "1234567890123"  # a wrong check digit


def office_file(rows) -> bytes:
    """The Ban Phai list with a members sheet: one child for each household."""
    members = [[row[3], f"เด็กหญิงสมใจ{row[0]} ใจดี", "บุตร", "นักเรียน"] for row in rows if row[3]]
    return xlsx(
        {
            "รายชื่อ": [TITLE, [], DISTRICT_HEADER, *rows],
            "สมาชิก": [MEMBERS_HEADER, *members],
        }
    )


ROWS = [district_row(1), district_row(2, nid=BAD_ID), district_row(3)]


def upload_and_map(client, data, *, valid_rows_only=True) -> ImportJob:
    client.post(
        reverse("imports:upload"),
        {"kind": "households", "file": SimpleUploadedFile("banphai.xlsx", data, content_type=XLSX)},
    )
    job = ImportJob.objects.latest("pk")
    choice = "valid" if valid_rows_only else "all"
    map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่", "valid_rows_only": choice})
    job.refresh_from_db()
    return job


def workbook_rows(data: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.values) for sheet in workbook.worksheets}


def test_good_rows_are_applied_and_bad_ones_returned_in_the_files_own_layout(client, admin_user):
    client.force_login(admin_user)
    job = upload_and_map(client, office_file(ROWS))

    assert job.status == ImportStatus.PREVIEWED, job.message
    assert job.valid_rows_only
    assert (job.counts["new"], job.counts["error"]) == (2, 1)
    preview = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ยืนยันนำเข้าเฉพาะแถวที่ถูกต้อง" in preview
    assert "ดาวน์โหลดแถวที่ไม่ได้นำเข้า (.xlsx)" in preview

    download = client.get(reverse("imports:rejected", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    returned = workbook_rows(download.content)
    assert list(returned) == ["รายชื่อ", "สมาชิก"]
    households = returned["รายชื่อ"]
    assert households[0] == (*DISTRICT_HEADER, REASON_HEADER, ROW_HEADER)
    assert len(households) == 2  # the header and the one rejected row
    *cells, reason, row_number = households[1]
    assert tuple(cells) == tuple(district_row(2, nid=BAD_ID))  # as the office wrote it
    assert reason.startswith("เลขบัตรประชาชน: ") and "ตัวเลขตรวจสอบ" in reason
    assert row_number == 5  # under the title, the blank row and the header
    members = returned["สมาชิก"]
    assert members[0] == (*MEMBERS_HEADER, REASON_HEADER, ROW_HEADER)
    assert [m[:2] for m in members[1:]] == [("4010-000002-1", "เด็กหญิงสมใจ2 ใจดี")]
    assert members[1][4] == "ครัวเรือนของสมาชิกคนนี้ (แถว 5) ไม่ได้นำเข้า"
    assert AccessLog.objects.filter(description__contains="แถวที่ไม่ได้นำเข้า").count() == 1

    client.post(reverse("imports:confirm", args=[job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert "ไม่ได้นำเข้า 1 ครัวเรือน" in job.message
    assert sorted(Household.objects.values_list("code", flat=True)) == [
        "40100000011",
        "40100000031",
    ]
    assert Member.objects.filter(first_name__startswith="สมใจ").count() == 2
    assert not Member.objects.filter(first_name="สมใจ2").exists()
    # The rejected rows hold national IDs: dropped with the job's files.
    assert job.rejected_data is None and job.file_data is None
    assert client.get(reverse("imports:rejected", args=[job.pk])).status_code == 404


def test_all_or_nothing_stays_the_default(client, admin_user):
    client.force_login(admin_user)
    job = upload_and_map(client, office_file(ROWS), valid_rows_only=False)

    assert job.status == ImportStatus.FAILED
    assert not job.valid_rows_only and job.rejected_data is None
    assert Household.objects.count() == 0
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ยืนยันนำเข้า" not in page


def test_only_the_importer_downloads_the_rejected_rows(client, admin_user):
    client.force_login(admin_user)
    job = upload_and_map(client, office_file(ROWS))
    other = f.UserFactory(username="admin2", is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 200
    assert (
        "ดาวน์โหลดแถวที่ไม่ได้นำเข้า"
        not in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    )
    assert client.get(reverse("imports:rejected", args=[job.pk])).status_code == 404
    assert AccessLog.objects.count() == 0


def test_a_row_that_went_bad_since_the_preview_stops_the_whole_apply(client, admin_user):
    """The preview's file of rejected rows must be what is left out: when the rows in error
    differ at the confirm, nothing is written."""
    client.force_login(admin_user)
    job = upload_and_map(client, office_file(ROWS))
    f.MemberFactory(national_id=national_id_for(700003))  # entered by hand meanwhile

    with pytest.raises(ImportFailed, match="แถวที่ผิดพลาดไม่ตรงกับตอนตรวจสอบ"):
        services.import_apply(job=job)

    assert not Household.objects.filter(code__startswith="4010").exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert {e["row"] for e in job.row_errors} >= {5, 6}


def test_a_file_with_no_valid_row_is_refused_even_so(client, admin_user):
    client.force_login(admin_user)
    job = upload_and_map(client, office_file([district_row(1, nid=BAD_ID)]))
    assert job.status == ImportStatus.FAILED
    assert Household.objects.count() == 0


def test_the_fixed_file_comes_back_with_the_same_saved_mapping(client, admin_user):
    client.force_login(admin_user)
    client.post(
        reverse("imports:upload"),
        {"kind": "households", "file": SimpleUploadedFile("b.xlsx", office_file(ROWS))},
    )
    first = ImportJob.objects.latest("pk")
    map_as_proposed(
        client,
        first,
        **{"fixed-district": "บ้านไผ่", "valid_rows_only": "valid", "save_as": "บ้านไผ่"},
    )
    returned = client.get(reverse("imports:rejected", args=[first.pk])).content
    client.post(reverse("imports:confirm", args=[first.pk]))

    # The office fixes the ID in the returned file and sends it back.
    workbook = load_workbook(io.BytesIO(returned))
    workbook["รายชื่อ"]["C2"] = national_id_for(700002)
    fixed = io.BytesIO()
    workbook.save(fixed)
    client.post(
        reverse("imports:upload"),
        {"kind": "households", "file": SimpleUploadedFile("b-fixed.xlsx", fixed.getvalue())},
    )
    second = ImportJob.objects.latest("pk")
    page = client.get(reverse("imports:job", args=[second.pk]))
    assert page.context["proposal"].saved.name == "บ้านไผ่"
    assert "คอลัมน์ที่ระบบเพิ่มในไฟล์แถวที่ไม่ได้นำเข้า" in page.content.decode()

    map_as_proposed(client, second)
    second.refresh_from_db()
    assert second.status == ImportStatus.PREVIEWED, second.message
    client.post(reverse("imports:confirm", args=[second.pk]))
    assert Household.objects.filter(code="40100000021").exists()
    assert Member.objects.filter(first_name="สมใจ2").exists()
    assert Household.objects.count() == 3
