"""The partners' dashboard against a hand-made programme: referrals by the organisation
they went to (with the median days to accept), what each sector gave, and the buddies
each district still lacks with the volunteer places partners offer there."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Need, Sector
from households.dashboards import partners
from households.dashboards.filters import DashboardFilterForm
from households.dashboards.scope import scope_for
from households.models import AidStatus
from households.referrals.models import Offer, OfferKind, Referral, ReferralStatus
from tests import factories as f
from tests.cases.factories import ProblemFactory
from tests.html_checks import assert_page_ok

pytestmark = pytest.mark.django_db


def filters_for(user, **params):
    filters = DashboardFilterForm(params or None, scope=scope_for(user)).filters()
    assert filters is not None
    return filters


@pytest.fixture
def programme(settings, admin_user):
    """Mueang: H1 paired to official A (CDD, room for one more), H2 and H3 waiting; Ban
    Phai: H4 waiting, no official. The chamber (private) got four referrals, CDD one."""
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 2
    today = timezone.localdate()
    cdd = f.AgencyFactory(code="CDD")
    chamber = f.AgencyFactory(code="CHAMBER", name_th="หอการค้า", sector=Sector.PRIVATE)
    university = f.AgencyFactory(code="UNI", name_th="มหาวิทยาลัย", sector=Sector.ACADEMIA)
    official = f.OfficialFactory(agency=cdd, district=f.district("4001"))
    h1 = f.HouseholdFactory(subdistrict=f.subdistrict("400101"))
    f.PairingFactory(official=official, household=h1)
    for code in ("400101", "400102"):
        f.HouseholdFactory(subdistrict=f.subdistrict(code))
    f.HouseholdFactory(subdistrict=f.subdistrict("401001"))

    def refer(agency, status, *, sent, answered=None, done=None, due=None):
        return Referral.objects.create(
            household=h1,
            problem=ProblemFactory(household=h1, dimension=Need.INCOME),
            agency=agency,
            status=status,
            sent_on=today - dt.timedelta(days=sent),
            answered_on=None if answered is None else today - dt.timedelta(days=answered),
            answered_by=None if answered is None else admin_user,
            decline_reason="ไม่ตรงคุณสมบัติ" if status == ReferralStatus.DECLINED else "",
            done_on=None if done is None else today - dt.timedelta(days=done),
            outcome="ได้งานแล้ว" if status == ReferralStatus.DONE else "",
            due_on=today + dt.timedelta(days=due if due is not None else 10),
            sent_by=admin_user,
        )

    refer(chamber, ReferralStatus.SENT, sent=10, due=-1)  # overdue
    refer(chamber, ReferralStatus.ACCEPTED, sent=10, answered=6)  # 4 days to accept
    refer(chamber, ReferralStatus.DONE, sent=20, answered=18, done=5)  # 2 days
    refer(chamber, ReferralStatus.DECLINED, sent=3, answered=2)
    refer(cdd, ReferralStatus.SENT, sent=1)
    for agency, value in ((cdd, 1000), (cdd, 500), (chamber, 2000)):
        f.AidRecordFactory(household=h1, agency=agency, given_on=today, value=Decimal(value))
    f.AidRecordFactory(household=h1, agency=None, partner="ร้านค้าชุมชน", given_on=today, value=300)
    f.AidRecordFactory(
        household=h1, agency=cdd, given_on=today, value=9999, status=AidStatus.CANCELLED
    )
    in_mueang = Offer.objects.create(
        agency=university, kind=OfferKind.VOLUNTEER, title="อาสาคู่เสี่ยว มข.", capacity=5
    )
    in_mueang.districts.set([f.district("4001")])
    Referral.objects.create(
        household=h1,
        problem=ProblemFactory(household=h1),
        agency=university,
        offer=in_mueang,
        status=ReferralStatus.ACCEPTED,
        sent_on=today - dt.timedelta(days=400),  # before the period: a place taken all the same
        answered_on=today - dt.timedelta(days=399),
        answered_by=admin_user,
        due_on=today + dt.timedelta(days=30),
        sent_by=admin_user,
    )
    Offer.objects.create(
        agency=university, kind=OfferKind.VOLUNTEER, title="อาสาคู่เสี่ยวทั้งจังหวัด", capacity=2
    )
    Offer.objects.create(agency=chamber, kind=OfferKind.JOB, title="งาน (ไม่ใช่อาสา)", capacity=9)
    return {"cdd": cdd, "chamber": chamber}


def test_referrals_by_organisation_with_the_median_days_to_accept(programme, province_viewer):
    rows = partners.referral_rows(filters_for(province_viewer))

    chamber, cdd = rows  # the most sent first; the university's referral is before the period
    assert chamber.agency == programme["chamber"]
    assert (chamber.sent, chamber.waiting, chamber.in_progress, chamber.done, chamber.declined) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert chamber.overdue == 1
    assert chamber.median_days_to_accept == 3.0  # 4 and 2 days
    assert (cdd.sent, cdd.waiting, cdd.overdue, cdd.median_days_to_accept) == (1, 1, 0, None)


def test_contributions_by_sector_in_count_and_baht(programme, province_viewer):
    rows = {
        row.label: row for row in partners.contributions_by_sector(filters_for(province_viewer))
    }

    government = rows[Sector.GOVERNMENT.label]
    assert (government.aid_records, government.aid_baht) == (2, Decimal("1500"))  # not cancelled
    private = rows[Sector.PRIVATE.label]
    assert (private.aid_records, private.aid_baht, private.referrals_done) == (1, 2000, 1)
    assert rows[partners.NO_AGENCY].aid_baht == Decimal("300")
    assert rows[Sector.COMMUNITY.label].aid_records == 0
    assert len(rows) == 6  # the five sectors and the partners named in text


def test_buddies_missing_per_district_with_the_volunteer_places(programme, province_viewer):
    gaps = {g.district.code: g for g in partners.buddies_missing(filters_for(province_viewer))}

    mueang, ban_phai = gaps["4001"], gaps["4010"]
    assert (mueang.waiting, mueang.free_places, mueang.buddies_missing) == (2, 1, 1)
    assert mueang.volunteer_places == 4 + 2  # 5 less the one accepted, and 2 province-wide
    assert (ban_phai.waiting, ban_phai.free_places, ban_phai.buddies_missing) == (1, 0, 1)
    assert ban_phai.volunteer_places == 2
    assert list(gaps)[:2] == ["4001", "4010"]  # the most missing first
    assert len(gaps) == 26  # every district for the whole province


def test_the_page_shows_the_three_tables_and_the_district_filter_narrows_them(
    client, programme, province_viewer
):
    client.force_login(province_viewer)
    page = client.get("/dashboard/partners/")
    html = page.content.decode()
    assert page.status_code == 200
    assert_page_ok(html)
    assert 'id="referrals-CHAMBER"' in html and 'id="gap-4001"' in html
    narrowed = client.get("/dashboard/partners/?district=4010").content.decode()
    assert 'id="gap-4010"' in narrowed and 'id="gap-4001"' not in narrowed
    assert 'id="referrals-CHAMBER"' not in narrowed  # H1 is in Mueang


def test_each_table_downloads_as_xlsx_with_the_same_figures(client, programme, province_viewer):
    import io

    from openpyxl import load_workbook

    client.force_login(province_viewer)
    response = client.get("/dashboard/export/partner-referrals.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "หน่วยงาน/ภาคี"))
    assert rows[header + 1][:9] == ["หอการค้า", "ภาคเอกชน", 4, 1, 1, 1, 1, 1, 3]
    gaps = load_workbook(io.BytesIO(client.get("/dashboard/export/buddies-missing.xlsx").content))
    values = [[c.value for c in r] for r in gaps.active.iter_rows()]
    assert ["เมืองขอนแก่น", 2, 1, 1, 6] in values
