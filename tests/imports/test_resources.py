"""django-import-export resources: exports, and the admin's import with the library's traps."""

import datetime as dt
import os
import tempfile

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tablib import Dataset

from agencies.models import Subdistrict
from households.imports.resources import HouseholdResource, import_atomically
from households.models import Household
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "รหัสครัวเรือน,บ้านเลขที่,หมู่ที่,รหัสตำบล,สาเหตุความยากจน,ระดับความยากจน,วันที่เข้าโครงการ"


def csv_rows(n, start=0, bad=None):
    lines = [HEADER]
    for i in range(start, start + n):
        code = f"ADM{i:04d}"
        sub = "999999" if i == bad else "400101"
        lines.append(f"{code},{i}/1,3,{sub},ขาดโอกาส,อยู่ยาก,15/02/2564")
    return "\n".join(lines) + "\n"


def csv_format_index():
    formats = site._registry[Household].get_import_formats()
    return next(i for i, fmt in enumerate(formats) if fmt().get_title() == "csv")


def admin_import(client, text):
    """Upload, then confirm; returns the confirm response (or the preview if it had errors)."""
    fmt = csv_format_index()
    upload = {"import_file": _file(text), "format": fmt, "resource": 0}
    preview = client.post(reverse("admin:households_household_import"), upload)
    assert preview.status_code == 200
    form = preview.context.get("confirm_form")
    if form is None:
        return preview
    return client.post(reverse("admin:households_household_process_import"), form.initial)


def _file(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("households.csv", text.encode("utf-8"), content_type="text/csv")


def test_household_export_has_thai_headers_be_dates_masked_ids_and_no_formulas():
    household = f.HouseholdFactory(
        code="=cmd|'/c calc'!A1", village_name="@SUM(1)", joined_on=dt.date(2021, 2, 15)
    )
    head = f.MemberFactory(household=household, is_head=True, national_id=f.national_id_for(7))
    data = HouseholdResource().export(Household.objects.all())
    assert data.headers[0] == "รหัสครัวเรือน"
    assert "หัวหน้าครัวเรือน" in data.headers and "วันที่เข้าโครงการ" in data.headers
    row = dict(zip(data.headers, data[0], strict=True))
    assert row["รหัสครัวเรือน"] == "'=cmd|'/c calc'!A1"
    assert row["ชื่อหมู่บ้าน"] == "'@SUM(1)"
    assert row["วันที่เข้าโครงการ"] == "15/02/2564"
    assert row["หัวหน้าครัวเรือน"] == head.full_name
    masked = row["เลขประจำตัวประชาชนหัวหน้าครัวเรือน"]
    assert masked.startswith("x-xxxx-xxxxx-") and head.national_id not in str(data.csv)
    full = HouseholdResource(for_admin=True).export(Household.objects.all())
    assert head.national_id in full.csv


def test_household_export_costs_the_same_queries_for_3_or_20_rows():
    def count(n):
        Household.objects.all().delete()
        for _ in range(n):
            f.MemberFactory(is_head=True)
        with CaptureQueriesContext(connection) as ctx:
            HouseholdResource().export(Household.objects.all())
        return len(ctx)

    assert count(3) == count(20)


def test_admin_import_creates_households_and_leaves_no_file_on_disk(admin_client):
    f.SubdistrictFactory()
    before = set(os.listdir(tempfile.gettempdir()))
    sessions = Session.objects.count()
    response = admin_import(admin_client, csv_rows(3))
    assert Session.objects.count() == sessions  # the stored upload is removed on confirm
    assert response.status_code == 302
    assert set(Household.objects.values_list("code", flat=True)) == {
        "ADM0000",
        "ADM0001",
        "ADM0002",
    }
    household = Household.objects.get(code="ADM0001")
    assert household.joined_on == dt.date(2021, 2, 15)
    assert household.cause == "lack"
    assert set(os.listdir(tempfile.gettempdir())) - before == set()
    assert LogEntry.objects.count() == 0  # no admin log entry per row
    # Re-importing the same file changes nothing.
    assert admin_import(admin_client, csv_rows(3)).status_code == 302
    assert Household.objects.count() == 3


def test_admin_import_with_a_bad_row_writes_nothing(admin_client):
    f.SubdistrictFactory()
    response = admin_import(admin_client, csv_rows(4, bad=2))
    assert Household.objects.count() == 0
    assert response.status_code == 200  # the preview shows the error, no confirm offered


def test_admin_confirm_writes_nothing_when_a_row_became_invalid(admin_client):
    sub = f.SubdistrictFactory()
    doomed = Subdistrict.objects.create(
        code="409999", district=sub.district, name_th="ทดสอบ", name_en="Test", postal_code="40000"
    )
    text = csv_rows(3).replace("ADM0001,1/1,3,400101", "ADM0001,1/1,3,409999")
    upload = {"import_file": _file(text), "format": csv_format_index(), "resource": 0}
    preview = admin_client.post(reverse("admin:households_household_import"), upload)
    form = preview.context["confirm_form"]  # the preview found no error
    doomed.delete()  # between preview and confirm, row 2's subdistrict disappears
    response = admin_client.post(
        reverse("admin:households_household_process_import"), form.initial, follow=True
    )
    assert Household.objects.count() == 0
    assert "ไม่ได้บันทึกข้อมูลใดเลย" in response.content.decode()


def test_import_is_one_transaction_even_in_bulk_mode():
    f.SubdistrictFactory()
    data = Dataset().load(csv_rows(5, bad=3), format="csv")
    result = import_atomically(HouseholdResource(), data, bulk=True)
    assert result.has_errors() or result.has_validation_errors()
    assert Household.objects.count() == 0
    data = Dataset().load(csv_rows(5), format="csv")
    result = import_atomically(HouseholdResource(), data, bulk=True)
    assert Household.objects.count() == 5


def test_import_selects_existing_records_with_a_constant_number_of_queries():
    f.SubdistrictFactory()

    def selects(n, start):
        data = Dataset().load(csv_rows(n, start=start), format="csv")
        import_atomically(HouseholdResource(), data)  # create
        data = Dataset().load(csv_rows(n, start=start).replace("ขาดโอกาส", "ตัดโอกาสเอง"), "csv")
        with CaptureQueriesContext(connection) as ctx:
            result = import_atomically(HouseholdResource(), data)
        assert not result.has_errors() and not result.has_validation_errors()
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in ctx)

    assert selects(5, 0) == selects(30, 100)
    assert Household.objects.filter(cause="self").count() == 35


def test_non_admin_staff_cannot_import(client, official_a):
    official_a.user.is_staff = True
    official_a.user.save()
    client.force_login(official_a.user)
    response = client.get(reverse("admin:households_household_import"))
    assert response.status_code in (302, 403)
