"""Under the content security policy nothing on the main pages is blocked: Chromium reports no
violation, Bootstrap's script still opens the phone menu, and the admin's scripts run."""

import re

from tests import factories as f
from tests.browser.live import LIVE_SERVER_TEST, PASSWORD, expect

pytestmark = LIVE_SERVER_TEST


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_an_officials_pages_run_under_the_policy(page, violations, transactional_db):
    official = f.OfficialFactory(agency=f.AgencyFactory(code="CDD"), user__username="somsri")
    household = f.PairingFactory(official=official).household
    f.MemberFactory(household=household)

    log_in(page, "somsri")
    for url in ("/households/mine/", f"/households/{household.pk}/", "/password/"):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Bootstrap's script file runs: the phone menu opens.
    page.get_by_role("button", name="เปิดหรือปิดเมนู").click()
    expect(page.get_by_role("link", name="เปลี่ยนรหัสผ่าน")).to_be_visible()

    assert violations == []


def test_the_admin_runs_under_the_policy(page, violations, transactional_db):
    f.UserFactory(username="admin", is_staff=True, is_superuser=True)
    household = f.HouseholdFactory()
    f.MemberFactory(household=household)

    log_in(page, "admin")
    for url in (
        "/admin/",
        "/admin/households/household/",
        f"/admin/households/household/{household.pk}/change/",
    ):
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
    # The admin's own scripts run: "select all" on a changelist ticks every row.
    page.goto("/admin/households/household/")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select").first).to_be_checked()

    assert violations == []
