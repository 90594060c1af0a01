"""The access log: who opened which case file or exported which list, and when; kept,
searchable by admins in the Django admin, and changed or deleted by nobody."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.utils import InternalError
from django.urls import reverse
from django.utils import timezone

from households.audit import log_access
from households.models import AccessAction, AccessLog
from kuseaw.thaidate import format_be
from officials.roles import Role
from tests import factories as f
from tests.privacy.conftest import text_of


@pytest.fixture
def household(official_a):
    return f.PairingFactory(official=official_a, household__code="KK-LOG-1").household


def test_opening_a_case_page_is_logged_with_who_which_household_and_when(
    client, official_a, household
):
    client.force_login(official_a.user)
    before = timezone.now()

    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200

    (line,) = AccessLog.objects.all()
    assert line.user == official_a.user
    assert line.action == AccessAction.CASE_OPENED
    assert line.household == household
    assert line.household_code == "KK-LOG-1"
    assert line.path == f"/households/{household.pk}/"
    assert before <= line.at <= timezone.now()


def test_a_case_page_outside_the_users_scope_is_not_found_and_not_logged(
    client, official_b, household
):
    client.force_login(official_b.user)

    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_an_export_is_logged_with_the_filter_in_words_and_no_query_string(
    client, district_staff, household
):
    client.force_login(district_staff)
    district = f.district("4001")
    url = reverse("imports:export", args=["households", "xlsx"])

    response = client.get(url, {"status": "active", "district": district.pk, "q": "โนน"})

    assert response.status_code == 200
    (line,) = AccessLog.objects.all()
    assert line.user == district_staff
    assert line.action == AccessAction.LIST_EXPORTED
    assert line.household is None
    assert line.description == (
        f"รายชื่อครัวเรือน (.xlsx) สถานะ อยู่ในโครงการ · อำเภอ{district.name_th} · ค้นหา «โนน»"
    )
    assert line.path == url  # the query string (search terms) is not kept


def test_an_unfiltered_export_says_it_holds_everything_the_user_may_see(client, admin_user):
    client.force_login(admin_user)
    client.get(reverse("imports:export", args=["visits", "csv"]))
    assert AccessLog.objects.get().description == "การเยี่ยม (.csv) ทั้งหมดที่มีสิทธิ์เห็น"


# -- nobody can change the log ---------------------------------------------------------------


@pytest.fixture
def line(household, official_a):
    return log_access(official_a.user, AccessAction.CASE_OPENED, household=household)


def refused(write) -> bool:
    """Whether the database refused the write (and left the row alone)."""
    try:
        with transaction.atomic():
            write()
    except InternalError as error:
        return "access_log_append_only" in str(error)
    return False


def test_the_database_refuses_to_change_a_log_line_even_through_the_orm(line, official_b):
    assert refused(lambda: AccessLog.objects.filter(pk=line.pk).update(user=official_b.user))
    line.description = "แก้ไข"
    assert refused(line.save)
    assert AccessLog.objects.get(pk=line.pk).user_id == line.user_id


def test_the_database_refuses_to_delete_a_log_line_even_in_raw_sql(line):
    assert refused(lambda: AccessLog.objects.filter(pk=line.pk).delete())
    assert refused(line.delete)

    def raw_delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM households_accesslog")

    assert refused(raw_delete)
    assert AccessLog.objects.filter(pk=line.pk).exists()


def test_a_household_that_was_opened_can_still_be_deleted_and_its_log_lines_stay(
    admin_client, admin_user
):
    household = f.HouseholdFactory(code="KK-GONE")
    opened = log_access(admin_user, AccessAction.CASE_OPENED, household=household)

    url = reverse("admin:households_household_delete", args=[household.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302

    kept = AccessLog.objects.get(pk=opened.pk)
    assert (kept.household_id, kept.household_code) == (household.pk, "KK-GONE")


# -- the admin's searchable, read-only list -----------------------------------------------------


def test_admin_searches_the_log_by_username_and_household_code_with_be_dates(
    admin_client, line, official_b
):
    other = f.HouseholdFactory(code="KK-LOG-2")
    log_access(official_b.user, AccessAction.CASE_OPENED, household=other)
    url = reverse("admin:households_accesslog_changelist")

    by_user = admin_client.get(url, {"q": "official-a"})
    by_code = admin_client.get(url, {"q": "KK-LOG-2"})

    assert list(by_user.context["cl"].result_list) == [line]
    assert [x.household_code for x in by_code.context["cl"].result_list] == ["KK-LOG-2"]
    page = text_of(by_user.content.decode())
    assert format_be(line.at, "short_time") in page
    assert "เปิดดูแฟ้มครัวเรือน" in page


def test_admin_filters_the_log_by_action_and_by_date(admin_client, line, admin_user):
    export = log_access(admin_user, AccessAction.LIST_EXPORTED, description="การเยี่ยม (.csv)")
    # The app cannot back-date a line; an old one is inserted directly for the date filter.
    (old,) = AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=admin_user,
                action=AccessAction.LIST_EXPORTED,
                at=timezone.now() - dt.timedelta(days=40),
            )
        ]
    )
    url = reverse("admin:households_accesslog_changelist")
    spec = next(s for s in admin_client.get(url).context["cl"].filter_specs if s.field_path == "at")
    past_7_days = spec.links[2][1]  # Any date, Today, Past 7 days, This month, This year

    exports = admin_client.get(url, {"action__exact": AccessAction.LIST_EXPORTED})
    recent = admin_client.get(url, past_7_days)

    assert set(exports.context["cl"].result_list) == {export, old}
    assert set(recent.context["cl"].result_list) == {line, export}


def test_admin_can_read_a_line_but_not_add_change_or_delete_one(admin_client, line):
    change = reverse("admin:households_accesslog_change", args=[line.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    assert admin_client.get(reverse("admin:households_accesslog_add")).status_code == 403
    assert admin_client.post(change, {"description": "แก้ไข"}).status_code == 403
    delete = reverse("admin:households_accesslog_delete", args=[line.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessLog.objects.get(pk=line.pk).description == ""


def test_staff_without_the_admin_role_cannot_see_the_log_whatever_their_permissions(
    client, district_staff, line
):
    district_staff.is_staff = True
    district_staff.save()
    district_staff.user_permissions.set(Permission.objects.filter(codename__endswith="accesslog"))
    client.force_login(district_staff)

    response = client.get(reverse("admin:households_accesslog_changelist"))

    assert response.status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "บันทึกการเข้าถึงข้อมูล" not in index


def test_an_admin_role_given_through_the_group_sees_the_log(client, line):
    user = f.UserFactory(username="kk-admin", role=Role.ADMIN, is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:households_accesslog_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [line]


# -- the Django admin shows case files and exports lists too ----------------------------------


def test_opening_a_household_or_a_member_in_the_admin_is_logged(admin_client, admin_user):
    household = f.HouseholdFactory(code="KK-ADMIN")
    member = f.MemberFactory(household=household, first_name="บุญมี")

    admin_client.get(reverse("admin:households_household_change", args=[household.pk]))
    admin_client.get(reverse("admin:households_member_change", args=[member.pk]))

    lines = list(AccessLog.objects.order_by("id"))
    assert [(x.user, x.action, x.household_code) for x in lines] == [
        (admin_user, AccessAction.CASE_OPENED, "KK-ADMIN"),
        (admin_user, AccessAction.CASE_OPENED, "KK-ADMIN"),
    ]
    assert lines[0].description == "เปิดในหน้าผู้ดูแลระบบ"
    assert lines[1].description == f"เปิดสมาชิกครัวเรือน รหัส {member.pk} ในหน้าผู้ดูแลระบบ"
    assert "บุญมี" not in lines[1].description  # the log outlives anonymisation: no names
