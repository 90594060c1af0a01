import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.imports import services, tasks
from households.imports.report import ImportFailed
from households.models import Household, ImportJob, ImportKind, ImportStatus, Member
from tests import factories as f
from tests.imports.conftest import (
    HOUSEHOLD_HEADER,
    MEMBER_HEADER,
    household_row,
    households_file,
    member_row,
    xlsx,
)

pytestmark = pytest.mark.django_db


def _job(user, data, name="households.xlsx", members=None):
    return services.import_job_create(
        user=user,
        kind=ImportKind.HOUSEHOLDS,
        file_name=name,
        data=data,
        members_file_name="members.xlsx" if members else "",
        members_data=members,
    )


def _preview(user, data, **kwargs):
    return services.import_preview(job=_job(user, data, **kwargs))


def test_preview_counts_and_writes_nothing(admin_user):
    job = _preview(admin_user, households_file(3, members=2))
    assert job.status == ImportStatus.PREVIEWED
    assert job.counts["new"] == 3
    assert job.counts["error"] == 0
    assert job.counts["members_new"] == 9  # three heads and six members
    assert [r[1] for r in job.row_results] == ["new", "new", "new"]
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0


def test_preview_names_row_and_column_in_thai(admin_user):
    bad_id = "1234567890123"  # wrong check digit
    rows = [household_row(1), household_row(2, nid=bad_id), household_row(3, subdistrict="ในเมอง")]
    job = _preview(admin_user, households_file(rows=rows))
    assert job.status == ImportStatus.FAILED
    assert job.counts == {**job.counts, "new": 1, "error": 2}
    assert [r[1] for r in job.row_results] == ["new", "error", "error"]
    errors = {(e["row"], e["column"]) for e in job.row_errors}
    assert (3, "เลขประจำตัวประชาชน") in errors
    assert (4, "ตำบล") in errors
    nid_error = next(e for e in job.row_errors if e["row"] == 3)
    assert "ตัวเลขตรวจสอบ" in nid_error["message"]
    assert bad_id not in nid_error["message"]
    # A failed preview drops the file: it holds national IDs.
    assert job.file_data is None


def test_confirm_writes_households_heads_and_members(admin_user):
    job = _preview(admin_user, households_file(2, members=1))
    job = services.import_apply(job=job)
    assert job.status == ImportStatus.APPLIED
    assert job.file_data is None
    household = Household.objects.get(code="KK00001")
    assert household.subdistrict_id == "400101"
    head = household.members.get(is_head=True)
    assert head.first_name == "สมชาย1"
    assert head.title == "นาย"
    assert head.relation == "head"
    assert head.updated_by == admin_user
    assert household.members.count() == 2
    assert Member.objects.count() == 4


def test_reimport_is_all_unchanged_and_writes_nothing(admin_user):
    data = households_file(3, members=2)
    services.import_apply(job=_preview(admin_user, data))
    before = list(Member.objects.order_by("pk").values_list("pk", "updated_at"))
    job = _preview(admin_user, data)
    assert job.counts["unchanged"] == 3
    assert job.counts["new"] == job.counts["updated"] == 0
    assert job.counts["members_unchanged"] == 9
    services.import_apply(job=job)
    assert list(Member.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert Household.objects.count() == 3


def test_changed_row_is_updated(admin_user):
    services.import_apply(job=_preview(admin_user, households_file(2)))
    rows = [household_row(1), household_row(2, income=50000)]
    job = services.import_apply(job=_preview(admin_user, households_file(rows=rows)))
    assert [r[1] for r in job.row_results] == ["unchanged", "updated"]
    assert Household.objects.get(code="KK00002").annual_income == 50000


def test_failed_confirm_writes_nothing(admin_user):
    """A national ID entered by hand between the preview and the confirm stops the file."""
    job = _preview(admin_user, households_file(3))
    assert job.status == ImportStatus.PREVIEWED
    taken = household_row(3)[2]
    elsewhere = f.MemberFactory(national_id=taken).household
    with pytest.raises(ImportFailed):
        services.import_apply(job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "ไม่ได้บันทึก" in job.message
    assert any(
        e["row"] == 4 and e["message"].endswith(f"มีอยู่ในโครงการแล้ว (ครัวเรือน {elsewhere.code})")
        for e in job.row_errors
    )
    assert not Household.objects.filter(code__startswith="KK").exists()
    assert job.file_data is None


def test_duplicate_national_id_in_file_is_an_error(admin_user):
    rows = [household_row(1), household_row(2, nid=household_row(1)[2])]
    job = _preview(admin_user, households_file(rows=rows))
    assert job.status == ImportStatus.FAILED
    assert job.row_errors[0]["row"] == 3
    assert "ซ้ำ" in job.row_errors[0]["message"]


def test_second_head_in_members_sheet_is_an_error(admin_user):
    data = xlsx(
        {
            "ครัวเรือน": [HOUSEHOLD_HEADER, household_row(1)],
            "สมาชิก": [MEMBER_HEADER, member_row(1, 1, relation="หัวหน้าครัวเรือน")],
        }
    )
    job = _preview(admin_user, data)
    assert job.status == ImportStatus.FAILED
    assert job.row_errors[0]["sheet"] == "สมาชิก"
    assert "หัวหน้าครัวเรือน" in job.row_errors[0]["message"]


def test_members_in_a_second_file_keyed_by_head_national_id(admin_user):
    households = households_file(2)
    head_id = household_row(2)[2]
    members = xlsx(
        {
            "Sheet1": [
                ["เลขประจำตัวประชาชนหัวหน้าครัวเรือน", "ชื่อ-สกุล", "เพศ", "ความสัมพันธ์"],
                [head_id, "นางสมศรี ใจดี", "หญิง", "คู่สมรส"],
            ]
        }
    )
    job = services.import_apply(job=_preview(admin_user, households, members=members))
    assert job.status == ImportStatus.APPLIED
    spouse = Member.objects.get(first_name="สมศรี")
    assert spouse.household.code == "KK00002"
    assert spouse.relation == "spouse"


def test_members_for_an_unknown_household_are_errors(admin_user):
    members = xlsx({"Sheet1": [MEMBER_HEADER, member_row(9, 1)]})
    job = _preview(admin_user, households_file(1), members=members)
    assert job.status == ImportStatus.FAILED
    assert "KK00009" in job.row_errors[0]["message"]


def test_new_head_in_file_hands_over_the_role(admin_user):
    services.import_apply(job=_preview(admin_user, households_file(1)))
    new_head = f.national_id_for(777)
    rows = [household_row(1, name="นางสมหญิง ใจดี", nid=new_head, sex="หญิง")]
    job = services.import_apply(job=_preview(admin_user, households_file(rows=rows)))
    assert job.row_results[0][1] == "updated"
    household = Household.objects.get(code="KK00001")
    assert household.members.get(is_head=True).national_id == new_head
    assert household.members.count() == 2


@pytest.mark.parametrize(
    "data, name",
    [
        (b"this is not a spreadsheet \x00\x01", "households.xlsx"),
        (b"PK\x03\x04 broken zip", "households.xlsx"),
        (xlsx({"Sheet1": []}), "households.xlsx"),
        (xlsx({"Sheet1": [["รหัสครัวเรือน", "ชื่อ-สกุล"], ["KK1", "นายก ข"]]}), "households.xlsx"),
        ("รหัสครัวเรือน,ชื่อ\nKK1,ก\n".encode(), "households.csv"),
    ],
)
def test_bad_file_gets_a_thai_message_and_writes_nothing(admin_user, data, name):
    job = _preview(admin_user, data, name=name)
    assert job.status == ImportStatus.FAILED
    assert job.message
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in job.message)
    assert job.file_data is None
    assert Household.objects.count() == 0


def test_file_over_the_size_limit_is_refused(admin_user, settings):
    settings.KUSEAW_IMPORT_MAX_BYTES = 100
    with pytest.raises(services.FileProblem, match="ใหญ่เกิน"):
        _job(admin_user, households_file(3))
    assert ImportJob.objects.count() == 0


def test_apply_records_the_admin_in_the_audit_trail(admin_user):
    services.import_apply(job=_preview(admin_user, households_file(1)))
    event = Household.pgh_event_model.objects.get(code="KK00001")
    assert event.pgh_context.metadata["user"] == admin_user.pk


def test_large_file_runs_as_a_task_with_progress(admin_user, settings):
    settings.KUSEAW_IMPORT_BACKGROUND_ROWS = 1
    job = tasks.import_start(job=_job(admin_user, households_file(3)), apply=False)
    assert job.status == ImportStatus.PREVIEWED
    assert job.task_id
    assert job.total_rows == 3
    job = tasks.import_start(job=job, apply=True)
    assert job.status == ImportStatus.APPLIED
    assert job.processed_rows == 3
    assert Household.objects.count() == 3


def test_a_former_head_listed_among_the_members_steps_down(admin_user):
    """The office's new list names the wife as head and the former head as her husband."""
    services.import_apply(job=_preview(admin_user, households_file(1)))
    former = household_row(1)
    new_head = f.national_id_for(778)
    rows = [household_row(1, name="นางสมหญิง ใจดี", nid=new_head, sex="หญิง")]
    members = [member_row(1, 1, name=former[1], nid=former[2], sex="ชาย", relation="คู่สมรส")]
    data = xlsx({"ครัวเรือน": [HOUSEHOLD_HEADER, *rows], "สมาชิก": [MEMBER_HEADER, *members]})
    job = services.import_apply(job=_preview(admin_user, data))
    assert job.status == ImportStatus.APPLIED, job.message
    household = Household.objects.get(code="KK00001")
    assert household.members.get(is_head=True).national_id == new_head
    stepped_down = household.members.get(national_id=former[2])
    assert stepped_down.relation == "spouse"
    assert household.members.count() == 2


def test_a_member_already_in_the_household_becomes_its_head(admin_user):
    services.import_apply(job=_preview(admin_user, households_file(1, members=1)))
    daughter = member_row(1, 1)
    rows = [household_row(1, name=daughter[1], nid=daughter[2], sex="หญิง")]
    job = services.import_apply(job=_preview(admin_user, households_file(rows=rows)))
    assert job.status == ImportStatus.APPLIED, job.message
    household = Household.objects.get(code="KK00001")
    assert household.members.get(is_head=True).national_id == daughter[2]
    former = household.members.get(national_id=household_row(1)[2])
    assert former.relation == "relative"
    assert household.members.count() == 2


def test_a_list_without_a_sex_column_takes_it_from_the_title(admin_user):
    """District lists often have no «เพศ» column: นาย, นาง, นางสาว, เด็กชาย and เด็กหญิง say it."""
    header = [h for h in HOUSEHOLD_HEADER if h != "เพศ"]
    names = ["นางสมศรี ใจดี", "นายสมชาย ใจดี", "น.ส.สมใจ ใจดี", "สมหมาย ใจดี"]
    rows = []
    for n, name in enumerate(names, start=1):
        row = dict(zip(HOUSEHOLD_HEADER, household_row(n, name=name), strict=True))
        rows.append([row[h] for h in header])
    job = _preview(admin_user, xlsx({"ครัวเรือน": [header, *rows]}))
    assert [r[1] for r in job.row_results] == ["new", "new", "new", "error"]
    assert [(e["row"], e["column"]) for e in job.row_errors] == [(5, "เพศ")]  # no title

    job = _preview(admin_user, xlsx({"ครัวเรือน": [header, *rows[:3]]}))
    services.import_apply(job=job)
    heads = Member.objects.filter(is_head=True).order_by("household__code")
    assert [m.sex for m in heads] == ["f", "m", "f"]


def _apply_queries(user, rows):
    """The queries of applying a file whose households are all on record already."""
    services.import_apply(job=_preview(user, households_file(rows=rows)))
    changed = [[*row[:-1], 99000] for row in rows]  # every household's income changes
    job = _preview(user, households_file(rows=changed))
    with CaptureQueriesContext(connection) as ctx:
        job = services.import_apply(job=job)
    assert job.status == ImportStatus.APPLIED and job.counts["updated"] == len(rows)
    return len(ctx.captured_queries)


def test_reimporting_existing_households_costs_the_same_queries_for_3_or_30(admin_user):
    """Existing records are loaded once per chunk, not one query per row."""
    few = _apply_queries(admin_user, [household_row(n) for n in range(1, 4)])
    many = _apply_queries(admin_user, [household_row(n) for n in range(101, 131)])
    assert few == many
    assert Household.objects.filter(annual_income=99000).count() == 33
