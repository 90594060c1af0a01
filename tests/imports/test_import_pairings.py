import datetime as dt

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.results import RowResult

from households.imports import services
from households.imports.people import PairingRowsResource
from households.imports.report import ImportFailed, ImportReport
from households.models import Household, ImportKind, ImportStatus, Status
from officials.models import Pairing
from tests import factories as f
from tests.imports.conftest import xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["รหัสครัวเรือน", "เลขประจำตัวประชาชนเจ้าหน้าที่", "ชื่อผู้ใช้เจ้าหน้าที่", "วันที่เริ่มดูแล"]
NID_A = f.national_id_for(710001)


@pytest.fixture(autouse=True)
def cap_of_two(settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2


@pytest.fixture
def paired_setup(official_a, official_b):
    official_a.national_id = NID_A
    official_a.save()
    for code in ("HH1", "HH2", "HH3", "HH4"):
        f.HouseholdFactory(code=code)
    f.HouseholdFactory(code="GONE", status=Status.MOVED)
    return official_a


def pairings_file(rows) -> bytes:
    return xlsx({"การจับคู่": [HEADER, *rows]})


def _preview(user, data):
    job = services.import_job_create(
        user=user, kind=ImportKind.PAIRINGS, file_name="pairings.xlsx", data=data
    )
    return services.import_preview(job=job)


def test_preview_new_and_unchanged(admin_user, paired_setup, official_a):
    f.PairingFactory(official=official_a, household=f.HouseholdFactory(code="HH0"))
    rows = [["HH0", NID_A, "", ""], ["HH1", "", "official-a", "01/02/2567"]]
    job = _preview(admin_user, pairings_file(rows))
    assert job.status == ImportStatus.PREVIEWED
    assert [r[1] for r in job.row_results] == ["unchanged", "new"]
    assert job.row_results[1][2] == "HH1"
    assert Pairing.objects.count() == 1


def test_preview_errors_name_row_and_column(admin_user, paired_setup, official_b):
    f.PairingFactory(official=official_b, household=f.HouseholdFactory(code="HHB"))
    rows = [
        ["NOPE", NID_A, "", ""],
        ["HHB", NID_A, "", ""],
        ["HH1", f.national_id_for(799999), "", ""],
        ["HH2", "", "nobody", ""],
        ["GONE", NID_A, "", ""],
    ]
    job = _preview(admin_user, pairings_file(rows))
    assert job.status == ImportStatus.FAILED
    assert job.counts["error"] == 5
    messages = {(e["row"], e["column"]): e["message"] for e in job.row_errors}
    assert "ไม่พบครัวเรือนรหัส «NOPE»" in messages[(2, "รหัสครัวเรือน")]
    assert "มีคู่เสี่ยวดูแลอยู่แล้ว" in messages[(3, "รหัสครัวเรือน")]
    assert "ไม่พบเจ้าหน้าที่" in messages[(4, "เลขประจำตัวประชาชนเจ้าหน้าที่")]
    assert "ไม่พบเจ้าหน้าที่ที่มีชื่อผู้ใช้ «nobody»" in messages[(5, "ชื่อผู้ใช้เจ้าหน้าที่")]
    assert "ไม่ได้อยู่ในโครงการ" in messages[(6, "รหัสครัวเรือน")]


def test_row_over_the_cap_counting_the_file_is_an_error(admin_user, paired_setup, official_a):
    f.PairingFactory(official=official_a, household=f.HouseholdFactory(code="HH0"))
    rows = [["HH1", NID_A, "", ""], ["HH2", NID_A, "", ""]]
    job = _preview(admin_user, pairings_file(rows))
    assert [r[1] for r in job.row_results] == ["new", "error"]
    assert job.row_errors[0]["row"] == 3
    assert job.row_errors[0]["column"] == "เลขประจำตัวประชาชนเจ้าหน้าที่"
    assert "เกิน 2 ครัวเรือน" in job.row_errors[0]["message"]


def test_apply_pairs_and_reimport_is_unchanged(admin_user, paired_setup, official_a):
    data = pairings_file([["HH1", NID_A, "", "01/02/2567"], ["HH2", "", "official-a", ""]])
    job = services.import_apply(job=_preview(admin_user, data))
    assert job.status == ImportStatus.APPLIED
    first = Pairing.objects.get(household__code="HH1")
    assert first.official == official_a
    assert first.started_on == dt.date(2024, 2, 1)
    assert first.created_by == admin_user
    assert Pairing.objects.get(household__code="HH2").started_on is not None
    again = _preview(admin_user, data)
    assert again.counts["unchanged"] == 2
    services.import_apply(job=again)
    assert Pairing.objects.count() == 2


def test_failed_apply_writes_nothing(admin_user, paired_setup, official_a, official_b):
    data = pairings_file([["HH1", NID_A, "", ""], ["HH2", NID_A, "", ""]])
    job = _preview(admin_user, data)
    assert job.status == ImportStatus.PREVIEWED
    # Meanwhile HH2 was paired by hand: the whole file stops.
    f.PairingFactory(official=official_b, household=Household.objects.get(code="HH2"))
    with pytest.raises(ImportFailed):
        services.import_apply(job=job)
    assert not Pairing.objects.filter(official=official_a).exists()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_blank_pairings_template_matches_the_columns(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("imports:template", args=["pairings"]))
    assert response.status_code == 200
    job = _preview(admin_user, response.content)
    # The example row names a household and an official this database does not have.
    assert job.row_results and job.row_results[0][0] == 2
    columns = {e["column"] for e in job.row_errors}
    assert columns == {"รหัสครัวเรือน", "เลขประจำตัวประชาชนเจ้าหน้าที่"}


@pytest.mark.parametrize("persona", ["official_a", "coordinator_a", "district_staff"])
def test_non_admins_cannot_import_pairings(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    upload = SimpleUploadedFile("p.xlsx", pairings_file([["HH1", NID_A, "", ""]]), XLSX)
    response = client.post(reverse("imports:upload"), {"kind": "pairings", "file": upload})
    assert response.status_code == 404
    assert client.get(reverse("imports:template", args=["pairings"])).status_code == 404


def test_pairings_resource_gives_the_librarys_row_results(admin_user, paired_setup):
    Pairing.objects.create(
        official=paired_setup,
        household=Household.objects.get(code="HH1"),
        started_on=dt.date(2025, 1, 1),
    )
    data = tablib.Dataset(headers=["household_code", "official_national_id", "_row"])
    data.append(["HH1", NID_A, 2])  # already her buddy
    data.append(["HH2", NID_A, 3])  # new
    data.append(["NOPE", NID_A, 4])  # no such household
    report = ImportReport()
    resource = PairingRowsResource(report=report, user=admin_user)
    result = resource.import_data(data, dry_run=True, use_transactions=False)
    assert [r.import_type for r in result.rows] == [
        RowResult.IMPORT_TYPE_SKIP,
        RowResult.IMPORT_TYPE_NEW,
        RowResult.IMPORT_TYPE_INVALID,
    ]
    assert [(e.row, e.column) for e in report.errors] == [(4, "รหัสครัวเรือน")]
    assert Pairing.objects.count() == 1  # a dry run
