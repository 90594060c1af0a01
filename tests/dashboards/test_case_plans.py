"""The case-plan dashboards against the hand-made plans of tests/dashboards/conftest.py:
problems by dimension, the share solved by district, agency and official, actions overdue
by their owner, the graduation funnel and levels from the first to the latest round."""

import pytest

from agencies.models import Agency, District
from households.cases.models import Action
from households.dashboards import case_plans
from households.dashboards.filters import DashboardFilterForm, PlanFilterForm
from households.dashboards.scope import scope_for
from officials.models import EndReason
from tests import factories as f
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


def filters_for(user, **params):
    form = PlanFilterForm(params or None, scope=scope_for(user))
    filters = form.filters()
    assert filters is not None, form.errors
    return filters


def text(response) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def counts(row) -> tuple:
    return (row.problems, row.solved, row.not_possible, row.open, row.percent)


def test_problems_by_dimension_and_how_they_stand(plans, province_viewer):
    problems = case_plans.problem_figures(filters_for(province_viewer))

    rows = {
        row.dimension.value: (row.open, row.by_programme, row.by_household, row.not_possible)
        for row in problems.dimensions
    }
    assert rows == {
        "income": (2, 0, 1, 0),  # H1 and H2 open, H5 by the household
        "living": (0, 1, 0, 1),  # H5 by the programme, H2 not possible
        "health": (1, 2, 0, 0),  # H1 and H4 by the programme, H4's second open
        "education": (0, 0, 1, 0),
        "public_services": (1, 0, 0, 0),
    }
    total = problems.total
    assert (total.problems, total.open, total.by_programme, total.by_household) == (10, 4, 3, 2)
    assert (total.not_possible, total.percent) == (1, 50)


def test_share_solved_by_district_every_district_for_the_province(plans, province_viewer):
    rows = {
        row.district.pk: row
        for row in case_plans.problem_figures(filters_for(province_viewer)).districts
    }

    assert len(rows) == District.objects.count()
    assert counts(rows["4001"]) == (6, 2, 1, 3, 33)  # H1, H2, H3
    assert counts(rows["4010"]) == (4, 3, 0, 1, 75)  # H4, H5
    assert all(
        row.problems == 0 and row.percent is None
        for code, row in rows.items()
        if code not in ("4001", "4010")
    )


def test_share_solved_by_agency_of_the_buddy_now_or_last(plans, province_viewer):
    rows = {
        row.agency.code if row.agency else None: row
        for row in case_plans.problem_figures(filters_for(province_viewer)).agencies
    }

    assert len(rows) == Agency.objects.count() + 1
    assert counts(rows["CDD"]) == (5, 2, 1, 2, 40)  # H1 and H2, official A's
    # H4 now, and H5 graduated: its pairing with official B ended, it still counts here.
    assert counts(rows["DOE"]) == (4, 3, 0, 1, 75)
    assert counts(rows[None]) == (1, 0, 0, 1, 0)  # H3 never had a buddy


def test_share_solved_by_official_of_the_households_now_or_last(plans, province_viewer):
    filters = filters_for(province_viewer)
    officials = case_plans.add_official_shares(
        filters,
        [plans.official_a, plans.official_a2, plans.official_a3, plans.official_b],
    )

    shares = {o.user.username: counts(o.share) for o in officials}
    assert shares == {
        "official-a": (5, 2, 1, 2, 40),
        "official-a2": (0, 0, 0, 0, None),
        "official-a3": (0, 0, 0, 0, None),
        "official-b": (4, 3, 0, 1, 75),
    }


def test_an_earlier_buddy_does_not_count_a_household_reassigned_since(plans, province_viewer):
    pairing = plans.official_a.pairings.get(household=plans.households["H2"])
    pairing.ended_on, pairing.end_reason = plans.ago(1), EndReason.REASSIGNED
    pairing.save()
    f.PairingFactory(
        official=plans.official_a2, household=plans.households["H2"], started_on=plans.ago(1)
    )

    filters = filters_for(province_viewer)
    officials = case_plans.add_official_shares(filters, [plans.official_a, plans.official_a2])

    assert [o.share.problems for o in officials] == [3, 2]  # H1 stays A's; H2 is A2's now


def test_actions_overdue_by_owner(plans, province_viewer):
    rows = case_plans.overdue_actions(filters_for(province_viewer), today=plans.today)

    assert [(row.owner, row.open, row.overdue) for row in rows] == [
        (str(plans.agency_a), 2, 1),  # H1's overdue; H4's is due today, not yet overdue
        (str(plans.agency_b), 1, 1),  # H4's
        ("ภาคีเครือข่าย", 1, 1),  # H2's partner
        ("ครัวเรือนเอง", 2, 1),  # H3's overdue, H1's due in 10 days
    ]
    overdue = Action.objects.overdue(plans.today).count()
    assert sum(row.overdue for row in rows) == overdue == 4


def test_graduation_funnel_counts_households(plans, province_viewer):
    funnel = case_plans.graduation_funnel(filters_for(province_viewer))

    assert funnel.in_programme == 4  # H1–H4 (H2 back after its relapse)
    assert funnel.proposed == 1  # H4 (its returned proposal does not count)
    assert funnel.graduated == 2  # H5 and H7
    assert funnel.still_out == 1  # H5's 12-month check; H7's is not due yet
    assert funnel.relapsed == 1  # H2
    assert [n for _, _, n in funnel.steps()] == [4, 1, 2, 1, 1]


def test_levels_from_the_first_to_the_latest_complete_round(plans, province_viewer):
    changes = case_plans.level_changes(filters_for(province_viewer))

    # rows: the first round's level; columns: the latest round's
    assert [row.latest for row in changes.rows] == [
        [0, 1, 0, 0],  # H4: 1 → (3) → 2
        [1, 0, 1, 0],  # H2: 2 → 1 (its draft does not count), H1: 2 → 3
        [0, 0, 1, 0],  # H5: 3 → 4 → 3 (the later of two rounds on one day)
        [0, 0, 0, 0],
    ]
    assert (changes.better, changes.same, changes.worse, changes.total) == (2, 1, 1, 4)


def test_a_district_filter_narrows_every_figure(plans, province_viewer):
    filters = filters_for(province_viewer, district="4010")

    problems = case_plans.problem_figures(filters)
    assert [row.district.pk for row in problems.districts] == ["4010"]
    assert problems.total.problems == 4
    progress = case_plans.progress(filters, today=plans.today)
    assert (progress.funnel.in_programme, progress.funnel.graduated) == (1, 2)
    assert progress.levels.total == 2  # H4, H5
    assert [(row.owner, row.overdue) for row in progress.overdue if row.open] == [
        (str(plans.agency_b), 1),
        (str(plans.agency_a), 0),
    ]


def test_an_agency_filter_keeps_the_households_of_its_buddies_now_or_last(plans, province_viewer):
    filters = filters_for(province_viewer, agency="DOE")

    problems = case_plans.problem_figures(filters)
    assert [row.agency.code for row in problems.agencies] == ["DOE"]
    assert problems.total.problems == 4  # H4 and H5, graduated under official B
    assert case_plans.graduation_funnel(filters).graduated == 1  # H5
    # The other pages keep to the buddy now: there H5 is not DOE's any more.
    other = DashboardFilterForm({"agency": "DOE"}, scope=scope_for(province_viewer)).filters()
    assert list(other.households().values_list("code", flat=True)) == ["H4"]


def test_no_plans_yet_gives_zeros(programme, province_viewer):
    filters = filters_for(province_viewer)

    assert case_plans.problem_figures(filters).total.problems == 0
    progress = case_plans.progress(filters)
    assert [row.owner for row in progress.overdue] == ["ภาคีเครือข่าย", "ครัวเรือนเอง"]
    assert progress.funnel.in_programme == 4 and progress.levels.total == 0


def test_problems_page_shows_the_tables_and_links(client, plans, province_viewer):
    client.force_login(province_viewer)

    response = client.get("/dashboard/plans/")

    html = text(response)
    assert_page_ok(response.content.decode())
    assert "ปัญหาทั้งหมด 10 เรื่อง แก้ได้แล้ว 5 เรื่อง (ร้อยละ 50)" in html
    assert html.count("<svg") == 1
    assert 'href="/dashboard/plans/?district=4010">บ้านไผ่</a>' in html
    assert 'href="/dashboard/officials/?agency=CDD">' in html
    assert "ครัวเรือนที่ยังไม่เคยมีคู่เสี่ยว" in html
    assert 'aria-current="page">ปัญหาตามแผน</a>' in html
    assert "สถานะ ณ วันนี้" in html and "การเยี่ยมและการช่วยเหลือ" not in html
    # the date range is kept, hidden, for the way back to the other pages
    assert 'type="hidden" name="date_from"' in html
    assert "<script>" not in html and " style=" not in html


def test_progress_page_shows_the_tables(client, plans, province_viewer):
    client.force_login(province_viewer)

    response = client.get("/dashboard/plans/progress/?date_from=01/01/2568")

    html = text(response)
    assert_page_ok(response.content.decode())
    assert html.count("<svg") == 1
    assert "ติดตามครบ 12 เดือนแล้วยังพ้นความยากจน" in html
    assert "ดีขึ้น 2 · เท่าเดิม 1 · ลดลง 1 ครัวเรือน" in html
    assert "ภาคีเครือข่าย" in html and "ครัวเรือนเอง" in html
    # the tabs keep the date range typed on the other pages
    assert 'href="/dashboard/activity/?date_from=01%2F01%2F2568"' in html


def test_officials_page_shows_each_officials_share(client, plans, province_viewer):
    client.force_login(province_viewer)

    html = text(client.get("/dashboard/officials/?agency=DOE"))

    assert "ร้อยละที่แก้ได้" in html
    assert '<td class="kuseaw-number">4</td> <td class="kuseaw-number">75</td>' in html


def test_district_staff_see_only_their_districts_plans(client, plans, district_staff):
    client.force_login(district_staff)

    problems = text(client.get("/dashboard/plans/"))
    progress = text(client.get("/dashboard/plans/progress/"))

    assert "ปัญหาทั้งหมด 6 เรื่อง" in problems
    assert ">เมืองขอนแก่น</a>" in problems and "บ้านไผ่" not in problems
    assert "จัดหางาน" not in problems  # DOE's households are in บ้านไผ่
    filters = filters_for(district_staff)
    funnel = case_plans.graduation_funnel(filters)
    assert (funnel.in_programme, funnel.proposed, funnel.graduated, funnel.relapsed) == (3, 0, 0, 1)
    assert case_plans.level_changes(filters).total == 2  # H1, H2
    assert "จัดหางาน" not in progress


@pytest.mark.parametrize("page", ["plans/", "plans/progress/"])
@pytest.mark.parametrize("query", ["?district=4010", "?agency=DOE"])
def test_district_staff_cannot_reach_another_districts_plans(
    client, plans, district_staff, page, query
):
    client.force_login(district_staff)

    html = text(client.get(f"/dashboard/{page}{query}"))

    assert "ตัวกรองไม่ถูกต้อง จึงยังไม่แสดงตัวเลข" in html
    assert "ไม่พบ" in html and "ในขอบเขตงานของคุณ" in html
    assert "ปัญหาทั้งหมด" not in html and "kuseaw-chart" not in html


def test_coordinator_sees_the_plans_of_households_ever_paired_to_the_agency(plans, coordinator_a):
    filters = filters_for(coordinator_a)

    problems = case_plans.problem_figures(filters)
    assert problems.total.problems == 5  # H1 and H2
    assert [row.agency.code for row in problems.agencies] == ["CDD"]
    assert case_plans.level_changes(filters).total == 2


@pytest.mark.parametrize("page", ["plans/", "plans/progress/"])
def test_officials_and_users_without_a_role_get_404(client, plans, official_a, page):
    client.force_login(official_a.user)
    assert client.get(f"/dashboard/{page}").status_code == 404
    client.force_login(f.UserFactory(username="nobody"))
    assert client.get(f"/dashboard/{page}").status_code == 404
