import pytest
from django.core.management import CommandError, call_command

from households.models import Household, ImportJob
from tests.imports.conftest import household_row, households_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "households.xlsx"
    path.write_bytes(households_file(3, members=1))
    return path


def test_dry_run_prints_counts_and_writes_nothing(good_file, capsys):
    call_command("import_households", str(good_file), "--dry-run")
    out = capsys.readouterr().out
    assert "ใหม่ 3" in out
    assert "new 3" in out
    assert Household.objects.count() == 0


def test_import_writes_and_records_the_user(good_file, admin_user, capsys):
    call_command("import_households", str(good_file), "--user", admin_user.username)
    assert Household.objects.count() == 3
    job = ImportJob.objects.get()
    assert job.created_by == admin_user
    assert job.status == "applied"
    call_command("import_households", str(good_file))
    assert "ไม่เปลี่ยนแปลง 3" in capsys.readouterr().out


def test_errors_give_non_zero_exit(tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(households_file(rows=[household_row(1, nid="1234567890123")]))
    with pytest.raises(CommandError):
        call_command("import_households", str(path))
    assert "แถว 2, เลขประจำตัวประชาชน" in capsys.readouterr().err
    assert Household.objects.count() == 0


def test_bad_file_gives_non_zero_exit(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\x00\x01\x02")
    with pytest.raises(CommandError):
        call_command("import_households", str(path), "--dry-run")
