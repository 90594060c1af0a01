"""The Django admin: every page opens for an admin, and lists cost the same queries for any size.

`admin_client` is pytest-django's, logged in as the `admin_user` persona from conftest.py.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from agencies.models import District, Subdistrict
from households.models import AccessLog, Consent, Relation
from kuseaw.thaidate import format_be
from tests import factories as f

OUR_APPS = {"agencies", "officials", "households", "auth"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)
# Reference data from the DOPA fixtures; the access log and consent records (written by the app).
READ_ONLY = {District, Subdistrict, AccessLog, Consent}


def admin_url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def test_login_pages_open_for_anyone(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/login/").status_code == 200


def test_admin_opens_the_admin_index(admin_client):
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_every_app_model_is_in_the_admin():
    labels = {model._meta.label for model in REGISTERED}
    assert {
        "agencies.Agency",
        "agencies.District",
        "agencies.Subdistrict",
        "officials.Official",
        "officials.StaffProfile",
        "officials.Pairing",
        "households.Household",
        "households.Member",
        "households.Visit",
        "households.AidRecord",
        "auth.User",
        "auth.Group",
    } <= labels


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_opens_every_list(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize(
    "model", [m for m in REGISTERED if m not in READ_ONLY], ids=lambda model: model._meta.label
)
def test_admin_opens_every_add_form(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", sorted(READ_ONLY, key=str), ids=lambda model: model.__name__)
def test_admin_cannot_add_reference_places(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:households_household_changelist",
        "admin:households_member_changelist",
        "admin:officials_official_changelist",
    ],
)
def test_admin_lists_offer_no_import_or_export(admin_client, url_name):
    """Households, members and officials are imported and exported on the import pages
    (/imports/) only: the admin has no import or export button, and no such page."""
    f.PairingFactory(household=f.MemberFactory().household)
    page = admin_client.get(reverse(url_name))
    assert page.status_code == 200
    html = page.content.decode()
    base = reverse(url_name)
    for view in ("import", "export"):
        assert f"{base}{view}/" not in html and f"{view}_link" not in html
        with pytest.raises(NoReverseMatch):
            reverse(url_name.replace("_changelist", f"_{view}"))


def test_the_import_pages_still_answer_an_admin(admin_client):
    assert admin_client.get(reverse("imports:index")).status_code == 200
    template = admin_client.get(reverse("imports:template", args=["households"]))
    assert template.status_code == 200
    for what in ("households", "visits", "aid"):
        export = admin_client.get(reverse("imports:export", args=[what, "csv"]))
        assert export.status_code == 200
        assert export["Content-Disposition"].startswith("attachment")


def test_admin_can_edit_an_agency(admin_client):
    agency = f.AgencyFactory(code="CDD")
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    assert admin_client.get(url).status_code == 200


# A full row for each list: the household with its head, buddy, visit and aid, so any
# per-row query (head name, official's user, agency, district) would show up.
def make_household_row():
    household = f.HouseholdFactory()
    f.MemberFactory(household=household)
    f.MemberFactory(household=household, relation=Relation.SPOUSE, is_head=False)
    official = f.OfficialFactory()
    f.PairingFactory(household=household, official=official)
    f.VisitFactory(household=household, official=official)
    f.AidRecordFactory(household=household, agency=official.agency)


def make_visit_row():
    f.VisitFactory()


def make_official_row():
    f.PairingFactory()


def make_aid_row():
    f.AidRecordFactory(agency=f.AgencyFactory())


def make_member_row():
    f.MemberFactory()


def make_ended_pairing_row():
    f.PairingFactory(ended_on=dt.date(2024, 6, 1), end_reason="reassigned")


LISTS = [
    ("admin:households_household_changelist", make_household_row),
    ("admin:households_visit_changelist", make_visit_row),
    ("admin:households_member_changelist", make_member_row),
    ("admin:households_aidrecord_changelist", make_aid_row),
    ("admin:officials_pairing_changelist", make_ended_pairing_row),
    ("admin:officials_official_changelist", make_official_row),
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.context["cl"].result_count


@pytest.mark.parametrize("url_name, make_row", LISTS, ids=[name for name, _ in LISTS])
def test_admin_list_costs_the_same_queries_for_3_or_25_rows(admin_client, url_name, make_row):
    url = reverse(url_name)
    for _ in range(3):
        make_row()
    admin_client.get(url)  # warm the caches (content types, session) out of the count
    few, shown = queries_for(admin_client, url)
    assert shown == 3

    for _ in range(22):
        make_row()
    many, shown = queries_for(admin_client, url)
    assert shown == 25

    assert many == few


def test_admin_finds_a_household_by_a_members_name(admin_client):
    found = f.HouseholdFactory()
    f.MemberFactory(household=found, first_name="บุญมี", last_name="ศรีสุข")
    f.MemberFactory(
        household=found, first_name="บุญมา", last_name="ศรีสุข", relation="child", is_head=False
    )
    f.MemberFactory(first_name="สมศรี", last_name="มั่งมี")

    response = admin_client.get(reverse("admin:households_household_changelist"), {"q": "ศรีสุข"})

    assert list(response.context["cl"].result_list) == [found]


def test_households_list_shows_head_name_and_buddy(admin_client):
    paired = f.HouseholdFactory()
    f.MemberFactory(household=paired, title="นาง", first_name="คำปุน", last_name="แสนดี")
    f.PairingFactory(household=paired)
    f.HouseholdFactory()

    response = admin_client.get(reverse("admin:households_household_changelist"))

    rows = {household.code: household for household in response.context["cl"].result_list}
    assert rows[paired.code].head_name == "นางคำปุน แสนดี"
    assert rows[paired.code].is_paired is True
    assert sum(household.is_paired for household in rows.values()) == 1


def test_admin_cannot_delete_a_pairing(admin_client):
    pairing = f.PairingFactory()

    response = admin_client.post(
        reverse("admin:officials_pairing_delete", args=[pairing.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert type(pairing).objects.filter(pk=pairing.pk).exists()


def test_admin_pairs_through_the_cap_per_official(admin_client, settings):
    settings.KUSEAW_HOUSEHOLDS_PER_OFFICIAL = 1
    official = f.OfficialFactory()
    f.PairingFactory(official=official)
    household = f.HouseholdFactory()

    response = admin_client.post(
        reverse("admin:officials_pairing_add"),
        {"official": official.pk, "household": household.pk, "started_on": "2024-03-01"},
    )

    assert response.status_code == 200
    assert "ดูแลครบ 1 ครัวเรือนแล้ว" in response.content.decode()
    assert not household.pairings.exists()


def test_admin_pairs_an_official_and_records_who_did_it(admin_client, admin_user):
    official = f.OfficialFactory()
    household = f.HouseholdFactory()

    response = admin_client.post(
        reverse("admin:officials_pairing_add"),
        {"official": official.pk, "household": household.pk, "started_on": "2024-03-01"},
    )

    assert response.status_code == 302
    pairing = household.pairings.get()
    assert pairing.official == official
    assert pairing.created_by == admin_user


def test_admin_ends_a_pairing_with_a_reason(admin_client):
    pairing = f.PairingFactory()
    url = reverse("admin:officials_pairing_change", args=[pairing.pk])

    missing_reason = admin_client.post(url, {"ended_on": "2024-05-01", "end_reason": ""})
    assert missing_reason.status_code == 200
    pairing.refresh_from_db()
    assert pairing.is_open

    response = admin_client.post(
        url, {"ended_on": "2024-05-01", "end_reason": "reassigned", "end_note": "ย้ายไปอำเภออื่น"}
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.end_reason == "reassigned"
    assert pairing.end_note == "ย้ายไปอำเภออื่น"


def test_admin_opens_a_household_with_its_members_and_buddies(admin_client):
    household = f.HouseholdFactory()
    f.MemberFactory(household=household, first_name="คำปุน")
    pairing = f.PairingFactory(household=household)

    response = admin_client.get(reverse("admin:households_household_change", args=[household.pk]))

    assert response.status_code == 200
    assert "คำปุน" in response.content.decode()
    assert str(pairing.official) in response.content.decode()


def test_admin_opens_a_users_page_with_their_official_record(admin_client, official_a):
    response = admin_client.get(reverse("admin:auth_user_change", args=[official_a.user.pk]))

    assert response.status_code == 200
    assert official_a.position in response.content.decode()


def test_admin_views_a_district_without_editing_it(admin_client):
    response = admin_client.get(reverse("admin:agencies_district_change", args=["4001"]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_admin_forms_show_and_accept_dates_in_the_buddhist_era(admin_client):
    household = f.HouseholdFactory(joined_on=dt.date(2024, 1, 15))
    url = reverse("admin:households_household_change", args=[household.pk])
    page = admin_client.get(url).content.decode()
    assert 'value="15/01/2567"' in page
    # (Django's hidden "initial-" copy of a field with a callable default keeps ISO.)
    assert 'value="2024-01-15" id="id_joined_on"' not in page


def test_subdistrict_picker_tells_same_named_subdistricts_apart(admin_client):
    url = reverse("admin:autocomplete")
    params = {
        "term": "ในเมือง",
        "app_label": "households",
        "model_name": "household",
        "field_name": "subdistrict",
    }
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, params)
    labels = [result["text"] for result in response.json()["results"]]
    assert "ในเมือง (อ.เมืองขอนแก่น)" in labels
    assert len(labels) > 1 and len(set(labels)) == len(labels)
    assert len(queries) < 10  # no query per result


def test_every_admin_text_field_is_bounded_like_the_apps_forms(rf, admin_user, settings):
    """A model TextField typed in the admin takes at most KUSEAW_TEXT_MAX_LENGTH
    characters (the database does not bound it), in every admin and inline form."""
    from django.db import models

    request = rf.get("/admin/")
    request.user = admin_user
    checked = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"agencies", "officials", "households", "households_cases"}:
            continue
        forms = [model_admin.get_form(request)]
        forms += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form in forms:
            for name, field in form.base_fields.items():
                db_field = next((f for f in form._meta.model._meta.fields if f.name == name), None)
                if isinstance(db_field, models.TextField):
                    assert field.max_length == settings.KUSEAW_TEXT_MAX_LENGTH, (model, name)
                    checked.add(f"{form._meta.model.__name__}.{name}")
    assert {"Visit.findings", "Visit.needs_observed", "AidRecord.outcome"} <= checked, checked


def test_an_over_long_visit_finding_is_refused_in_the_admin(admin_client, settings):
    visit = f.VisitFactory()
    url = reverse("admin:households_visit_change", args=[visit.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        household=visit.household_id,
        official=visit.official_id,
        visited_on=format_be(visit.visited_on, "numeric"),
        next_follow_up="",
        findings="ก" * (settings.KUSEAW_TEXT_MAX_LENGTH + 1),
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "ข้อความยาวได้ไม่เกิน" in response.content.decode()
    visit.refresh_from_db()
    assert len(visit.findings) <= settings.KUSEAW_TEXT_MAX_LENGTH
