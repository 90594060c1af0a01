"""A backup (manage.py backup) restores (manage.py restore --into) to an identical data set:
every table's rows, the sequences and the triggers that keep the history and the access log."""

import datetime as dt

import pghistory
import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from households.audit import log_access
from households.models import AccessAction, Consent, ConsentDecision, ConsentMethod, Member
from tests import factories as f

TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
    ORDER BY table_name
"""


def fingerprint(cursor) -> dict:
    """Each table's row count and an md5 of all its rows in a fixed order, each sequence's
    position, and the triggers: what must come back identical from a restore."""
    cursor.execute(TABLES)
    tables = [name for (name,) in cursor.fetchall()]
    result = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            f' FROM "{table}" t'
        )
        result[table] = cursor.fetchone()
    cursor.execute(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
    )
    result["sequences"] = sorted(cursor.fetchall())
    cursor.execute(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
        " ORDER BY 1, 2"
    )
    result["triggers"] = cursor.fetchall()
    return result


def connect(database: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=database,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )


def drop(database: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    drop(name)
    yield name
    drop(name)


def small_data_set(admin_user, official):
    """Households with members, visits, aid, pairings, consent, history and access-log lines."""
    with pghistory.context(user=admin_user.pk):
        for n in range(3):
            household = f.PairingFactory(official=official).household
            head = f.MemberFactory(household=household, first_name=f"สมชาย{n}")
            f.MemberFactory(household=household, relation="child", is_head=False)
            f.VisitFactory(household=household, official=official, findings="ครบทุกคน 'ยิ้ม'")
            f.AidRecordFactory(household=household)
            Member.objects.filter(pk=head.pk).update(phone="0812345678")
            Consent.objects.create(
                household=household,
                decision=ConsentDecision.GIVEN,
                decided_on=dt.date(2024, 1, 20),
                method=ConsentMethod.SIGNED_FORM,
                recorded_by=admin_user,
            )
            log_access(admin_user, AccessAction.CASE_OPENED, household=household)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_to_an_identical_data_set(
    admin_user, official_a, tmp_path, restored_name
):
    small_data_set(admin_user, official_a)
    dump = tmp_path / "kuseaw.dump"

    call_command("backup", output=str(dump), stdout=None)
    call_command("restore", str(dump), into=restored_name, stdout=None)

    with connection.cursor() as cursor:
        original = fingerprint(cursor)
    with connect(restored_name) as restored_db, restored_db.cursor() as cursor:
        restored = fingerprint(cursor)
        # What the comparison covers really holds the data set (history, access log...).
        for table in ("households_household", "households_memberevent", "households_accesslog"):
            assert original[table][0] > 0, table
        assert any(
            table == "households_accesslog" and "append_only" in name
            for table, name in original["triggers"]
        )
        assert restored == original

        # And the comparison notices a single changed character.
        cursor.execute("UPDATE households_member SET phone = '0812345679' WHERE phone <> ''")
        assert fingerprint(cursor)["households_member"] != original["households_member"]
    restored_db.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_restored_access_log_is_still_append_only(
    admin_user, official_a, tmp_path, restored_name
):
    small_data_set(admin_user, official_a)
    dump = tmp_path / "kuseaw.dump"
    call_command("backup", output=str(dump), stdout=None)
    call_command("restore", str(dump), into=restored_name, stdout=None)

    restored_db = connect(restored_name)
    try:
        with restored_db.cursor() as cursor, pytest.raises(psycopg2.Error, match="append_only"):
            cursor.execute("DELETE FROM households_accesslog")
    finally:
        restored_db.close()


def test_restore_refuses_a_file_that_is_not_there(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("restore", str(tmp_path / "none.dump"), into="x", stdout=None)
