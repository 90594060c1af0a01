"""The pairing pages (issue 4): coverage, the waiting list, officials with room, pairing,
ending and reassigning a buddy, and applying a suggested proposal.

Only admins, agency coordinators and district staff may open them; officials and provincial
viewers get 404, anonymous users the login page. Scope comes from households.pairing.
"""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from households.models import Household, PovertyLevel
from kuseaw.thaidate import format_be
from officials.models import EndReason, Official, Pairing
from officials.services import pairing_create, pairing_end
from tests import factories as f
from tests.html_checks import assert_page_ok

OK = "ok"  # GET → 200 and a sound page
NO = "404"  # GET and POST → 404, nothing written
LOGIN = "login"  # GET and POST → the login page, nothing written

PERSONAS = (
    "anonymous",
    "official_a",
    "province_viewer",
    "coordinator_a",
    "district_staff",
    "admin_user",
)
PAGES = ("index", "unpaired", "officials", "suggest")
PAGE_ACCESS = {
    "anonymous": LOGIN,
    "official_a": NO,
    "province_viewer": NO,
    "coordinator_a": OK,
    "district_staff": OK,
    "admin_user": OK,
}

# The scenario (see `world`): official A (agency A, พช.) and official C (agency A) work in
# Mueang Khon Kaen (4001), official B (agency B, จัดหางาน) in Ban Phai (4010). District
# staff are those of Mueang; coordinator A coordinates agency A.
# fmt: off
OBJECT_MATRIX = {
    #                                  anonymous official_a province coordinator_a district admin
    ("pair", "waiting_mueang"):       (LOGIN,    NO,        NO,      OK,           OK,      OK),
    ("pair", "waiting_ban_phai"):     (LOGIN,    NO,        NO,      OK,           NO,      OK),
    ("pair", "paired_b"):             (LOGIN,    NO,        NO,      NO,           NO,      OK),
    ("end", "pairing_a"):             (LOGIN,    NO,        NO,      OK,           OK,      OK),
    ("end", "pairing_b"):             (LOGIN,    NO,        NO,      NO,           NO,      OK),
    ("end", "ended"):                 (LOGIN,    NO,        NO,      NO,           NO,      NO),
    ("reassign", "paired_a"):         (LOGIN,    NO,        NO,      OK,           OK,      OK),
    ("reassign", "paired_b"):         (LOGIN,    NO,        NO,      NO,           NO,      OK),
    ("reassign", "waiting_mueang"):   (LOGIN,    NO,        NO,      NO,           NO,      NO),
}
# fmt: on


@dataclass
class World:
    official_c: Official
    waiting_mueang: Household  # level 1, joined 1 Mar 2024, needs income
    waiting_mueang_2: Household  # level 2, joined 1 Jun 2023; official A looked after it once
    waiting_ban_phai: Household  # level 1, joined 1 Jan 2023, needs health
    paired_a: Household  # official A looks after it now
    paired_b: Household  # official B looks after it now
    pairing_a: Pairing
    pairing_b: Pairing
    ended: Pairing  # official A and waiting_mueang_2, ended


def household(code, subdistrict, head, **kwargs) -> Household:
    household = f.HouseholdFactory(code=code, subdistrict=f.subdistrict(subdistrict), **kwargs)
    f.MemberFactory(household=household, first_name=head, last_name="รอคอย")
    return household


@pytest.fixture
def world(official_a, official_b) -> World:
    official_c = f.OfficialFactory(agency=official_a.agency, user__username="official-c")
    waiting_mueang = household(
        "KK-0001",
        "400101",
        "บุญมี",
        poverty_level=PovertyLevel.STRUGGLING,
        joined_on=dt.date(2024, 3, 1),
        need_income=True,
    )
    waiting_mueang_2 = household(
        "KK-0002",
        "400102",
        "ทองใบ",
        poverty_level=PovertyLevel.HARD,
        joined_on=dt.date(2023, 6, 1),
    )
    waiting_ban_phai = household(
        "KK-0003",
        "401001",
        "สมหมาย",
        poverty_level=PovertyLevel.STRUGGLING,
        joined_on=dt.date(2023, 1, 1),
        need_health=True,
    )
    paired_a = household("KK-0004", "400101", "มานะ")
    paired_b = household("KK-0005", "401001", "มานี")
    ended = pairing_create(
        official=official_a, household=waiting_mueang_2, started_on=dt.date(2024, 2, 1)
    )
    pairing_end(pairing=ended, reason=EndReason.REASSIGNED, ended_on=dt.date(2024, 6, 30))
    return World(
        official_c=official_c,
        waiting_mueang=waiting_mueang,
        waiting_mueang_2=waiting_mueang_2,
        waiting_ban_phai=waiting_ban_phai,
        paired_a=paired_a,
        paired_b=paired_b,
        pairing_a=pairing_create(
            official=official_a, household=paired_a, started_on=dt.date(2024, 7, 1)
        ),
        pairing_b=pairing_create(
            official=official_b, household=paired_b, started_on=dt.date(2024, 7, 1)
        ),
        ended=ended,
    )


def log_in(request, client, persona):
    """Log the persona in (an Official persona logs in as its account); None for anonymous."""
    if persona == "anonymous":
        return None
    user = request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    client.force_login(user)
    return user


def page_ok(client, url, data=None):
    response = client.get(url, data or {})
    assert response.status_code == 200
    assert_page_ok(response.content.decode())
    return response


def text_of(response) -> str:
    """The page's text with tags dropped and spaces collapsed, for phrases across tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pairings():
    """Every pairing row, to show that a refused request wrote nothing."""
    return list(Pairing.objects.order_by("pk").values())


def today_be() -> str:
    return format_be(timezone.localdate(), "numeric")


def object_url(view, world, name):
    target = getattr(world, name)
    if view == "end":
        return reverse("pairing:end", args=[target.pk])
    return reverse(f"pairing:{view}", args=[target.pk])


def post_data(view, world):
    if view == "end":
        return {"reason": EndReason.OTHER, "ended_on": today_be(), "note": ""}
    return {"official": world.official_c.pk, "reason": EndReason.REASSIGNED, "note": ""}


def assert_goes_to_login(response, url):
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


# -- who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_pairing_pages_by_role(request, client, world, persona, page):
    log_in(request, client, persona)
    url = reverse(f"pairing:{page}")
    expected = PAGE_ACCESS[persona]
    if expected == OK:
        page_ok(client, url)
    else:
        response = client.get(url)
        if expected == LOGIN:
            assert_goes_to_login(response, url)
        else:
            assert response.status_code == 404


def object_params():
    for (view, name), outcomes in OBJECT_MATRIX.items():
        for persona, expected in zip(PERSONAS, outcomes, strict=True):
            yield pytest.param(view, name, persona, expected, id=f"{persona}-{view}-{name}")


@pytest.mark.parametrize(("view", "name", "persona", "expected"), list(object_params()))
def test_pair_end_and_reassign_pages_by_role(request, client, world, view, name, persona, expected):
    log_in(request, client, persona)
    url = object_url(view, world, name)
    if expected == OK:
        page_ok(client, url)
        return
    before = pairings()
    get, post = client.get(url), client.post(url, post_data(view, world))
    for response in (get, post):
        if expected == LOGIN:
            assert_goes_to_login(response, url)
        else:
            assert response.status_code == 404
    assert pairings() == before


def test_pairing_menu_item_only_for_those_who_pair(client, world, coordinator_a, province_viewer):
    client.force_login(coordinator_a)
    assert reverse("pairing:index") in client.get(reverse("dashboard:overview")).content.decode()
    client.force_login(province_viewer)
    assert (
        reverse("pairing:index") not in client.get(reverse("dashboard:overview")).content.decode()
    )


# -- coverage -------------------------------------------------------------------------------


def test_coverage_for_a_coordinator(client, world, coordinator_a):
    client.force_login(coordinator_a)
    response = page_ok(client, reverse("pairing:index"))
    context = response.context
    # Paired: agency A's households only; waiting: every household without a buddy.
    assert (context["paired"], context["waiting"], context["total"]) == (1, 3, 4)
    # Agency A: officials A and C, 2 × 2 places, one taken.
    (agency,) = context["agencies"]
    assert (agency["agency"].code, agency["officials"], agency["paired"], agency["free"]) == (
        "CDD",
        2,
        1,
        3,
    )
    assert (context["free"], context["short"]) == (3, 0)
    by_district = {row["district"].pk: row for row in context["districts"]}
    assert set(by_district) == {"4001", "4010"}
    assert (by_district["4001"]["paired"], by_district["4001"]["unpaired"]) == (1, 2)
    assert "จับคู่แล้ว" in text_of(response)


def test_coverage_for_district_staff_counts_their_district_only(client, world, district_staff):
    client.force_login(district_staff)
    context = page_ok(client, reverse("pairing:index")).context
    assert (context["paired"], context["waiting"]) == (1, 2)
    assert [row["district"].pk for row in context["districts"]] == ["4001"]
    assert [row["officials"] for row in context["agencies"]] == [2]  # officials A and C


def test_coverage_figures_change_after_pairing(client, world, coordinator_a):
    client.force_login(coordinator_a)
    before = client.get(reverse("pairing:index")).context

    response = client.post(
        reverse("pairing:pair", args=[world.waiting_mueang.pk]),
        {"official": world.official_c.pk},
    )

    assert response.status_code == 302
    after = client.get(reverse("pairing:index")).context
    assert after["paired"] == before["paired"] + 1
    assert after["waiting"] == before["waiting"] - 1
    assert after["free"] == before["free"] - 1


# -- the waiting list -----------------------------------------------------------------------


def codes(response) -> list[str]:
    return [household.code for household in response.context["page"].object_list]


def test_unpaired_lists_poorest_then_longest_waiting_first(client, world, admin_user):
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:unpaired"))
    assert codes(response) == ["KK-0003", "KK-0001", "KK-0002"]
    text = text_of(response)
    assert "สมหมาย รอคอย" in text  # the head's name
    assert "ต.บ้านไผ่ อ.บ้านไผ่" in text and "ต.สำราญ อ.เมืองขอนแก่น" in text
    assert f"รอตั้งแต่ {format_be(dt.date(2023, 1, 1))}" in text
    assert "ด้านสุขภาพ" in text and "อยู่ลำบาก" in text


def test_unpaired_for_district_staff_is_their_district_only(client, world, district_staff):
    client.force_login(district_staff)
    response = page_ok(client, reverse("pairing:unpaired"))
    assert codes(response) == ["KK-0001", "KK-0002"]
    district_choices = [c.pk for c in response.context["form"].fields["district"].queryset]
    assert district_choices == ["4001"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"district": "4010"}, ["KK-0003"]),
        ({"subdistrict": "400102"}, ["KK-0002"]),
        ({"level": "1"}, ["KK-0003", "KK-0001"]),
        ({"need": "income"}, ["KK-0001"]),
        ({"district": "4001", "level": "2"}, ["KK-0002"]),
        ({"district": "9999"}, ["KK-0003", "KK-0001", "KK-0002"]),  # unknown: dropped
    ],
)
def test_unpaired_filters(client, world, admin_user, filters, expected):
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:unpaired"), filters)
    assert codes(response) == expected


def test_unpaired_filters_are_kept_in_the_url_across_pages(client, world, admin_user):
    for n in range(55):
        f.HouseholdFactory(subdistrict=f.subdistrict("401001"), code=f"BP-{n:03d}")
    client.force_login(admin_user)
    url = reverse("pairing:unpaired")

    first = page_ok(client, url, {"district": "4010"})

    assert first.context["page"].paginator.count == 56  # KK-0003 and the 55 new ones
    assert len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert '<option value="4010" selected>' in html  # the form shows the filter it applied
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', html)[1].replace("&amp;", "&")
    assert "district=4010" in next_link
    second = page_ok(client, url + next_link)
    assert len(second.context["page"].object_list) == 6
    assert all(code.startswith(("BP-", "KK-0003")) for code in codes(second))
    # Each «จับคู่» leads to the pair form and back to this very list.
    pair_url = reverse("pairing:pair", args=[second.context["page"].object_list[0].pk])
    assert f"{pair_url}?next=" in second.content.decode()


# -- officials with room --------------------------------------------------------------------


@pytest.fixture
def officials_with_names(admin_user, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    cdd, doe = f.AgencyFactory(code="CDD"), f.AgencyFactory(code="DOE")

    def official(name, agency, district, open_pairings):
        official = f.OfficialFactory(
            agency=agency, district=f.district(district), user__first_name=name
        )
        for _ in range(open_pairings):
            pairing_create(official=official, household=f.HouseholdFactory())
        return official

    return {
        "คณิน": official("คณิน", cdd, "4001", 1),
        "งามตา": official("งามตา", cdd, "4001", 2),
        "ขจร": official("ขจร", cdd, "4001", 0),
        "กมล": official("กมล", doe, "4010", 0),
    }


def names(response) -> list[str]:
    return [official.user.first_name for official in response.context["page"].object_list]


def test_officials_sorted_by_free_places_then_name(client, admin_user, officials_with_names):
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:officials"))
    assert names(response) == ["กมล", "ขจร", "คณิน", "งามตา"]
    text = text_of(response)
    assert "ดูแล 1/2" in text and "ว่าง 1" in text and "เต็ม" in text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"agency": "CDD"}, ["ขจร", "คณิน", "งามตา"]),
        ({"district": "4010"}, ["กมล"]),
        ({"with_room": "on"}, ["กมล", "ขจร", "คณิน"]),
        ({"agency": "CDD", "with_room": "on"}, ["ขจร", "คณิน"]),
    ],
)
def test_officials_filters(client, admin_user, officials_with_names, filters, expected):
    if "agency" in filters:
        filters = {**filters, "agency": Agency.objects.get(code=filters["agency"]).pk}
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:officials"), filters)
    assert names(response) == expected
    if "agency" in filters:
        assert f'<option value="{filters["agency"]}" selected>' in response.content.decode()


def test_coordinator_sees_only_their_agencys_officials(client, coordinator_a, officials_with_names):
    client.force_login(coordinator_a)
    response = page_ok(client, reverse("pairing:officials"))
    assert names(response) == ["ขจร", "คณิน", "งามตา"]


# -- pair, end, reassign through the pages --------------------------------------------------


def test_pair_form_lists_officials_with_room_in_the_households_district_first(
    client, world, admin_user, official_a, official_b
):
    far = f.OfficialFactory(agency=official_a.agency, district=f.district("4010"))
    full = f.OfficialFactory(agency=official_a.agency)
    for _ in range(2):
        pairing_create(official=full, household=f.HouseholdFactory())
    client.force_login(admin_user)

    response = page_ok(client, reverse("pairing:pair", args=[world.waiting_mueang.pk]))

    choices = list(response.context["form"].fields["official"].queryset)
    assert {o.district_id for o in choices[:2]} == {"4001"}  # officials A and C
    assert set(choices) == {official_a, world.official_c, official_b, far}  # not the full one
    assert "(ว่าง 2)" in response.content.decode()


def test_coordinator_pairs_a_household_with_their_official(client, world, coordinator_a):
    client.force_login(coordinator_a)
    back = reverse("pairing:unpaired") + "?district=4001"
    url = reverse("pairing:pair", args=[world.waiting_mueang.pk])
    page_ok(client, url, {"next": back})

    response = client.post(url, {"official": world.official_c.pk, "next": back})

    assert response.status_code == 302 and response.url == back
    pairing = Pairing.objects.open().get(household=world.waiting_mueang)
    assert (pairing.official, pairing.created_by) == (world.official_c, coordinator_a)
    assert "จับคู่" in text_of(client.get(back))  # the success message on the list


def test_pair_never_goes_back_to_another_site(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("pairing:pair", args=[world.waiting_mueang.pk])
    response = client.post(url, {"official": world.official_c.pk, "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("pairing:unpaired")


def test_the_page_to_go_back_to_is_carried_as_text(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("pairing:pair", args=[world.waiting_mueang.pk])
    response = page_ok(client, url, {"next": "/pairing/?q={{ 7|add:35 }}"})
    html = response.content.decode()
    assert 'name="next" value="/pairing/?q={{ 7|add:35 }}"' in html
    assert "q=42" not in html


def test_coordinator_cannot_pair_another_agencys_official(client, world, coordinator_a, official_b):
    client.force_login(coordinator_a)
    before = pairings()

    response = client.post(
        reverse("pairing:pair", args=[world.waiting_mueang.pk]), {"official": official_b.pk}
    )

    assert response.status_code == 200
    assert "จับคู่กับเจ้าหน้าที่ที่เลือกไม่ได้" in text_of(response)
    assert_page_ok(response.content.decode())
    assert pairings() == before


def test_district_staff_cannot_pair_an_official_of_another_district(
    client, world, district_staff, official_a
):
    elsewhere = f.OfficialFactory(agency=official_a.agency, district=f.district("4010"))
    client.force_login(district_staff)
    before = pairings()

    response = client.post(
        reverse("pairing:pair", args=[world.waiting_mueang.pk]), {"official": elsewhere.pk}
    )

    assert response.status_code == 200
    assert "จับคู่กับเจ้าหน้าที่ที่เลือกไม่ได้" in text_of(response)
    assert pairings() == before


def test_pairing_a_household_someone_else_just_paired_shows_the_rule(client, world, admin_user):
    client.force_login(admin_user)
    before = pairings()

    response = client.post(
        reverse("pairing:pair", args=[world.paired_b.pk]), {"official": world.official_c.pk}
    )

    assert response.status_code == 200
    assert "มีคู่เสี่ยวดูแลอยู่แล้ว" in text_of(response)
    assert pairings() == before


def test_coordinator_ends_a_pairing_and_the_history_stays(client, world, coordinator_a):
    client.force_login(coordinator_a)
    url = reverse("pairing:end", args=[world.pairing_a.pk])
    page_ok(client, url)

    response = client.post(
        url,
        {"reason": EndReason.HOUSEHOLD_MOVED, "ended_on": today_be(), "note": "ย้ายไปอยู่กับลูก"},
    )

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[world.paired_a.pk])
    pairing = Pairing.objects.get(pk=world.pairing_a.pk)
    assert (pairing.ended_on, pairing.end_reason, pairing.end_note) == (
        timezone.localdate(),
        EndReason.HOUSEHOLD_MOVED,
        "ย้ายไปอยู่กับลูก",
    )
    case_page = client.get(response.url)
    assert "ครัวเรือนย้ายออก" in text_of(case_page)


def test_ending_before_the_start_is_refused_in_thai(client, world, admin_user):
    client.force_login(admin_user)
    before = pairings()
    response = client.post(
        reverse("pairing:end", args=[world.pairing_a.pk]),
        {"reason": EndReason.OTHER, "ended_on": "01/01/2567", "note": ""},
    )
    assert response.status_code == 200
    assert "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มดูแล" in text_of(response)
    assert pairings() == before


def test_coordinator_cannot_end_another_agencys_pairing(client, world, coordinator_a):
    client.force_login(coordinator_a)
    before = pairings()
    response = client.post(
        reverse("pairing:end", args=[world.pairing_b.pk]),
        {"reason": EndReason.OTHER, "ended_on": today_be()},
    )
    assert response.status_code == 404
    assert pairings() == before


def test_reassign_keeps_the_history(client, world, admin_user, official_a):
    client.force_login(admin_user)
    url = reverse("pairing:reassign", args=[world.paired_a.pk])
    form = page_ok(client, url).context["form"]
    assert form["reason"].value() == EndReason.REASSIGNED  # the default
    assert official_a not in form.fields["official"].queryset  # not to the same buddy

    response = client.post(
        url, {"official": world.official_c.pk, "reason": EndReason.REASSIGNED, "note": "แบ่งงาน"}
    )

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[world.paired_a.pk])
    old, new = Pairing.objects.filter(household=world.paired_a).order_by("pk")
    assert (old.official, old.ended_on, old.end_reason, old.end_note) == (
        official_a,
        timezone.localdate(),
        EndReason.REASSIGNED,
        "แบ่งงาน",
    )
    assert (new.official, new.is_open, new.created_by) == (world.official_c, True, admin_user)


def test_coordinator_cannot_reassign_to_another_agencys_official(
    client, world, coordinator_a, official_b
):
    client.force_login(coordinator_a)
    before = pairings()
    response = client.post(
        reverse("pairing:reassign", args=[world.paired_a.pk]),
        {"official": official_b.pk, "reason": EndReason.REASSIGNED},
    )
    assert response.status_code == 200
    assert "จับคู่กับเจ้าหน้าที่ที่เลือกไม่ได้" in text_of(response)
    assert pairings() == before


# -- the case page's links ------------------------------------------------------------------


def case_html(client, user, household) -> str:
    client.force_login(user)
    return page_ok(client, reverse("households:detail", args=[household.pk])).content.decode()


def test_case_page_offers_end_and_reassign_to_those_who_manage_the_pairing(
    client, world, admin_user, coordinator_a, district_staff
):
    end = reverse("pairing:end", args=[world.pairing_a.pk])
    reassign = reverse("pairing:reassign", args=[world.paired_a.pk])
    for user in (admin_user, coordinator_a, district_staff):
        html = case_html(client, user, world.paired_a)
        assert end in html and reassign in html


def test_case_page_has_no_pairing_links_for_officials_and_viewers(
    client, world, official_a, province_viewer
):
    for user in (official_a.user, province_viewer):
        html = case_html(client, user, world.paired_a)
        assert "/pairing/" not in html.replace(reverse("pairing:index"), "")


def test_case_page_offers_pair_when_the_household_waits(client, world, coordinator_a):
    html = case_html(client, coordinator_a, world.waiting_mueang_2)  # paired to agency A before
    pair = reverse("pairing:pair", args=[world.waiting_mueang_2.pk])
    assert pair in html
    assert reverse("pairing:end", args=[world.ended.pk]) not in html  # the ended one


def test_district_staff_get_no_links_for_an_official_of_another_district(
    client, world, district_staff, official_b
):
    household_here = household("KK-0009", "400101", "ใจดี")
    pairing_create(official=official_b, household=household_here)  # official B: Ban Phai
    html = case_html(client, district_staff, household_here)
    assert reverse("pairing:reassign", args=[household_here.pk]) not in html


# -- suggestions ----------------------------------------------------------------------------


def proposal_lines(response) -> list[str]:
    return [f"{s.household.pk}:{s.official.pk}" for s in response.context["proposal"]]


def test_suggest_page_asks_for_an_area_first(client, world, admin_user):
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:suggest"))
    assert response.context["proposal"] is None


def test_suggest_page_shows_the_proposal_lines(client, world, admin_user):
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:suggest"), {"district": "4001"})

    lines = proposal_lines(response)
    assert [line.split(":")[0] for line in lines] == [
        str(world.waiting_mueang.pk),
        str(world.waiting_mueang_2.pk),
    ]
    html = response.content.decode()
    for line in lines:
        assert f'name="line" value="{line}"' in html
    assert html.count("checked") >= len(lines)  # every line is kept unless unticked
    text = text_of(response)
    assert "บุญมี รอคอย" in text and "รหัส KK-0001 · อ.เมืองขอนแก่น" in text
    assert text.count("✓ อำเภอเดียวกัน") == 2
    assert "✓ ตรงความต้องการ" in text  # KK-0001 needs income; agency A (พช.) serves it
    assert response.context["waiting"] == 2 and response.context["left_over"] == 0


def test_suggest_for_the_whole_scope(client, world, admin_user):
    client.force_login(admin_user)
    response = page_ok(client, reverse("pairing:suggest"), {"district": ""})
    assert response.context["waiting"] == 3
    assert len(response.context["proposal"]) == 3


def test_dropping_a_line_applies_only_the_kept_ones(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("pairing:suggest")
    kept, dropped = proposal_lines(client.get(url, {"district": "4001"}))

    response = client.post(url, {"district": "4001", "line": [kept]})

    assert response.status_code == 302 and response.url == reverse("pairing:index")
    household_id, official_id = map(int, kept.split(":"))
    assert Pairing.objects.open().filter(household_id=household_id, official_id=official_id)
    assert not Pairing.objects.open().filter(household_id=int(dropped.split(":")[0])).exists()
    assert "จับคู่เรียบร้อยแล้ว 1 ครัวเรือน" in text_of(client.get(response.url))


def test_a_tampered_line_out_of_scope_writes_nothing(client, world, district_staff, official_a):
    client.force_login(district_staff)
    url = reverse("pairing:suggest")
    (first, *_) = proposal_lines(client.get(url, {"district": ""}))
    before = pairings()
    tampered = f"{world.waiting_ban_phai.pk}:{official_a.pk}"  # Ban Phai: not their district

    response = client.post(url, {"district": "", "line": [first, tampered]})

    assert response.status_code == 200
    assert "รายการที่ 2: ไม่อยู่ในขอบเขตที่คุณจับคู่ได้" in text_of(response)
    assert_page_ok(response.content.decode())
    assert pairings() == before


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["12;x"], "ข้อมูลรายการที่ส่งมาไม่ถูกต้อง"),
        (["1:2:3"], "ข้อมูลรายการที่ส่งมาไม่ถูกต้อง"),
        ([], "ยังไม่ได้เลือกครัวเรือนที่จะจับคู่"),
    ],
)
def test_malformed_lines_get_a_thai_message(client, world, admin_user, lines, message):
    client.force_login(admin_user)
    before = pairings()
    response = client.post(reverse("pairing:suggest"), {"district": "4001", "line": lines})
    assert response.status_code == 200
    assert message in text_of(response)
    assert pairings() == before


# -- query counts ---------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_waiting_households(count):
    for n in range(count):
        waiting = f.HouseholdFactory(
            subdistrict=f.subdistrict(("400101", "400102", "401001")[n % 3]),
            need_income=bool(n % 2),
        )
        f.MemberFactory(household=waiting)


def add_officials(agency, count):
    for n in range(count):
        official = f.OfficialFactory(agency=agency, district=f.district(("4001", "4010")[n % 2]))
        pairing_create(official=official, household=f.HouseholdFactory())


@pytest.mark.parametrize("persona", ["admin_user", "coordinator_a", "district_staff"])
def test_unpaired_page_queries_do_not_grow(request, client, world, persona):
    log_in(request, client, persona)
    url = reverse("pairing:unpaired") + "?level=1"
    few = count_queries(client, url)
    add_waiting_households(30)
    assert count_queries(client, url) == few


@pytest.mark.parametrize("persona", ["admin_user", "coordinator_a", "district_staff"])
def test_officials_page_queries_do_not_grow(request, client, world, persona):
    log_in(request, client, persona)
    url = reverse("pairing:officials")
    few = count_queries(client, url)
    add_officials(world.official_c.agency, 12)
    assert count_queries(client, url) == few
