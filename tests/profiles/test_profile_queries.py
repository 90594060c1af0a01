"""A batch reads its households in a fixed number of queries, however many it holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.profiles.conftest import complete_round

pytestmark = pytest.mark.django_db


def add_households(count, official):
    for _ in range(count):
        household = f.HouseholdFactory(subdistrict=f.subdistrict("400103"))
        f.MemberFactory(household=household)
        f.VisitFactory(household=household, official=official)
        f.AidRecordFactory(household=household)
        complete_round(household, official)


def queries_for_batch(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("profiles:batch"), {"subdistrict": "400103"})
    assert response.status_code == 200
    return len(queries)


def test_the_batch_reads_in_the_same_number_of_queries_for_2_and_8_households(
    client, admin_user, official_a
):
    add_households(2, official_a)
    two = queries_for_batch(client, admin_user)
    add_households(6, official_a)
    eight = queries_for_batch(client, admin_user)
    # Only the access log grows: one line written per household in the PDF.
    assert eight - two == 6
