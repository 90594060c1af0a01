import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rows_xlsx(response):
    return list(load_workbook(io.BytesIO(response.content)).active.values)


def _rows_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def paired_household(official_a):
    household = f.HouseholdFactory(code="=cmd|'/c calc'!A1", village_name="@SUM(1)")
    head = f.MemberFactory(household=household, national_id=f.national_id_for(4242))
    f.PairingFactory(official=official_a, household=household)
    f.VisitFactory(household=household, official=official_a, findings="+1 ต้องการน้ำ")
    f.AidRecordFactory(household=household, title="-พันธุ์ไก่")
    return household, head


def test_export_neutralises_formulas_in_xlsx_and_csv(client, admin_user, paired_household):
    client.force_login(admin_user)
    for fmt, read in (("xlsx", _rows_xlsx), ("csv", _rows_csv)):
        response = client.get(reverse("imports:export", args=["households", fmt]))
        rows = read(response)
        assert rows[1][0] == "'=cmd|'/c calc'!A1"
        assert rows[1][7] == "'@SUM(1)"
    visits = _rows_csv(client.get(reverse("imports:export", args=["visits", "csv"])))
    assert visits[1][4] == "'+1 ต้องการน้ำ"
    aid = _rows_xlsx(client.get(reverse("imports:export", args=["aid", "xlsx"])))
    assert aid[1][2] == "'-พันธุ์ไก่"


def test_admin_gets_national_ids(client, admin_user, paired_household):
    _, head = paired_household
    client.force_login(admin_user)
    rows = _rows_csv(client.get(reverse("imports:export", args=["households", "csv"])))
    assert rows[1][4] == head.national_id


def test_others_get_masked_national_ids(client, official_a, paired_household):
    _, head = paired_household
    client.force_login(official_a.user)
    response = client.get(reverse("imports:export", args=["households", "xlsx"]))
    assert response.status_code == 200
    rows = _rows_xlsx(response)
    assert rows[1][4].startswith("x-xxxx-xxxxx-")
    assert head.national_id not in response.content.decode("latin-1")


def test_only_visible_households_are_exported(client, official_b, official_a, paired_household):
    other = f.HouseholdFactory(code="OTHER-1")
    f.PairingFactory(official=official_b, household=other)
    client.force_login(official_a.user)
    codes = [
        r[0] for r in _rows_csv(client.get(reverse("imports:export", args=["households", "csv"])))
    ]
    assert "OTHER-1" not in codes
    assert len(codes) == 2
    visits = _rows_csv(client.get(reverse("imports:export", args=["visits", "csv"])))
    assert len(visits) == 2


def test_export_filters(client, admin_user):
    f.HouseholdFactory(code="A1", status="active")
    f.HouseholdFactory(code="G1", status="graduated")
    client.force_login(admin_user)
    url = reverse("imports:export", args=["households", "csv"]) + "?status=graduated"
    codes = [r[0] for r in _rows_csv(client.get(url))]
    assert codes[1:] == ["G1"]


def test_user_without_role_gets_404(client, db):
    user = f.UserFactory(username="nobody")
    client.force_login(user)
    assert client.get(reverse("imports:export", args=["households", "csv"])).status_code == 404


def test_exports_have_thai_headers(client, admin_user, paired_household):
    client.force_login(admin_user)
    households = _rows_csv(client.get(reverse("imports:export", args=["households", "csv"])))
    assert households[0][0] == "รหัสครัวเรือน"
    assert {"เลขประจำตัวประชาชน", "วันที่เข้าโครงการ", "ระดับความยากจน"} <= set(households[0])
    visits = _rows_xlsx(client.get(reverse("imports:export", args=["visits", "xlsx"])))
    assert visits[0][:2] == ("รหัสครัวเรือน", "วันที่เยี่ยม")
    aid = _rows_csv(client.get(reverse("imports:export", args=["aid", "csv"])))
    assert aid[0][:3] == ["รหัสครัวเรือน", "ด้าน", "รายการช่วยเหลือ"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_write_dates_in_the_buddhist_era(client, admin_user, fmt):
    household = f.HouseholdFactory(joined_on=dt.date(2021, 2, 15))
    f.MemberFactory(household=household)
    client.force_login(admin_user)
    response = client.get(reverse("imports:export", args=["households", fmt]))
    rows = _rows_csv(response) if fmt == "csv" else _rows_xlsx(response)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["วันที่เข้าโครงการ"] == "15/02/2564"


@pytest.mark.parametrize("what", ["households", "visits", "aid"])
def test_an_export_costs_the_same_queries_for_3_or_20_households(client, admin_user, what):
    client.force_login(admin_user)
    url = reverse("imports:export", args=[what, "xlsx"])

    def queries(n):
        for _ in range(n):
            household = f.MemberFactory().household
            f.VisitFactory(household=household)
            f.AidRecordFactory(household=household, agency=f.AgencyFactory())
        client.get(url)  # warm the session and content types out of the count
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(_rows_xlsx(response)) == Household.objects.count() + 1
        return len(ctx.captured_queries)

    assert queries(3) == queries(17)
