"""ChunkWriter: a chunk's COPY in a thread on the import's own connection."""

import pytest
from django.db import DataError, connection, transaction

from households.imports.writing import ChunkWriter
from households.models import Household

pytestmark = pytest.mark.django_db


def test_a_query_while_a_write_runs_waits_for_it_then_the_guard_is_gone():
    writer = ChunkWriter()
    wrappers = list(connection.execute_wrappers)
    writer.start(lambda cursor: cursor.execute("SELECT pg_sleep(0.2)"))
    assert len(connection.execute_wrappers) == len(wrappers) + 1
    assert Household.objects.exists() is False  # waited for the write, then ran
    assert writer._thread is None
    assert connection.execute_wrappers == wrappers
    writer.wait()  # nothing left to wait for


def test_the_writes_error_is_raised_in_the_import_as_djangos():
    writer = ChunkWriter()
    with pytest.raises(DataError, match="division by zero"), transaction.atomic():
        writer.start(lambda cursor: cursor.execute("SELECT 1/0"))
        writer.wait()
    assert Household.objects.count() == 0  # the connection goes on after the rollback


def test_closing_drops_the_error_of_an_import_that_already_fails():
    writer = ChunkWriter()
    with pytest.raises(RuntimeError), transaction.atomic():
        writer.start(lambda cursor: cursor.execute("SELECT 1/0"))
        try:
            raise RuntimeError("the import's own error")
        finally:
            writer.close()
    assert writer._thread is None and writer._error is None
