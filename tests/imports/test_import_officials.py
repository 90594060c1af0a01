import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.results import RowResult

from households.imports import people, services
from households.imports.people import OfficialRowsResource
from households.imports.report import ImportFailed, ImportReport
from households.models import ImportKind, ImportStatus
from officials.models import Official
from officials.roles import GROUP_NAMES, Role
from tests import factories as f
from tests.imports.conftest import xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "ชื่อ-สกุล",
    "เลขประจำตัวประชาชน",
    "ชื่อผู้ใช้",
    "หน่วยงาน",
    "อำเภอที่ปฏิบัติงาน",
    "ตำแหน่ง",
    "โทรศัพท์",
]


def official_row(n: int, **overrides) -> list:
    row = {
        "name": f"นายสมศักดิ์{n} รักงาน",
        "nid": f.national_id_for(700000 + n),
        "username": "",
        "agency": "พช.ขก.",
        "district": "อ.เมืองขอนแก่น",
        "position": "นักพัฒนาชุมชน",
        "phone": "0811111111",
    }
    row.update(overrides)
    return list(row.values())


def officials_file(rows) -> bytes:
    return xlsx({"เจ้าหน้าที่": [HEADER, *rows]})


def _preview(user, data):
    job = services.import_job_create(
        user=user, kind=ImportKind.OFFICIALS, file_name="officials.xlsx", data=data
    )
    return services.import_preview(job=job)


def test_preview_new_rows_writes_nothing(admin_user):
    job = _preview(admin_user, officials_file([official_row(1), official_row(2)]))
    assert job.status == ImportStatus.PREVIEWED
    assert job.counts["new"] == 2
    expected = people.generated_username(f.national_id_for(700001))
    assert job.row_results[0] == [2, "new", expected, ""]
    assert not Official.objects.filter(national_id=f.national_id_for(700001)).exists()


def test_preview_names_row_and_column_in_thai(admin_user):
    rows = [
        official_row(1),
        official_row(2, nid="1234567890123"),
        official_row(3, agency="สำนักงานพัฒนาชุมชนจังหวัดขอนแกน"),
        official_row(4, district="อ.ไม่มีจริง"),
    ]
    job = _preview(admin_user, officials_file(rows))
    assert job.status == ImportStatus.FAILED
    assert [r[1] for r in job.row_results] == ["new", "error", "error", "error"]
    by_row = {e["row"]: e for e in job.row_errors}
    assert by_row[3]["column"] == "เลขประจำตัวประชาชน"
    assert "ตัวเลขตรวจสอบ" in by_row[3]["message"]
    assert "1234567890123" not in by_row[3]["message"]
    assert by_row[4]["column"] == "หน่วยงาน"
    assert "หมายถึง «สำนักงานพัฒนาชุมชนจังหวัดขอนแก่น»" in by_row[4]["message"]
    assert by_row[5]["column"] == "อำเภอที่ปฏิบัติงาน"
    assert job.file_data is None


def test_username_taken_by_someone_else_is_an_error(admin_user, official_a):
    job = _preview(admin_user, officials_file([official_row(1, username="official-a")]))
    assert job.row_results[0][1] == "error"
    assert job.row_errors[0]["column"] == "ชื่อผู้ใช้"
    assert "มีผู้อื่นใช้อยู่แล้ว" in job.row_errors[0]["message"]


def test_duplicate_national_id_in_file_is_an_error(admin_user):
    job = _preview(admin_user, officials_file([official_row(1), official_row(1, username="x1")]))
    assert [r[1] for r in job.row_results] == ["new", "error"]
    assert "ซ้ำกับแถว 2" in job.row_errors[0]["message"]


def test_apply_creates_officials_with_users_in_the_official_group(admin_user):
    rows = [official_row(1), official_row(2, username="somsak2", agency="CDD")]
    job = services.import_apply(job=_preview(admin_user, officials_file(rows)))
    assert job.status == ImportStatus.APPLIED
    official = Official.objects.select_related("user").get(national_id=f.national_id_for(700001))
    assert official.user.username == people.generated_username(f.national_id_for(700001))
    assert official.user.first_name == "สมศักดิ์1"
    assert official.user.last_name == "รักงาน"
    assert not official.user.has_usable_password()
    assert official.user.groups.filter(name=GROUP_NAMES[Role.OFFICIAL]).exists()
    assert official.agency.code == "CDD"
    assert official.district_id == "4001"
    assert official.is_active
    assert Official.objects.get(user__username="somsak2").position == "นักพัฒนาชุมชน"


def test_reimport_is_unchanged_and_an_edit_is_an_update(admin_user):
    data = officials_file([official_row(1), official_row(2)])
    services.import_apply(job=_preview(admin_user, data))
    again = _preview(admin_user, data)
    assert again.counts["unchanged"] == 2
    assert again.counts["new"] == again.counts["updated"] == 0
    services.import_apply(job=again)
    assert Official.objects.filter(national_id__startswith="3000007").count() == 2

    moved = officials_file([official_row(1, district="บ้านไผ่", position="หัวหน้า"), official_row(2)])
    job = _preview(admin_user, moved)
    assert [r[1] for r in job.row_results] == ["updated", "unchanged"]
    assert "อำเภอที่ปฏิบัติงาน" in job.row_results[0][3]
    services.import_apply(job=job)
    official = Official.objects.get(national_id=f.national_id_for(700001))
    assert (official.district_id, official.position) == ("4010", "หัวหน้า")


def test_existing_official_is_matched_by_national_id(admin_user, official_a):
    official_a.national_id = f.national_id_for(700001)
    official_a.save()
    job = _preview(admin_user, officials_file([official_row(1, phone="0899999999")]))
    assert job.row_results[0][1] == "updated"
    assert job.row_results[0][2] == "official-a"  # blank username keeps the account's own
    services.import_apply(job=job)
    official_a.refresh_from_db()
    assert official_a.phone == "0899999999"
    assert official_a.user.first_name == "สมศักดิ์1"
    assert Official.objects.count() == 1


def test_failed_apply_writes_nothing(admin_user):
    rows = [official_row(1), official_row(2, username="taken-later")]
    job = _preview(admin_user, officials_file(rows))
    assert job.status == ImportStatus.PREVIEWED
    f.UserFactory(username="taken-later")  # made by hand between preview and confirm
    users_before = get_user_model().objects.count()
    with pytest.raises(ImportFailed):
        services.import_apply(job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Official.objects.count() == 0
    assert get_user_model().objects.count() == users_before
    assert any(e["column"] == "ชื่อผู้ใช้" for e in job.row_errors)


def test_admin_uploads_officials_through_the_page(client, admin_user):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("o.xlsx", officials_file([official_row(1)]), content_type=XLSX)
    response = client.post(reverse("imports:upload"), {"kind": "officials", "file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "เจ้าหน้าที่ใหม่" in page.content.decode()
    client.post(reverse("imports:confirm", args=[page.context["job"].pk]))
    assert Official.objects.count() == 1


def test_blank_officials_template_reads_back(admin_user, client):
    client.force_login(admin_user)
    response = client.get(reverse("imports:template", args=["officials"]))
    assert response.status_code == 200
    job = _preview(admin_user, response.content)
    assert job.status == ImportStatus.PREVIEWED, job.row_errors
    assert job.counts["new"] == 1


@pytest.mark.parametrize("persona", ["official_a", "coordinator_a", "district_staff"])
def test_non_admins_cannot_import_officials(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    upload = SimpleUploadedFile("o.xlsx", officials_file([official_row(1)]), content_type=XLSX)
    response = client.post(reverse("imports:upload"), {"kind": "officials", "file": upload})
    assert response.status_code == 404
    assert client.get(reverse("imports:template", args=["officials"])).status_code == 404
    assert not Official.objects.filter(national_id=f.national_id_for(700001)).exists()


def test_command_imports_officials(admin_user, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "officials.xlsx"
    path.write_bytes(officials_file([official_row(1)]))
    call_command("import_households", str(path), "--kind", "officials")
    assert Official.objects.filter(national_id=f.national_id_for(700001)).exists()


def test_officials_resource_gives_the_librarys_row_results(admin_user, official_a):
    headers = ["full_name", "national_id", "agency", "district", "_row"]
    data = tablib.Dataset(headers=headers)
    data.append(["นายใหม่ มาทำงาน", f.national_id_for(700001), "พช.ขก.", "อ.เมืองขอนแก่น", 2])
    data.append(["นายผิด เลขบัตร", "1234567890123", "พช.ขก.", "อ.เมืองขอนแก่น", 3])
    report = ImportReport()
    resource = OfficialRowsResource(report=report, user=admin_user)
    result = resource.import_data(data, dry_run=False, use_transactions=False)
    assert [r.import_type for r in result.rows] == [
        RowResult.IMPORT_TYPE_NEW,
        RowResult.IMPORT_TYPE_INVALID,
    ]
    assert [(e.row, e.column) for e in report.errors] == [(3, "เลขประจำตัวประชาชน")]
    # A file with an error writes nothing, even outside a dry run.
    assert not Official.objects.filter(national_id=f.national_id_for(700001)).exists()
