"""`manage.py import_households` with a district office's own layout (issue 14): --mapping by a
saved mapping's name or a JSON file, the columns not imported in its output, and
--valid-rows-only with --rejected."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from households.imports import services
from households.imports.mapping import REASON_HEADER
from households.models import Household, ImportJob
from tests.imports.conftest import households_file, map_as_proposed
from tests.imports.test_column_mapping import DISTRICT_HEADER, district_file, district_row
from tests.imports.test_valid_rows_only import BAD_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_list(tmp_path):
    path = tmp_path / "banphai.xlsx"
    path.write_bytes(district_file())
    return path


def test_without_a_mapping_the_district_list_is_refused_naming_what_is_missing(office_list, capsys):
    with pytest.raises(CommandError, match="อำเภอ") as error:
        call_command("import_households", str(office_list))
    assert "--mapping" in str(error.value)
    assert Household.objects.count() == 0


def test_a_mapping_file_gives_the_columns_and_the_fixed_district(office_list, tmp_path, capsys):
    mapping = tmp_path / "banphai.json"
    mapping.write_text(
        json.dumps(
            {
                "households": {
                    "columns": {"ลำดับ": "", "หมายเหตุ": "สินทรัพย์เพื่อการทำมาหากิน"},
                    "fixed": {"อำเภอ": "บ้านไผ่"},
                }
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )

    call_command("import_households", str(office_list), "--mapping", str(mapping))

    out = capsys.readouterr().out
    assert "ใหม่ 2" in out
    assert "ครัวเรือน: อำเภอ = «บ้านไผ่» ทุกแถว" in out
    assert "ครัวเรือน: ไม่ได้นำเข้า ลำดับ (not imported)" in out
    household = Household.objects.get(code="40100000011")
    assert household.livelihood_assets == "ย้ายมาใหม่"  # the remark, where the file said
    assert household.annual_income == 120000


def test_a_saved_mapping_is_used_by_its_name(office_list, client, admin_user, capsys):
    client.force_login(admin_user)
    job = services.import_mapping_open(
        job=services.import_job_create(
            user=admin_user, kind="households", file_name="b.xlsx", data=district_file()
        )
    )
    map_as_proposed(client, job, **{"fixed-district": "บ้านไผ่", "save_as": "บ้านไผ่"})

    call_command("import_households", str(office_list), "--mapping", "บ้านไผ่", "--user", "admin")

    assert "ไม่ได้นำเข้า ลำดับ, หมายเหตุ" in capsys.readouterr().out
    assert Household.objects.filter(code="40100000021").exists()
    assert ImportJob.objects.latest("pk").created_by == admin_user


def test_an_unknown_saved_mapping_or_field_is_a_thai_error(office_list, tmp_path):
    with pytest.raises(CommandError, match="ไม่พบการกำหนดคอลัมน์ชื่อ «ไม่มี»"):
        call_command("import_households", str(office_list), "--mapping", "ไม่มี")
    bad = tmp_path / "bad.json"
    bad.write_text('{"columns": {"ลำดับ": "ลำดับที่"}}', encoding="utf-8")
    with pytest.raises(CommandError, match="ไม่มีข้อมูลชื่อนี้"):
        call_command("import_households", str(office_list), "--mapping", str(bad))


def test_valid_rows_only_writes_the_good_rows_and_the_rejected_ones_to_a_file(tmp_path, capsys):
    path = tmp_path / "banphai.xlsx"
    path.write_bytes(district_file([district_row(1), district_row(2, nid=BAD_ID)]))
    mapping = tmp_path / "m.json"
    mapping.write_text('{"fixed": {"district": "บ้านไผ่"}}', encoding="utf-8")
    rejected = tmp_path / "rejected.xlsx"

    call_command(
        "import_households",
        str(path),
        "--mapping",
        str(mapping),
        "--valid-rows-only",
        "--rejected",
        str(rejected),
    )

    captured = capsys.readouterr()
    assert "ใหม่ 1" in captured.out and "ผิดพลาด 1" in captured.out
    assert "ไม่ได้นำเข้า 1 ครัวเรือน" in captured.err
    assert list(Household.objects.values_list("code", flat=True)) == ["40100000011"]
    sheet = load_workbook(io.BytesIO(rejected.read_bytes())).active
    rows = list(sheet.values)
    assert rows[0][: len(DISTRICT_HEADER) + 1] == (*DISTRICT_HEADER, REASON_HEADER)
    assert rows[1][2] == BAD_ID


def test_the_template_imports_as_before_and_lists_no_column_left_out(tmp_path, capsys):
    path = tmp_path / "households.xlsx"
    path.write_bytes(households_file(2))
    call_command("import_households", str(path))
    out = capsys.readouterr().out
    assert "ไม่ได้นำเข้า" not in out
    assert Household.objects.count() == 2


def test_rejected_needs_valid_rows_only(office_list, tmp_path):
    with pytest.raises(CommandError, match="--rejected ใช้คู่กับ --valid-rows-only"):
        call_command("import_households", str(office_list), "--rejected", str(tmp_path / "r"))
    assert ImportJob.objects.count() == 0
