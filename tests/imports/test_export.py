import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.imports.exports import neutralise
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_each_dangerous_prefix(prefix):
    value = f'{prefix}HYPERLINK("http://evil")'
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["สมชาย", "KK001", "1/2", "", 5, -3, None])
def test_neutralise_leaves_safe_values(value):
    assert neutralise(value) == value


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
