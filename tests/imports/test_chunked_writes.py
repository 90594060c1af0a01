"""A file of many chunks: each chunk is written while the next one is checked.

services.import_households hands the households file to the resource 2,000 rows at a time;
here a chunk is two or three rows, so that a small file crosses several chunks.
"""

import pytest
from django.db import IntegrityError, connection

from households.imports import services
from households.imports.report import ImportFailed
from households.imports.writing import ChunkWriter
from households.models import Household, ImportStatus, Member
from tests import factories as f
from tests.imports.conftest import household_row, households_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)


def _apply(user, data):
    job = services.import_job_create(
        user=user, kind="households", file_name="households.xlsx", data=data
    )
    job = services.import_preview(job=job)
    assert job.status == ImportStatus.PREVIEWED, job.row_errors
    return services.import_apply(job=job)


def test_every_chunk_of_a_file_is_written_with_its_members_and_history(admin_user, small_chunks):
    job = _apply(admin_user, households_file(7, members=2))
    assert job.status == ImportStatus.APPLIED
    assert job.counts["new"] == 7 and job.counts["members_new"] == 21
    assert Household.objects.filter(code__startswith="KK").count() == 7
    for household in Household.objects.filter(code__startswith="KK"):
        assert household.members.count() == 3
        assert household.members.filter(is_head=True).count() == 1
    # Every insert is in the history, under the import's one context.
    events = Member.pgh_event_model.objects.filter(pgh_label="insert")
    assert events.count() == 21
    assert {e.pgh_context.metadata["import_job"] for e in events} == {job.pk}

    again = _apply(admin_user, households_file(7, members=2))
    assert again.counts["unchanged"] == 7
    assert Member.pgh_event_model.objects.count() == 21  # nothing written the second time


def test_chunks_mixing_changes_and_new_households_are_written_in_order(admin_user, small_chunks):
    _apply(admin_user, households_file(3))
    new_head = f.national_id_for(4242)
    rows = [
        household_row(1),
        household_row(2, name="นางสมหญิง ใจดี", nid=new_head, sex="หญิง"),  # a new head
        household_row(3, income=99000),
        *[household_row(n) for n in range(4, 8)],
    ]
    job = _apply(admin_user, households_file(rows=rows))
    assert [r[1] for r in job.row_results] == ["unchanged", "updated", "updated"] + ["new"] * 4
    second = Household.objects.get(code="KK00002")
    assert second.members.get(is_head=True).national_id == new_head
    assert second.members.count() == 2  # the former head stays, no longer head
    assert Household.objects.get(code="KK00003").annual_income == 99000
    assert Household.objects.filter(code__startswith="KK").count() == 7


def test_a_write_that_fails_in_the_background_fails_the_whole_file(
    admin_user, small_chunks, monkeypatch
):
    """Someone enters a head's national ID by hand after the import checked that row but
    before its chunk is written: the COPY fails in the writer's thread, and the import
    stops with nothing written."""
    job = services.import_job_create(
        user=admin_user, kind="households", file_name="h.xlsx", data=households_file(6)
    )
    job = services.import_preview(job=job)
    taken = household_row(1)[2]
    entered = []

    def progress(job_id, processed, total=None):
        if processed == 2 and not entered:  # chunk 1 is checked, its write not yet started
            entered.append(f.MemberFactory(national_id=taken))

    monkeypatch.setattr(services, "set_progress", progress)
    with pytest.raises(ImportFailed, match="ข้อมูลขัดกับที่มีอยู่ในระบบ") as failed:
        services.import_apply(job=job)
    assert isinstance(failed.value.__cause__, IntegrityError)  # the copy's own error
    assert taken not in str(failed.value) and "duplicate" not in str(failed.value)  # Thai only
    assert not Household.objects.filter(code__startswith="KK").exists()
    assert not Member.objects.filter(national_id=taken).exists()  # rolled back with the rest
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.file_data is None


def test_no_query_runs_while_a_chunk_is_written(admin_user, small_chunks, monkeypatch):
    """The next chunk is looked up before the previous one's COPY starts, and its rows are
    checked without the database: nothing else may use the connection meanwhile."""
    writing = []  # True while a write is in flight
    started, queries_meanwhile = [], []
    start, wait = ChunkWriter.start, ChunkWriter.wait

    def tracked_start(self, write):
        start(self, write)
        started.append(write)
        writing.append(True)

    def tracked_wait(self):
        wait(self)
        writing.clear()

    def watch(execute, sql, params, many, context):
        if writing:
            queries_meanwhile.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(ChunkWriter, "start", tracked_start)
    monkeypatch.setattr(ChunkWriter, "wait", tracked_wait)
    job = services.import_job_create(
        user=admin_user, kind="households", file_name="h.xlsx", data=households_file(5, members=1)
    )
    with connection.execute_wrapper(watch):
        job = services.import_preview(job=job)
        assert started == []  # a preview writes nothing
        job = services.import_apply(job=job)
    assert job.status == ImportStatus.APPLIED
    assert len(started) == 3  # rows 1–2, 3–4 and 5, each in the background
    assert queries_meanwhile == []
    assert Member.objects.filter(household__code__startswith="KK").count() == 10


def test_a_row_that_fails_in_a_later_chunk_undoes_the_chunks_already_written(
    admin_user, small_chunks
):
    """The whole file is one transaction, bulk writes included: rows 1–4 are written in two
    chunks before row 5's national ID, entered by hand since the preview, stops the file."""
    job = services.import_job_create(
        user=admin_user, kind="households", file_name="h.xlsx", data=households_file(6)
    )
    job = services.import_preview(job=job)
    assert job.status == ImportStatus.PREVIEWED
    taken = household_row(5)[2]
    f.MemberFactory(national_id=taken)

    with pytest.raises(ImportFailed):
        services.import_apply(job=job)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert [e["row"] for e in job.row_errors] == [6]  # row 5 of the data, after the header
    assert not Household.objects.filter(code__startswith="KK").exists()
