"""A job whose worker died does not stay «กำลังตรวจสอบไฟล์ 0%» for ever: after the
heartbeat timeout it is failed with a Thai message and its uploaded bytes are deleted;
a queued job no worker takes within the queue timeout likewise."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from households.imports import heartbeat, tasks
from households.models import Household, ImportJob, ImportKind, ImportStatus
from tests.imports.conftest import HOUSEHOLD_HEADER, household_row, households_file

ROOT = Path(__file__).resolve().parents[2]


def _job(admin, status, *, beat_ago=None, created_ago=None):
    job = ImportJob.objects.create(
        created_by=admin,
        kind=ImportKind.HOUSEHOLDS,
        file_name="households.xlsx",
        file_data=households_file(2),
        members_file_name="members.xlsx",
        members_file_data=b"members",
        rejected_data=b"rejected",
        status=status,
        heartbeat_at=None if beat_ago is None else timezone.now() - beat_ago,
    )
    if created_ago is not None:
        ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - created_ago)
    return job


def _assert_failed_and_cleared(job, words):
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert words in job.message
    assert job.file_data is None
    assert job.members_file_data is None
    assert job.rejected_data is None
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_running_job_whose_worker_stopped_beating_fails_on_its_page(client, admin_user, settings):
    settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS = 300
    job = _job(admin_user, ImportStatus.RUNNING, beat_ago=timedelta(seconds=301))
    client.force_login(admin_user)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "ตัวประมวลผลไม่ส่งสัญญาณเกิน 5 นาที" in page
    _assert_failed_and_cleared(job, "ลบไฟล์ที่อัปโหลดไว้แล้ว")
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert progress["status"] == ImportStatus.FAILED and not progress["busy"]


@pytest.mark.django_db
def test_a_running_job_that_beats_is_left_alone(client, admin_user, settings):
    settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS = 300
    job = _job(admin_user, ImportStatus.RUNNING, beat_ago=timedelta(seconds=250))
    client.force_login(admin_user)
    assert client.get(reverse("imports:progress", args=[job.pk])).json()["busy"]
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    assert job.file_data is not None


@pytest.mark.django_db
def test_a_running_job_that_never_beat_counts_from_its_upload(admin_user, settings):
    settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS = 300
    stale = _job(admin_user, ImportStatus.RUNNING, created_ago=timedelta(minutes=6))
    fresh = _job(admin_user, ImportStatus.RUNNING)
    assert heartbeat.fail_stalled_jobs() == 1
    _assert_failed_and_cleared(stale, "ตัวประมวลผลไม่ส่งสัญญาณ")
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.RUNNING


@pytest.mark.django_db
def test_a_queued_job_no_worker_takes_within_the_hour_fails(client, admin_user, settings):
    settings.KUSEAW_IMPORT_QUEUE_SECONDS = 3600
    forgotten = _job(admin_user, ImportStatus.QUEUED, beat_ago=timedelta(minutes=61))
    waiting = _job(admin_user, ImportStatus.QUEUED, beat_ago=timedelta(minutes=59))
    previewed = _job(
        admin_user, ImportStatus.PREVIEWED, beat_ago=timedelta(hours=2)
    )  # past the queue timeout
    client.force_login(admin_user)
    page = client.get(reverse("imports:index")).content.decode()
    assert "ไม่สำเร็จ" in page
    _assert_failed_and_cleared(forgotten, "ไม่มีตัวประมวลผลรับงานนี้ภายใน 1 ชั่วโมง")
    for job in (waiting, previewed):
        job.refresh_from_db()
        assert job.status != ImportStatus.FAILED
        assert job.file_data is not None


@pytest.mark.django_db
def test_a_worker_that_comes_late_leaves_a_failed_job_alone(admin_user):
    job = _job(admin_user, ImportStatus.QUEUED, beat_ago=timedelta(hours=2))
    assert tasks.import_run.call(job.pk, False) == ImportStatus.FAILED
    _assert_failed_and_cleared(job, "ไม่มีตัวประมวลผลรับงานนี้")
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_queueing_and_running_a_job_set_its_heartbeat(admin_user, settings):
    settings.KUSEAW_IMPORT_BACKGROUND_ROWS = 1  # queued, then run at once by the test backend
    job = _job(admin_user, ImportStatus.QUEUED)
    job.members_file_data = None
    job.save()
    before = timezone.now()
    job = tasks.import_start(job=job, apply=False)
    assert job.status == ImportStatus.PREVIEWED
    assert job.heartbeat_at >= before


def _many_households(count: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ครัวเรือน")
    sheet.append(HOUSEHOLD_HEADER)
    for n in range(1, count + 1):
        sheet.append(household_row(n))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    host = quote(db.get("HOST") or "", safe="")
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def _beat_of(job):
    return ImportJob.objects.values_list("status", "heartbeat_at").get(pk=job.pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_preview_leaves_a_job_the_heartbeat_fails(admin_user, settings):
    """A real worker process previews 40,000 households and beats every 0.1 s; killed
    (SIGKILL: what the kernel's out-of-memory killer sends) its beats stop, and once the
    timeout has passed the job is failed, its file deleted, nothing written."""
    settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS = 1
    job = ImportJob.objects.create(
        created_by=admin_user,
        kind=ImportKind.HOUSEHOLDS,
        file_name="households.xlsx",
        file_data=_many_households(40_000),
        status=ImportStatus.QUEUED,
    )
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "kuseaw.settings",
        "KUSEAW_IMPORT_HEARTBEAT_SECONDS": "1",
    }
    script = (
        "import django; django.setup()\n"
        "from households.imports.tasks import import_run\n"
        f"import_run.call({job.pk}, False)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
    try:
        beats = set()
        deadline = time.monotonic() + 60  # a safety bound: it beats within a second or two
        while len(beats) < 3 and time.monotonic() < deadline:
            status, beat = _beat_of(job)
            assert worker.poll() is None, "the worker finished before it could be killed"
            if status == ImportStatus.RUNNING and beat is not None:
                beats.add(beat)
            time.sleep(0.05)
        assert len(beats) >= 3, "the worker never beat while it ran"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    _, last = _beat_of(job)
    time.sleep(0.5)
    assert _beat_of(job) == (ImportStatus.RUNNING, last)  # a dead worker beats no more
    assert heartbeat.fail_stalled_jobs(now=last + timedelta(seconds=0.5)) == 0
    assert heartbeat.fail_stalled_jobs(now=last + timedelta(seconds=2)) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "ตัวประมวลผลไม่ส่งสัญญาณเกิน 1 วินาที" in job.message
    assert job.file_data is None
    assert Household.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status, beat_ago, created_ago",
    [
        (ImportStatus.MAPPING, None, timedelta(hours=25)),
        (ImportStatus.PREVIEWED, timedelta(hours=25), timedelta(hours=26)),
    ],
    ids=["left at the mapping step", "previewed, never confirmed"],
)
def test_a_job_left_waiting_for_the_admin_loses_its_file(
    client, admin_user, settings, status, beat_ago, created_ago
):
    """Its file holds national IDs: after KUSEAW_IMPORT_WAITING_HOURS it is deleted and
    the job failed, saying so, on the import list."""
    settings.KUSEAW_IMPORT_WAITING_HOURS = 24
    job = _job(admin_user, status, beat_ago=beat_ago, created_ago=created_ago)
    client.force_login(admin_user)
    page = client.get(reverse("imports:index")).content.decode()
    _assert_failed_and_cleared(job, "ไม่มีการกำหนดคอลัมน์หรือยืนยันนำเข้าภายใน 24 ชั่วโมง")
    assert "ไม่สำเร็จ" in page or "ล้มเหลว" in page


@pytest.mark.django_db
def test_a_job_waiting_less_than_that_keeps_its_file(admin_user, settings):
    """Previewed 23 hours ago (uploaded earlier): its preview counts, not its upload."""
    settings.KUSEAW_IMPORT_WAITING_HOURS = 24
    mapping = _job(admin_user, ImportStatus.MAPPING, created_ago=timedelta(hours=23))
    previewed = _job(
        admin_user,
        ImportStatus.PREVIEWED,
        beat_ago=timedelta(hours=23),
        created_ago=timedelta(hours=30),
    )
    assert heartbeat.fail_stalled_jobs() == 0
    for job in (mapping, previewed):
        job.refresh_from_db()
        assert job.file_data is not None
