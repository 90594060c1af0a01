"""The import pages run on django-import-export resources (households.imports.household_rows).

These tests drive HouseholdRowsResource the way the library documents it, with a tablib
Dataset and import_data(), and check what an admin relies on: the library's row results,
one transaction owned by the import, no query per row.
"""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from import_export.results import RowResult

from households.imports import services
from households.imports.columns import HOUSEHOLD_COLUMNS
from households.imports.household_rows import HouseholdRowsResource
from households.imports.report import ImportReport
from households.models import Household, ImportKind, Member
from tests.factories import national_id_for
from tests.imports.conftest import households_file

pytestmark = pytest.mark.django_db

KEYS = ["code", "full_name", "national_id", "birth_date", "sex", "house_no", "village_no"]
KEYS += ["subdistrict", "district"]


def _dataset(*rows):
    data = tablib.Dataset(headers=[*KEYS, "_row"])
    for number, row in enumerate(rows, start=2):
        data.append([*row, number])
    return data


def _row(n, **overrides):
    values = {
        "code": f"KK{n:05d}",
        "full_name": f"นางสมศรี{n} ดีใจ",
        "national_id": national_id_for(700000 + n),
        "birth_date": "01/01/2520",
        "sex": "หญิง",
        "house_no": f"{n}/2",
        "village_no": "๓",
        "subdistrict": "ต.ในเมือง",
        "district": "อำเภอเมืองขอนแก่น",
    }
    values.update(overrides)
    return [values[k] for k in KEYS]


def _resource(user=None):
    report = ImportReport()
    return HouseholdRowsResource(report=report, members_by_key={}, user=user), report


def test_the_resource_fields_are_the_files_columns():
    resource, _ = _resource()
    columns = {c.key for c in HOUSEHOLD_COLUMNS}
    assert {f.column_name for f in resource.get_import_fields()} <= columns
    assert resource.get_import_id_fields() == ("code",)


def test_import_data_gives_the_librarys_row_results_and_writes_in_bulk(admin_user):
    resource, report = _resource(admin_user)
    result = resource.import_data(_dataset(_row(1), _row(2)), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert [r.import_type for r in result.rows] == [RowResult.IMPORT_TYPE_NEW] * 2
    assert Household.objects.count() == 2
    assert Member.objects.filter(is_head=True).count() == 2

    again, report = _resource(admin_user)
    result = again.import_data(_dataset(_row(1), _row(2, birth_date="02/01/2520")))
    assert [r.import_type for r in result.rows] == [
        RowResult.IMPORT_TYPE_SKIP,  # unchanged
        RowResult.IMPORT_TYPE_UPDATE,  # the head's birth date changed
    ]
    assert report.as_counts()["unchanged"] == 1 and report.as_counts()["updated"] == 1


def test_a_bad_cell_is_an_invalid_row_with_a_thai_row_and_column_message():
    resource, report = _resource()
    result = resource.import_data(
        _dataset(_row(1), _row(2, national_id="1234567890123")), dry_run=True
    )
    assert result.has_validation_errors()
    assert [r.import_type for r in result.rows] == [
        RowResult.IMPORT_TYPE_NEW,
        RowResult.IMPORT_TYPE_INVALID,
    ]
    (issue,) = report.errors
    assert (issue.row, issue.column) == (3, "เลขประจำตัวประชาชน")
    assert "ตัวเลขตรวจสอบ" in issue.message
    assert Household.objects.count() == 0


def test_a_dry_run_writes_nothing():
    resource, _ = _resource()
    result = resource.import_data(_dataset(_row(1)), dry_run=True)
    assert [r.import_type for r in result.rows] == [RowResult.IMPORT_TYPE_NEW]
    assert Household.objects.count() == 0 and Member.objects.count() == 0


def _preview_queries(admin_user, n):
    job = services.import_job_create(
        user=admin_user,
        kind=ImportKind.HOUSEHOLDS,
        file_name="households.xlsx",
        data=households_file(n, members=1),
    )
    with CaptureQueriesContext(connection) as ctx:
        job = services.import_preview(job=job)
    assert job.counts["new"] == n
    return len(ctx.captured_queries)


def test_preview_costs_the_same_queries_for_3_or_40_households(admin_user):
    assert _preview_queries(admin_user, 3) == _preview_queries(admin_user, 40)
