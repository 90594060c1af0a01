"""Workbooks crafted as an attacker would make them: each upload ends with a Thai page,
within a stated time and a memory limit, the process alive and nothing written.

Each upload runs in a child process (tests/imports/crafted.py: the import pages through
Django's test client, against this test's database) whose address space is limited to
MEMORY_MB and which is killed after its time bound, so that a reader trying to allocate
512 GiB kills the child, not the test run, and the assertions are on what the admin saw.
The bounds are generous safety limits (the CI machine may be slow); the times and memory
peaks measured are in bench/import_workbooks.py and the README.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from households.models import Household, ImportJob, ImportStatus
from tests.imports import crafted

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
# The child's whole address space: Django, both readers and the page (it peaks near
# 200 MB resident); calamine asking for 5 GB or 512 GiB fails against it.
MEMORY_MB = 1536


def upload_in_child(tmp_path, data: bytes, admin, *, seconds: int) -> dict:
    path = tmp_path / "households.xlsx"
    path.write_bytes(data)
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "kuseaw.settings",
        "KUSEAW_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "MALLOC_ARENA_MAX": "2",  # glibc's per-thread arenas would count against RLIMIT_AS
    }
    command = [sys.executable, "-m", "tests.imports.crafted", "upload", str(path), str(admin.pk)]
    done = subprocess.run(
        [*command, str(MEMORY_MB)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # the process lived
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_refused_in_thai(outcome: dict, *words: str):
    assert outcome["codes"][-1] == 200
    assert outcome["status"] == ImportStatus.FAILED
    for word in words:
        assert word in outcome["message"]
        assert word in outcome["page"]
    assert not outcome["file_kept"]  # the uploaded bytes are gone with the failure
    assert outcome["households"] == 0


def test_one_cell_at_the_last_cell_of_a_sheet_is_refused_not_allocated(tmp_path, admin_user):
    """4.8 KB, one cell at XFD1048576: calamine would ask for 512 GiB and abort."""
    data = crafted.far_cell("XFD1048576")
    assert len(data) < 8 * 1024
    outcome = upload_in_child(tmp_path, data, admin_user, seconds=60)
    assert_refused_in_thai(outcome, "ชีต «ครัวเรือน»", "แถวที่ 1,048,576", "500,000 แถว")
    assert Household.objects.count() == 0
    assert ImportJob.objects.get().file_data is None


def test_one_cell_at_zz200000_is_refused_by_its_column(tmp_path, admin_user):
    """One cell at ZZ200000: calamine would take 5 GB for 20 s. Its row is allowed,
    its column (702) is not."""
    outcome = upload_in_child(tmp_path, crafted.far_cell("ZZ200000"), admin_user, seconds=60)
    assert_refused_in_thai(outcome, "คอลัมน์ ZZ", "256 คอลัมน์")


def test_75_mb_of_empty_formatted_cells_are_trimmed_and_the_data_previewed(tmp_path, admin_user):
    """230 KB zipped, 75 MB of empty formatted cells and no <dimension>: openpyxl took
    52 s in the request (gunicorn killed it at 30 s). The cells are trimmed, the file goes
    to the background worker (it unpacks to far more than its size says), and the three
    households are previewed; nothing is written until the confirm."""
    data = crafted.padded(7_500, 1_000, placed=False)
    assert len(data) < 300 * 1024
    assert crafted.unpacked_size(data) > 75_000_000
    outcome = upload_in_child(tmp_path, data, admin_user, seconds=120)
    assert outcome["codes"][-1] == 200
    assert outcome["status"] == ImportStatus.PREVIEWED, outcome["message"]
    assert outcome["in_background"]
    assert outcome["new"] == 3
    assert "ยืนยันนำเข้า" in outcome["page"]
    assert outcome["households"] == 0


def test_a_4_mb_workbook_of_160_mb_of_padding_does_not_hold_the_worker(tmp_path, admin_user):
    """4.4 MB zipped (its cells in two styles at random, so it packs only ~40-fold):
    it held the only task worker for minutes. Trimmed, it is previewed in seconds."""
    data = crafted.padded(16_000, 1_000, placed=False, mixed=True)
    assert 4_000_000 < len(data) < 5_000_000
    assert crafted.unpacked_size(data) > 150_000_000
    outcome = upload_in_child(tmp_path, data, admin_user, seconds=180)
    assert outcome["status"] == ImportStatus.PREVIEWED, outcome["message"]
    assert outcome["in_background"]
    assert outcome["new"] == 3
    assert outcome["households"] == 0


def test_padding_whose_cells_say_where_they_are_is_trimmed_too(tmp_path, admin_user):
    """Empty formatted cells with r="…" out to column ALL on 2,000 rows (Excel's own way
    of writing them: 5 MB, 42 MB unpacked), under three households."""
    data = crafted.padded(2_000, 1_000, placed=True)
    outcome = upload_in_child(tmp_path, data, admin_user, seconds=180)
    assert outcome["status"] == ImportStatus.PREVIEWED, outcome["message"]
    assert outcome["new"] == 3
    assert outcome["households"] == 0
