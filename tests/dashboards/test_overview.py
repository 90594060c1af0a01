"""The overview's figures against the hand-made programme (tests/dashboards/conftest.py)."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from households.dashboards import figures
from households.dashboards.filters import DashboardFilterForm, month_start
from households.dashboards.scope import scope_for
from households.models import AidCategory
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


def overview_for(user, **params):
    form = DashboardFilterForm(params or None, scope=scope_for(user))
    filters = form.filters()
    assert filters is not None, form.errors
    return figures.overview(filters)


def compact(html: str) -> str:
    return " ".join(html.split())


def figure_on_page(html: str, label: str) -> str:
    """The big number shown above `label` on a figure card."""
    match = re.search(r'class="kuseaw-figure[^"]*">([^<]*)</p>\s*<p[^>]*>' + label, html)
    assert match, label
    return match.group(1)


def test_province_sees_every_household_counted_by_hand(programme, province_viewer):
    o = overview_for(province_viewer)

    assert (o.total, o.active, o.graduated, o.left) == (6, 4, 1, 1)
    assert (o.paired, o.waiting, o.overdue) == (3, 1, 2)
    assert o.reached_threshold == 3  # H1, H4 (the member who moved out does not count), H5
    assert (o.better, o.same, o.worse) == (3, 2, 1)
    assert o.officials_active == 3  # A, A2, B; A3 no longer works as a buddy


def test_poverty_levels_now_at_entry_and_each_move(programme, province_viewer):
    o = overview_for(province_viewer)

    assert [(r.level.value, r.now, r.at_entry, r.change) for r in o.levels] == [
        (1, 1, 1, 0),
        (2, 3, 4, -1),
        (3, 1, 1, 0),
        (4, 1, 0, 1),
    ]
    assert [r.percent for r in o.levels] == [17, 50, 17, 17]
    # rows: level at entry; columns: level now
    assert [r.now for r in o.transitions] == [
        [0, 1, 0, 0],  # entered at 1: H4 is at 2 now
        [1, 2, 1, 0],  # entered at 2: H3 fell to 1, H2 and H6 stayed, H1 rose to 3
        [0, 0, 0, 1],  # entered at 3: H5 is at 4
        [0, 0, 0, 0],
    ]


def test_visits_in_the_last_30_days_and_the_period(programme, province_viewer):
    o = overview_for(province_viewer)

    assert o.visits_30d == 1
    assert o.visits_period == 3  # the visit 14 months ago is outside the last 12 months
    assert len(o.months) == 12
    by_month = {row.month: row.visits for row in o.months}
    expected = {}
    for days in (5, 40, 45):
        month = month_start(programme.ago(days))
        expected[month] = expected.get(month, 0) + 1
    assert {m: n for m, n in by_month.items() if n} == expected


def test_aid_by_area_leaves_out_cancelled_records_and_those_outside_the_period(
    programme, province_viewer
):
    o = overview_for(province_viewer)

    rows = {r.category: (r.records, r.baht, r.done, r.done_baht) for r in o.aid}
    assert rows == {
        AidCategory.CAREER: (1, Decimal("3000"), 1, Decimal("3000")),
        AidCategory.EMPLOYMENT: (0, Decimal("0"), 0, Decimal("0")),
        AidCategory.MARKET: (1, Decimal("5000"), 1, Decimal("5000")),
        AidCategory.WELFARE: (1, Decimal("1500"), 0, Decimal("0")),
    }
    assert (o.aid_records, o.aid_baht, o.aid_done, o.aid_done_baht) == (
        3,
        Decimal("9500"),
        2,
        Decimal("8000"),
    )
    assert sum(row.aid_records for row in o.months) == 3
    assert sum(row.aid_baht for row in o.months) == Decimal("9500")


def test_a_date_range_counts_visits_and_aid_within_it(programme, province_viewer):
    start = programme.ago(500)
    o = overview_for(
        province_viewer,
        date_from=start.strftime("%d/%m/") + str(start.year + 543),
        date_to=programme.ago(30).isoformat(),  # ISO dates are read too
    )

    assert o.period.start == start and o.period.end == programme.ago(30)
    assert o.visits_period == 3  # 40 and 45 days ago, and 14 months ago
    assert (o.aid_records, o.aid_baht) == (1, Decimal("10000"))  # H5's, 14 months ago
    assert o.visits_30d == 1  # always the last 30 days
    assert o.months[0].month == month_start(start)


def test_a_district_filter_narrows_every_figure(programme, province_viewer):
    o = overview_for(province_viewer, district="4010")

    assert (o.total, o.paired, o.waiting, o.overdue, o.reached_threshold) == (3, 1, 0, 1, 2)
    assert (o.visits_30d, o.visits_period, o.aid_records, o.aid_baht) == (0, 0, 1, Decimal("5000"))
    assert o.officials_active == 1  # official B works in บ้านไผ่


def test_an_agency_filter_keeps_the_households_its_officials_look_after_now(
    programme, province_viewer
):
    o = overview_for(province_viewer, agency="CDD")

    assert (o.total, o.paired, o.overdue) == (2, 2, 1)  # H1 and H2, official A's
    assert o.officials_active == 2


def test_overview_page_shows_the_figures_charts_and_tables(client, programme, province_viewer):
    client.force_login(province_viewer)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    html = compact(response.content.decode())
    assert_page_ok(html)
    assert figure_on_page(html, "ครัวเรือนทั้งหมด") == "6"
    assert figure_on_page(html, "มีคู่เสี่ยวดูแลอยู่") == "3"
    assert figure_on_page(html, "ยังไม่มีคู่เสี่ยว") == "1"
    assert figure_on_page(html, "เจ้าหน้าที่คู่เสี่ยวที่ปฏิบัติงาน") == "3"
    assert figure_on_page(html, "การเยี่ยมใน 30 วันที่ผ่านมา") == "1"
    assert figure_on_page(html, "เกินกำหนดเยี่ยม") == "2"
    assert figure_on_page(html, "รายได้ต่อคนถึงเกณฑ์ จปฐ.") == "3"
    assert figure_on_page(html, "ระดับความยากจนดีขึ้น") == "3"
    assert html.count("<svg") == 4
    assert "9,500" in html and "8,000" in html  # aid totals
    # drill-down links keep to the household list
    assert 'href="/dashboard/households/?pairing=unpaired"' in html
    assert 'href="/dashboard/households/?overdue=1"' in html
    # no inline script or style (the content security policy forbids them)
    assert "<script>" not in html and " style=" not in html and " onclick" not in html


def test_overview_links_keep_the_filters(client, programme, province_viewer):
    client.force_login(province_viewer)

    html = client.get("/dashboard/?district=4001&date_from=&agency=").content.decode()

    assert 'href="/dashboard/districts/?district=4001"' in html
    assert 'href="/dashboard/households/?district=4001&amp;pairing=unpaired"' in html


def test_official_sees_the_summary_of_their_own_two_households(client, programme, official_a):
    client.force_login(official_a.user)

    response = client.get("/dashboard/")

    html = compact(response.content.decode())
    assert response.status_code == 200
    assert_page_ok(html)
    assert figure_on_page(html, "ครัวเรือนทั้งหมด") == "2"
    assert figure_on_page(html, "เกินกำหนดเยี่ยม") == "1"
    assert "เจ้าหน้าที่คู่เสี่ยวที่ปฏิบัติงาน" not in html
    assert "/dashboard/households/" not in html  # no drill-down into lists
    assert 'id="dashboard-filter"' not in html


def test_an_earlier_buddy_no_longer_counts_the_household(programme, official_b):
    o = overview_for(official_b.user)

    assert o.total == 1  # H4 now; H5 was official B's until it graduated
    assert (o.visits_30d, o.aid_records) == (0, 1)


def test_overview_with_no_households_shows_zeroes(client, db, province_viewer):
    client.force_login(province_viewer)

    html = compact(client.get("/dashboard/").content.decode())

    assert figure_on_page(html, "ครัวเรือนทั้งหมด") == "0"
    assert html.count("<svg") == 4  # empty charts draw no bars, and do not fail


def test_period_defaults_to_the_last_twelve_months(programme, province_viewer):
    o = overview_for(province_viewer)

    assert o.period.end == programme.today
    assert o.period.start == month_start(programme.today, 11)
    assert o.period.start.day == 1 and (programme.today - o.period.start) < dt.timedelta(days=366)
