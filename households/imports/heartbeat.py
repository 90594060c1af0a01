"""The import worker's heartbeat, and what becomes of a job whose worker is gone.

A process running an import (the background worker, or a web worker running a small one
at once) beats: it sets ImportJob.heartbeat_at when it starts and then from a thread of
its own every tenth of KUSEAW_IMPORT_HEARTBEAT_SECONDS, however long a step takes. When
the process dies (killed, out of memory, restarted, gunicorn's timeout) the beats stop,
and fail_stalled_jobs() marks the job failed with a Thai message and deletes its
uploaded bytes, instead of leaving «กำลังตรวจสอบไฟล์ 0%» on the page for ever.

The rules, in one place:
- running, and no beat for KUSEAW_IMPORT_HEARTBEAT_SECONDS (default 5 minutes, ten
  missed beats): the worker died;
- queued, and no worker has taken it within KUSEAW_IMPORT_QUEUE_SECONDS (default an
  hour) of being queued (heartbeat_at is set when it is queued): no worker is running.
  The task may still be in django-tasks' queue: claim() then finds the job no longer
  queued and the worker leaves it alone;
- waiting for the admin (at the mapping step, or previewed and not confirmed) for
  KUSEAW_IMPORT_WAITING_HOURS (default 24) since its upload or its preview: its file
  holds national IDs and is not kept for a job nobody finishes.

fail_stalled_jobs() runs where jobs are shown (the import pages) and when the worker
starts a task, so a worker that comes back after a crash first answers for what it left.
"""

import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models.functions import Coalesce
from django.utils import timezone

from households.models import ImportJob, ImportStatus

_CLEARED = {"file_data": None, "members_file_data": None, "rejected_data": None}


def _duration_text(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600:,} ชั่วโมง"
    if seconds % 60 == 0:
        return f"{seconds // 60:,} นาที"
    return f"{seconds:,} วินาที"


def died_message() -> str:
    return (
        "การตรวจสอบหรือนำเข้าไฟล์หยุดกลางคัน: ตัวประมวลผลไม่ส่งสัญญาณเกิน "
        f"{_duration_text(settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS)} "
        "(อาจถูกปิด เริ่มใหม่ หรือหน่วยความจำไม่พอ) จึงลบไฟล์ที่อัปโหลดไว้แล้ว "
        "ไม่มีข้อมูลใดถูกบันทึก กรุณานำเข้าใหม่"
    )


def never_taken_message() -> str:
    return (
        "ไม่มีตัวประมวลผลรับงานนี้ภายใน "
        f"{_duration_text(settings.KUSEAW_IMPORT_QUEUE_SECONDS)} "
        "(ตรวจสอบว่า manage.py db_worker ทำงานอยู่) จึงลบไฟล์ที่อัปโหลดไว้แล้ว "
        "ไม่มีข้อมูลใดถูกบันทึก กรุณานำเข้าใหม่"
    )


def left_waiting_message() -> str:
    return (
        "ไม่มีการกำหนดคอลัมน์หรือยืนยันนำเข้าภายใน "
        f"{_duration_text(settings.KUSEAW_IMPORT_WAITING_HOURS * 3600)} "
        "จึงลบไฟล์ที่อัปโหลดไว้แล้ว (มีเลขประจำตัวประชาชน) ไม่มีข้อมูลใดถูกบันทึก กรุณานำเข้าใหม่"
    )


def beat(job_id: int) -> None:
    """Through the progress connection: it commits while an apply's transaction is open."""
    alias = settings.KUSEAW_IMPORT_PROGRESS_DATABASE
    ImportJob.objects.using(alias).filter(pk=job_id).update(heartbeat_at=timezone.now())


def claim(job_id: int) -> bool:
    """Take a queued job for this worker (False: it failed or was taken meanwhile)."""
    taken = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    return bool(taken)


def _beat_until(job_id: int, stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            beat(job_id)
    finally:
        connections.close_all()  # this thread's own connections


@contextmanager
def beating(job_id: int):
    """Beat for the job while the block runs, from a thread, every tenth of the timeout."""
    beat(job_id)
    stop = threading.Event()
    interval = max(0.1, settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS / 10)
    thread = threading.Thread(
        target=_beat_until, args=(job_id, stop, interval), name="kuseaw-import-heartbeat"
    )
    thread.daemon = True
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def fail_stalled_jobs(now=None) -> int:
    """Mark failed (bytes deleted) the running jobs whose worker stopped beating, the
    queued ones no worker took in time and those left waiting for the admin; how many."""
    now = now or timezone.now()
    jobs = ImportJob.objects.alias(last_sign=Coalesce("heartbeat_at", "created_at"))
    dead = jobs.filter(
        status=ImportStatus.RUNNING,
        last_sign__lt=now - timedelta(seconds=settings.KUSEAW_IMPORT_HEARTBEAT_SECONDS),
    )
    forgotten = jobs.filter(
        status=ImportStatus.QUEUED,
        last_sign__lt=now - timedelta(seconds=settings.KUSEAW_IMPORT_QUEUE_SECONDS),
    )
    failed = dead.update(
        status=ImportStatus.FAILED, message=died_message(), finished_at=now, **_CLEARED
    )
    failed += forgotten.update(
        status=ImportStatus.FAILED, message=never_taken_message(), finished_at=now, **_CLEARED
    )
    left = jobs.filter(
        status__in=(ImportStatus.MAPPING, ImportStatus.PREVIEWED),
        last_sign__lt=now - timedelta(hours=settings.KUSEAW_IMPORT_WAITING_HOURS),
    )
    failed += left.update(
        status=ImportStatus.FAILED, message=left_waiting_message(), finished_at=now, **_CLEARED
    )
    return failed
