"""Pages issue a fixed number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def give_official_households(official, count, visits_each):
    for _ in range(count):
        household = f.PairingFactory(official=official).household
        f.MemberFactory(household=household)
        f.MemberFactory(household=household, is_head=False, relation="child", national_id=None)
        f.VisitFactory.create_batch(visits_each, household=household, official=official)


def test_my_households_page_queries_do_not_grow_with_visits(client, official_a, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 10
    client.force_login(official_a.user)
    give_official_households(official_a, 1, visits_each=1)
    few = queries_for(client, reverse("households:mine"))
    give_official_households(official_a, 4, visits_each=6)
    assert queries_for(client, reverse("households:mine")) == few
