"""The activity view: the latest visits and aid in scope, and who waits longest for a visit."""

import pytest

from households.dashboards import figures
from households.dashboards.filters import DashboardFilterForm
from households.dashboards.scope import scope_for
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


def filters_for(user, **params):
    return DashboardFilterForm(params or None, scope=scope_for(user)).filters()


def test_latest_visits_and_aid_newest_first_within_the_period(programme, province_viewer):
    filters = filters_for(province_viewer)

    visits = figures.latest_visits(filters)
    aid = figures.latest_aid(filters)

    assert [(v.household.code, v.visited_on) for v in visits] == [
        ("H1", programme.ago(5)),
        ("H1", programme.ago(40)),
        ("H2", programme.ago(45)),
    ]
    # newest first; the cancelled record shows (with its status), H5's is outside the period
    assert [a.household.code for a in aid] == ["H1", "H1", "H2", "H4"]


def test_never_visited_first_then_the_longest_ago(programme, province_viewer):
    rows = figures.longest_not_visited(filters_for(province_viewer))

    assert [(h.code, h.days_since) for h in rows] == [("H4", None), ("H2", 45), ("H1", 5)]


def test_activity_page_in_a_district(client, programme, district_staff):
    client.force_login(district_staff)

    response = client.get("/dashboard/activity/")

    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert_page_ok(html)
    assert "<td>ยังไม่เคยเยี่ยม</td>" not in html  # H4, never visited, is in บ้านไผ่
    assert ">H2</a>" in html and ">H4</a>" not in html
    assert "ลงทะเบียนบัตรสวัสดิการ" in html
    assert "แผงขายผักที่ตลาดนัด" not in html
