"""Logging in and out, each role's home page, and the page frame every screen shares."""

import datetime as dt
import re

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.base import Message
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import PovertyLevel
from officials.models import EndReason
from tests import factories as f
from tests.html_checks import duplicate_ids, parse, unlabelled_controls

PASSWORD = "test-pass-123"  # tests.factories.UserFactory

# Each persona and the page it starts on after logging in.
HOMES = [
    ("official_a", "/households/mine/"),
    ("coordinator_a", "/dashboard/"),
    ("district_staff", "/dashboard/"),
    ("province_viewer", "/dashboard/"),
    ("admin_user", "/dashboard/"),
]


def user_of(persona):
    """The login of a persona: officials are Official records, everyone else a User."""
    return getattr(persona, "user", persona)


def persona_user(request, name):
    """The persona fixture `name`, looked up at run time. Tests that use this also ask for `db`
    by name, so that pytest-django runs them among the database tests, before the
    transactional ones that empty the reference data."""
    return user_of(request.getfixturevalue(name))


def html_of(response) -> str:
    return response.content.decode()


def figure(html: str, label: str) -> str:
    """The big number shown above `label` on the overview."""
    match = re.search(r'class="kuseaw-figure[^"]*">([^<]*)</p>\s*<p[^>]*>' + label, html)
    assert match, label
    return match.group(1)


def without_links(html: str) -> str:
    """The page with its links unwrapped (and their screen-reader text dropped)."""
    return re.sub(r'<a [^>]*>|</a>|<span class="visually-hidden">[^<]*</span>', "", html)


def pair(official, household, **kwargs):
    return f.PairingFactory(official=official, household=household, **kwargs)


def household_with_head(first_name, **kwargs):
    household = f.HouseholdFactory(**kwargs)
    f.MemberFactory(household=household, first_name=first_name)
    return household


# Login page


def test_login_page_is_in_thai_and_serves_its_own_assets(client, db):
    response = client.get("/login/")

    assert response.status_code == 200
    html = html_of(response)
    assert '<html lang="th">' in html
    assert 'name="viewport"' in html
    assert "เข้าสู่ระบบ" in html
    assert "ชื่อผู้ใช้" in html
    assert "รหัสผ่าน" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/bootstrap/bootstrap.bundle.min.js" in html
    assert "/static/css/kuseaw.css" in html
    page = parse(html)
    external = [url for url in page.urls if re.match(r"^(https?:)?//", url)]
    assert external == []
    assert "cdn" not in html.lower()


def test_login_page_has_no_inline_script(client, db):
    html = html_of(client.get("/login/"))

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all("src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+=", html)  # no onclick= and the like either


def test_wrong_password_shows_thai_error(client, official_a):
    response = client.post(
        "/login/", {"username": official_a.user.username, "password": "not-the-password"}
    )

    assert response.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in html_of(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("persona", "home"), HOMES)
def test_each_role_lands_on_its_home_after_login(client, db, request, persona, home):
    user = persona_user(request, persona)

    response = client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


def test_login_returns_user_to_the_page_they_asked_for(client, province_viewer):
    response = client.get("/households/overview/")
    login_url = response.url
    assert login_url == "/login/?next=/households/overview/"

    # The login form carries `next` as a hidden field and posts it to /login/.
    page = html_of(client.get(login_url))
    assert '<input type="hidden" name="next" value="/households/overview/">' in page
    response = client.post(
        "/login/",
        {"username": "province", "password": PASSWORD, "next": "/households/overview/"},
    )

    assert response.status_code == 302
    assert response.url == "/households/overview/"


def test_login_ignores_a_next_that_leaves_the_site(client, province_viewer):
    response = client.post(
        "/login/?next=https://example.com/", {"username": "province", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == "/"


def test_user_without_role_sees_the_no_access_page(client, db):
    user = f.UserFactory(username="no-role")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 403
    html = html_of(response)
    assert "ยังไม่มีสิทธิ์ใช้งาน" in html
    assert "ยังไม่มีบทบาท" in html
    assert "ครัวเรือนของฉัน" not in html
    assert "ภาพรวม" not in html


# Logout


def test_logout_by_post_returns_to_login(client, official_a):
    client.force_login(official_a.user)

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response.url == "/login/"
    assert client.get("/").url == "/login/?next=/"


def test_logout_button_is_a_post_form_with_csrf(client, official_a):
    client.force_login(official_a.user)

    html = html_of(client.get("/households/mine/"))

    form = re.search(r'<form method="post" action="/logout/".*?</form>', html, re.S)
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert "ออกจากระบบ" in form.group(0)


def test_logout_by_get_is_refused(client, official_a):
    client.force_login(official_a.user)

    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 302  # still logged in: sent on to the home page


# Anonymous users


@pytest.mark.parametrize("url", ["/", "/households/mine/", "/households/overview/"])
def test_anonymous_user_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/login/?next={url}"


# Navigation by role


def test_official_menu_shows_their_households_only(client, official_a):
    client.force_login(official_a.user)

    html = html_of(client.get("/households/mine/"))

    assert 'href="/households/mine/"' in html
    assert 'aria-current="page"' in html
    assert 'href="/households/overview/"' not in html
    assert 'href="/admin/"' not in html
    assert official_a.user.get_full_name() in html
    assert "เจ้าหน้าที่คู่เสี่ยว" in html


@pytest.mark.parametrize("persona", ["coordinator_a", "district_staff", "province_viewer"])
def test_reviewer_menu_shows_overview_without_admin(client, db, request, persona):
    user = persona_user(request, persona)
    client.force_login(user)

    html = html_of(client.get("/dashboard/"))

    assert 'href="/dashboard/"' in html
    assert 'href="/households/mine/"' not in html
    assert 'href="/admin/"' not in html


def test_admin_menu_links_to_django_admin(client, admin_user):
    client.force_login(admin_user)

    html = html_of(client.get("/dashboard/"))

    assert 'href="/dashboard/"' in html
    assert 'href="/admin/"' in html
    assert "ผู้ดูแลระบบ" in html


# The official's households


def test_official_sees_only_their_own_currently_paired_households(client, official_a, official_b):
    mine_visited = household_with_head(
        "มานะ", code="HH-MINE-1", poverty_level=PovertyLevel.STRUGGLING
    )
    mine_new = household_with_head("มานี", code="HH-MINE-2")
    handed_over = household_with_head("ปิติ", code="HH-ENDED")
    someone_elses = household_with_head("ชูใจ", code="HH-OTHER")
    unpaired = household_with_head("วีระ", code="HH-NOBODY")
    pair(official_a, mine_visited)
    pair(official_a, mine_new)
    pair(
        official_a,
        handed_over,
        ended_on=dt.date(2024, 6, 1),
        end_reason=EndReason.REASSIGNED,
    )
    pair(official_b, someone_elses)
    f.VisitFactory(household=mine_visited, official=official_a, visited_on=dt.date(2024, 8, 18))
    f.VisitFactory(household=mine_visited, official=official_a, visited_on=dt.date(2024, 3, 1))
    client.force_login(official_a.user)

    response = client.get("/households/mine/")

    assert response.status_code == 200
    html = html_of(response)
    assert "HH-MINE-1" in html
    assert "HH-MINE-2" in html
    assert "นายมานะ ใจดี" in html
    assert "อยู่ลำบาก" in html
    assert "18 ส.ค. 2567" in html  # the latest visit, in the Buddhist Era
    assert "1 มี.ค. 2567" not in html
    assert "ยังไม่เคยเยี่ยม" in html  # HH-MINE-2
    assert "ต.ในเมือง อ.เมืองขอนแก่น" in html
    for code in (handed_over.code, someone_elses.code, unpaired.code):
        assert code not in html


def test_official_without_households_sees_a_thai_empty_state(client, official_a):
    client.force_login(official_a.user)

    response = client.get("/households/mine/")

    assert response.status_code == 200
    assert "ยังไม่มีครัวเรือนที่คุณดูแล" in html_of(response)


def test_my_households_page_query_count_does_not_grow_with_households(client, official_a):
    client.force_login(official_a.user)
    pair(official_a, household_with_head("หนึ่ง"))
    with CaptureQueriesContext(connection) as one:
        client.get("/households/mine/")
    for name in ("สอง", "สาม", "สี่"):
        household = household_with_head(name)
        pair(official_a, household)
        f.VisitFactory(household=household, official=official_a)

    with CaptureQueriesContext(connection) as four:
        response = client.get("/households/mine/")

    assert html_of(response).count('<article class="card') == 4
    assert len(four) == len(one)


@pytest.mark.parametrize("persona", ["coordinator_a", "district_staff", "province_viewer"])
def test_reviewers_cannot_open_the_officials_page(client, db, request, persona):
    client.force_login(persona_user(request, persona))

    assert client.get("/households/mine/").status_code == 404


def test_official_gets_their_own_summary_but_not_the_breakdowns(client, official_a):
    client.force_login(official_a.user)

    assert client.get("/dashboard/").status_code == 200
    assert client.get("/dashboard/districts/").status_code == 404


# The overview


def test_overview_shows_the_figures_for_the_users_scope(client, province_viewer, official_a):
    paired = household_with_head("มานะ", poverty_level=PovertyLevel.STRUGGLING)
    pair(official_a, paired)
    household_with_head("มานี", poverty_level=PovertyLevel.STRUGGLING)
    household_with_head("ปิติ", poverty_level=PovertyLevel.WELL)
    f.VisitFactory(household=paired, official=official_a, visited_on=timezone.localdate())
    client.force_login(province_viewer)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    html = " ".join(without_links(html_of(response)).split())
    assert figure(html, "ครัวเรือนทั้งหมด") == "3"
    assert figure(html, "มีคู่เสี่ยวดูแลอยู่") == "1"
    assert figure(html, "ยังไม่มีคู่เสี่ยว") == "2"
    assert figure(html, "การเยี่ยมใน 30 วัน") == "1"
    assert re.search(r'อยู่ลำบาก</th> <td class="kuseaw-number">2</td> <td[^>]*>67</td>', html)
    assert re.search(r'อยู่ยาก</th> <td class="kuseaw-number">0</td> <td[^>]*>0</td>', html)
    assert re.search(r'อยู่ดี</th> <td class="kuseaw-number">1</td> <td[^>]*>33</td>', html)


def test_overview_with_no_households_shows_zeroes(client, district_staff):
    client.force_login(district_staff)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    html = " ".join(html_of(response).split())
    assert figure(html, "ครัวเรือนทั้งหมด") == "0"
    assert "เจ้าหน้าที่อำเภอ" in html


# The page frame


def test_messages_render_as_bootstrap_alerts_in_thai(db):
    messages = [
        Message(message_levels.ERROR, "บันทึกไม่สำเร็จ"),
        Message(message_levels.SUCCESS, "บันทึกแล้ว"),
    ]

    html = render_to_string("_messages.html", {"messages": messages})

    assert 'class="alert alert-danger alert-dismissible fade show" role="alert"' in html
    assert 'class="alert alert-success alert-dismissible fade show" role="status"' in html
    assert 'aria-label="ปิดข้อความ"' in html


def test_static_css_is_served(client, db):
    response = client.get("/static/css/kuseaw.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"Sarabun" in b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
    ],
)
def test_vendored_bootstrap_is_served(client, db, path):
    assert client.get(path).status_code == 200


def pages_to_check(client, request):
    """(name, html) of each screen in this file, as its users see it."""
    pages = [("login", html_of(client.get("/login/")))]
    pages.append(
        ("login with error", html_of(client.post("/login/", {"username": "x", "password": "y"})))
    )
    official = request.getfixturevalue("official_a")
    pair(official, household_with_head("มานะ"))
    pair(official, household_with_head("มานี"))
    client.force_login(official.user)
    pages.append(("my households", html_of(client.get("/households/mine/"))))
    client.force_login(request.getfixturevalue("admin_user"))
    pages.append(("overview", html_of(client.get("/dashboard/"))))
    client.force_login(f.UserFactory(username="no-role"))
    pages.append(("no role", html_of(client.get("/"))))
    return pages


def test_every_page_has_unique_ids(client, db, request):
    for name, html in pages_to_check(client, request):
        assert duplicate_ids(parse(html)) == [], name


def test_every_visible_form_control_has_a_label(client, db, request):
    for name, html in pages_to_check(client, request):
        page = parse(html)
        assert unlabelled_controls(page) == [], name


def test_login_page_labels_both_fields(client, db):
    page = parse(html_of(client.get("/login/")))

    assert {"id_username", "id_password"} <= page.label_targets
