"""The default-size demo programme, seeded once for the demo tests."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker):
    """One default-size seed shared by the demo tests; rolled back, never committed, at the end.

    Each test still takes `db`, whose savepoint keeps a test's own changes out of the next one.
    """
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        # conftest's fast_password_hasher is function-scoped, so not active yet: hash the
        # demo password with the hasher the tests will check it with.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
