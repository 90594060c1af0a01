"""Breakdowns by district, agency and official, each number a drill-down to the households."""

import re
from decimal import Decimal

import pytest

from agencies.models import Agency, District
from households.dashboards import figures
from households.dashboards.filters import DashboardFilterForm
from households.dashboards.scope import scope_for
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


def filters_for(user, **params):
    filters = DashboardFilterForm(params or None, scope=scope_for(user)).filters()
    assert filters is not None
    return filters


def test_province_sees_all_26_districts_with_the_hand_counted_figures(programme, province_viewer):
    rows = {row.district.pk: row for row in figures.by_district(filters_for(province_viewer))}

    assert len(rows) == District.objects.count() == 26
    mueang, ban_phai = rows["4001"], rows["4010"]
    assert (mueang.total, mueang.paired, mueang.waiting, mueang.overdue) == (3, 2, 1, 1)
    assert (mueang.visits, mueang.aid_records, mueang.aid_baht) == (3, 2, Decimal("4500"))
    assert (ban_phai.total, ban_phai.paired, ban_phai.waiting, ban_phai.overdue) == (3, 1, 0, 1)
    assert (ban_phai.visits, ban_phai.aid_records, ban_phai.aid_baht) == (0, 1, Decimal("5000"))
    others = [row for code, row in rows.items() if code not in ("4001", "4010")]
    assert all(row.total == row.visits == row.aid_records == 0 for row in others)


def test_province_sees_every_agency_and_the_partners_row(programme, province_viewer):
    rows = {
        row.agency.code if row.agency else None: row
        for row in figures.by_agency(filters_for(province_viewer))
    }

    assert len(rows) == Agency.objects.count() + 1
    a, b, partners = rows["CDD"], rows["DOE"], rows[None]
    assert (a.officials, a.households, a.overdue, a.visits) == (2, 2, 1, 3)
    assert (a.aid_records, a.aid_baht) == (1, Decimal("3000"))  # the cancelled one left out
    assert (b.officials, b.households, b.overdue, b.visits) == (1, 1, 1, 0)
    assert (b.aid_records, b.aid_baht) == (1, Decimal("5000"))
    assert (partners.aid_records, partners.aid_baht) == (1, Decimal("1500"))


def test_officials_with_their_households_overdue_and_visits(programme, province_viewer):
    filters = filters_for(province_viewer, agency="CDD")
    rows = figures.add_official_figures(filters, figures.officials_list(filters))

    by_name = {o.user.username: o for o in rows}
    assert list(by_name)[-1] == "official-a3"  # no longer active: last
    a = by_name["official-a"]
    assert (a.households_now, a.overdue, a.visits_in_period) == (2, 1, 3)
    assert a.last_visit == programme.ago(5)
    a2 = by_name["official-a2"]
    assert (a2.households_now, a2.overdue, a2.visits_in_period, a2.last_visit) == (0, 0, 0, None)


def test_a_page_of_officials_counts_overdue_households_as_the_whole_list_does(
    programme, province_viewer
):
    # A page (a slice) looks each household's visits up one by one; the whole list (the
    # export) reads the recent visits once: the same households are overdue either way.
    filters = filters_for(province_viewer)
    whole = figures.add_official_figures(filters, figures.officials_list(filters))
    page = figures.add_official_figures(filters, figures.officials_list(filters)[:50])

    counted = {o.pk: (o.households_now, o.overdue) for o in whole}
    assert {o.pk: (o.households_now, o.overdue) for o in page} == counted
    assert sum(overdue for _, overdue in counted.values()) == 2


def test_officials_within_a_district_are_those_working_there(programme, province_viewer):
    filters = filters_for(province_viewer, district="4010")

    assert [o.user.username for o in figures.officials_list(filters)] == ["official-b"]


def test_district_page_links_down_to_officials_and_households(client, programme, province_viewer):
    client.force_login(province_viewer)

    response = client.get("/dashboard/districts/?date_from=&district=")

    html = response.content.decode()
    assert response.status_code == 200
    assert_page_ok(html)
    assert 'href="/dashboard/officials/?district=4010">บ้านไผ่</a>' in html
    assert 'href="/dashboard/households/?district=4001&amp;pairing=unpaired">1<' in html
    assert 'href="/dashboard/households/?district=4010&amp;overdue=1">1<' in html
    assert len(re.findall(r'<tr>\s*<th scope="row"', html)) == 26


def test_agency_page_links_down_to_officials_and_households(client, programme, province_viewer):
    client.force_login(province_viewer)

    html = client.get("/dashboard/agencies/").content.decode()

    assert_page_ok(html)
    assert 'href="/dashboard/officials/?agency=CDD">' in html
    assert 'href="/dashboard/households/?agency=DOE">1<' in html
    assert "ภาคีอื่นนอกรายชื่อหน่วยงาน" in html


def test_official_page_links_to_the_officials_households(client, programme, province_viewer):
    client.force_login(province_viewer)

    html = client.get("/dashboard/officials/?agency=CDD").content.decode()

    assert_page_ok(html)
    a = programme.official_a
    assert f'href="/dashboard/households/?official={a.pk}">2<' in html
    assert "ไม่ได้ปฏิบัติงานแล้ว" in html  # official A3


def test_drilling_down_from_an_official_lists_their_households(client, programme, province_viewer):
    client.force_login(province_viewer)

    html = client.get(f"/dashboard/households/?official={programme.official_a.pk}").content.decode()

    assert "ครัวเรือน 2 ครัวเรือน" in html
    assert ">H1</a>" in html and ">H2</a>" in html and ">H4</a>" not in html
    assert f"คู่เสี่ยว {programme.official_a.full_name}" in html
