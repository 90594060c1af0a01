"""The mapping step reads only the first rows of a households file (its header and a few
values), however long or padded the file is: the upload and the mapping page run in the
request, so their cost must not grow with the file. The whole file is checked by the
preview (in the background when it is large)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.imports import workbooks
from households.models import ImportJob, ImportStatus
from tests.imports import crafted
from tests.imports.conftest import HOUSEHOLD_HEADER, map_as_proposed

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data: bytes):
    return client.post(
        reverse("imports:upload"),
        {"kind": "households", "file": SimpleUploadedFile("list.xlsx", data, content_type=XLSX)},
        follow=True,
    )


def test_a_padded_workbook_is_mapped_from_its_first_rows_alone(client, admin_user, monkeypatch):
    """42 MB of empty formatted cells under three households, and the reading allowed
    4 MB in all (a whole reading would refuse the file as a zip bomb): the mapping page
    still shows every column and the first values, so it read no further than the head
    of the sheet (its first rows take about 2 MB)."""
    data = crafted.padded(2_000, 1_000, placed=True)
    assert crafted.unpacked_size(data) > 40_000_000
    monkeypatch.setattr(workbooks, "max_unpacked", lambda max_bytes=None: 4 * 1024 * 1024)
    client.force_login(admin_user)
    response = upload(client, data)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.MAPPING, job.message
    rows = response.context["form"].table_rows()
    headers = [choice.header for _, _, table in rows for choice, _, _ in table]
    assert headers == HOUSEHOLD_HEADER
    page = response.content.decode()
    assert "ตัวอย่าง: KK00001 · KK00002 · KK00003" in page  # the three households


def test_first_rows_longer_than_the_bound_are_refused_in_thai(client, admin_user, monkeypatch):
    """Rows of a thousand formatted cells right under the header, and a bound they pass
    before the mapping step has its rows: a Thai reason, the uploaded bytes gone."""
    monkeypatch.setattr(workbooks, "HEAD_MAX_BYTES", 40 * 1024)
    client.force_login(admin_user)
    response = upload(client, crafted.padded(2_000, 1_000, placed=True))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "แถวแรก ๆ ของแผ่นงานในไฟล์ยาวเกิน" in job.message
    assert job.message in response.content.decode()
    assert job.file_data is None


def test_data_far_below_the_head_is_left_to_the_preview(client, admin_user):
    """One cell at XFD1048576: the mapping page offers the columns (it never reads that
    far); the preview refuses the sheet, naming the row, and writes nothing."""
    client.force_login(admin_user)
    upload(client, crafted.far_cell("XFD1048576"))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.MAPPING, job.message
    map_as_proposed(client, job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "แถวที่ 1,048,576" in job.message
    assert job.file_data is None
