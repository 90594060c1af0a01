"""Bad input on the case file's forms (visit, aid, profile, member): every message Thai, dates
only in plausible years, free text of bounded length, and no visit or aid without the form's
one-time token. Django's own messages are Thai through kuseaw/locale (checked at the end)."""

import ast
import datetime as dt
import gettext
import re
import uuid
from pathlib import Path

import django
import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import AidCategory, AidRecord, AidStatus, Member, Visit
from kuseaw.forms import TOKEN_MISSING
from kuseaw.thaidate import format_be
from tests import factories as f
from tests.html_checks import assert_page_ok
from tests.html_checks import field_error as error_of
from tests.post_data import out_of_range, visit_data

LIMIT = 2000


@pytest.fixture(autouse=True)
def plausible_ranges(settings):
    """The defaults, whatever the environment says."""
    settings.KUSEAW_DATE_MIN_YEAR = 1900
    settings.KUSEAW_DATE_YEARS_AHEAD = 5
    settings.KUSEAW_TEXT_MAX_LENGTH = LIMIT


@pytest.fixture
def household(official_a):
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household, first_name="บุญมี")
    return household


@pytest.fixture
def logged_in(client, official_a):
    client.force_login(official_a.user)
    return client


def be(day: dt.date) -> str:
    return format_be(day, "numeric")


def aid_data(**overrides):
    data = {
        "category": AidCategory.CAREER,
        "title": "พันธุ์ไก่ไข่ 20 ตัวพร้อมอาหาร",
        "agency": "",
        "partner": "บริษัท มิตรผล จำกัด",
        "given_on": be(timezone.localdate() - dt.timedelta(days=2)),
        "value": "3500",
        "status": AidStatus.PLANNED,
        "token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


def visit_url(household):
    return reverse("households:visit_new", args=[household.pk])


def aid_url(household):
    return reverse("households:aid_new", args=[household.pk])


def refused(response) -> str:
    """The re-shown form of a refused post, checked like every page."""
    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    assert "บันทึกไม่สำเร็จ" in html
    return html


def all_errors(html: str) -> list[str]:
    shown = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</div>', html, re.S)
    shown += re.findall(r'class="alert alert-block alert-danger"[^>]*>(.*?)</div>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in shown]


def assert_no_english(html: str) -> None:
    errors = all_errors(html)
    assert errors, "the page shows no error at all"
    # Latin letters only in the name of the NUL character.
    english = [text for text in errors if re.search(r"[A-Za-z]{3,}", text.replace("NUL", ""))]
    assert english == []


def text_in_textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


# -- Django's own messages, in Thai -----------------------------------------------------------


@pytest.mark.parametrize(
    "income, message",
    [
        ("4500.555", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
        ("12345678901", "ตัวเลขหน้าจุดทศนิยมมีได้ไม่เกิน 10 หลัก"),
        ("1234567890123", "ตัวเลขมีได้ไม่เกิน 12 หลัก"),
        ("สี่พัน", "กรุณากรอกตัวเลข"),
    ],
)
def test_a_visits_income_with_too_many_digits_is_explained_in_thai(
    logged_in, household, income, message
):
    html = refused(logged_in.post(visit_url(household), visit_data(income_reported=income)))

    assert error_of(html, "income_reported") == message
    assert_no_english(html)
    assert not Visit.objects.exists()


def test_a_nul_character_in_a_visits_findings_is_explained_in_thai(logged_in, household):
    data = visit_data(findings="ลูกสาวได้งาน\x00ที่โรงงาน", needs_observed="\x00")

    html = refused(logged_in.post(visit_url(household), data))

    nul = "ข้อความมีอักขระที่บันทึกไม่ได้ (อักขระ NUL) กรุณาลบออกแล้วบันทึกอีกครั้ง"
    assert error_of(html, "findings") == nul
    assert error_of(html, "needs_observed") == nul
    assert_no_english(html)
    assert not Visit.objects.exists()


def test_bad_aid_fields_are_explained_in_thai(logged_in, household):
    data = aid_data(title="ก" * 201, partner="ภาคี\x00", value="3500.125")

    html = refused(logged_in.post(aid_url(household), data))

    assert error_of(html, "title") == "ข้อความยาวได้ไม่เกิน 200 ตัวอักษร (ที่กรอกมี 201 ตัวอักษร)"
    assert error_of(html, "partner").startswith("ข้อความมีอักขระที่บันทึกไม่ได้")
    assert error_of(html, "value") == "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
    assert_no_english(html)
    assert not AidRecord.objects.exists()


def test_bad_profile_figures_are_explained_in_thai(logged_in, household):
    url = reverse("households:edit", args=[household.pk])
    form = logged_in.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(village_no="3.5", land_rai="1234567.5", debts="0.001", phone="08\x001")

    html = refused(logged_in.post(url, {k: v for k, v in data.items() if v is not False}))

    assert error_of(html, "village_no") == "กรุณากรอกจำนวนเต็ม"
    assert error_of(html, "land_rai") == "ตัวเลขหน้าจุดทศนิยมมีได้ไม่เกิน 6 หลัก"
    assert error_of(html, "debts") == "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
    assert error_of(html, "phone").startswith("ข้อความมีอักขระที่บันทึกไม่ได้")
    assert_no_english(html)


# -- dates in plausible years ----------------------------------------------------------------


def test_a_visit_dated_in_2400_or_followed_up_in_9999_is_refused(logged_in, household):
    data = visit_data(visited_on="1/1/2400", next_follow_up="1/1/9999")

    html = refused(logged_in.post(visit_url(household), data))

    assert error_of(html, "visited_on") == out_of_range(2400)
    assert error_of(html, "next_follow_up") == out_of_range(9999)
    assert 'name="visited_on" value="1/1/2400"' in html  # what was typed, to correct it
    assert not Visit.objects.exists()


@pytest.mark.parametrize("typed, be_year", [("1/1/2400", 2400), ("1/1/9999", 9999)])
def test_aid_given_in_an_implausible_year_is_refused(logged_in, household, typed, be_year):
    html = refused(logged_in.post(aid_url(household), aid_data(given_on=typed)))

    assert error_of(html, "given_on") == out_of_range(be_year)
    assert not AidRecord.objects.exists()


def test_the_first_and_last_plausible_days_are_accepted(logged_in, household):
    last_day = dt.date(timezone.localdate().year + 5, 12, 31)

    response = logged_in.post(visit_url(household), visit_data(next_follow_up=be(last_day)))
    member = logged_in.post(
        reverse("households:member_new", args=[household.pk]),
        {
            "title": "นาง",
            "first_name": "ทองดี",
            "last_name": "ใจดี",
            "sex": "f",
            "relation": "parent",
            "birth_date": "1/1/2443",
            "income": "0",
        },
    )

    assert response.status_code == 302
    assert Visit.objects.get().next_follow_up == last_day
    assert member.status_code == 302
    assert Member.objects.get(first_name="ทองดี").birth_date == dt.date(1900, 1, 1)


def test_the_plausible_years_come_from_the_settings(logged_in, household, settings):
    settings.KUSEAW_DATE_MIN_YEAR = 2000
    settings.KUSEAW_DATE_YEARS_AHEAD = 0
    next_year = timezone.localdate().year + 1

    html = refused(
        logged_in.post(
            visit_url(household),
            visit_data(visited_on="15/6/2540", next_follow_up=f"1/1/{next_year + 543}"),
        )
    )

    range_text = f"(ตั้งแต่ พ.ศ. 2543 ถึง พ.ศ. {next_year - 1 + 543})"
    assert error_of(html, "visited_on") == f"ปี พ.ศ. 2540 อยู่นอกช่วงที่รับได้ {range_text}"
    assert range_text in error_of(html, "next_follow_up")


# -- free text of bounded length -------------------------------------------------------------


def test_a_100000_character_note_is_refused_and_kept_on_the_form(logged_in, household):
    note = ("ลูกสาวได้งานที่โรงงาน" * 5000)[:100_000]  # no space in it

    html = refused(logged_in.post(visit_url(household), visit_data(findings=note)))

    assert len(note) == 100_000
    assert error_of(html, "findings") == (f"ข้อความยาวได้ไม่เกิน {LIMIT} ตัวอักษร (ที่กรอกมี 100000 ตัวอักษร)")
    assert text_in_textarea(html, "findings") == note
    assert not Visit.objects.exists()


def test_a_note_at_the_limit_is_saved(logged_in, household):
    findings, needs = "ก" * LIMIT, "ข" * (LIMIT + 1)

    too_long = refused(
        logged_in.post(visit_url(household), visit_data(findings=findings, needs_observed=needs))
    )
    saved = logged_in.post(visit_url(household), visit_data(findings=findings))

    assert error_of(too_long, "needs_observed").startswith(f"ข้อความยาวได้ไม่เกิน {LIMIT}")
    assert "findings_error" not in too_long
    assert saved.status_code == 302
    assert Visit.objects.get().findings == findings


def test_the_limit_comes_from_the_settings(logged_in, household, settings):
    settings.KUSEAW_TEXT_MAX_LENGTH = 10

    html = refused(logged_in.post(visit_url(household), visit_data(findings="ก" * 11)))

    assert error_of(html, "findings") == "ข้อความยาวได้ไม่เกิน 10 ตัวอักษร (ที่กรอกมี 11 ตัวอักษร)"


def test_an_aids_outcome_and_a_households_assets_are_bounded_too(logged_in, household):
    aid = f.AidRecordFactory(household=household, outcome="เลี้ยงไก่ได้ไข่ทุกวัน")
    update = reverse("households:aid_update", args=[household.pk, aid.pk])
    edit = reverse("households:edit", args=[household.pk])
    form = logged_in.get(edit).context["form"]
    profile = {n: form[n].value() for n in form.fields}
    profile = {n: v for n, v in profile.items() if v is not None and v is not False}

    outcome = logged_in.post(
        update, {f"aid{aid.pk}-status": AidStatus.DONE, f"aid{aid.pk}-outcome": "ก" * 100_000}
    )
    assets = logged_in.post(edit, {**profile, "livelihood_assets": "ข" * 100_000})

    too_long = f"ข้อความยาวได้ไม่เกิน {LIMIT} ตัวอักษร (ที่กรอกมี 100000 ตัวอักษร)"
    assert error_of(outcome.content.decode(), f"aid{aid.pk}-outcome") == too_long
    assert error_of(assets.content.decode(), "livelihood_assets") == too_long
    aid.refresh_from_db()
    household.refresh_from_db()
    assert aid.outcome == "เลี้ยงไก่ได้ไข่ทุกวัน"
    assert aid.status == AidStatus.PLANNED
    assert household.livelihood_assets == ""


# -- the one-time token is required ----------------------------------------------------------


def fresh_token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="token" value="([0-9a-f-]{36})"', html)
    assert match, "no token on the form"
    return match.group(1)


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_a_visit_without_its_token_is_refused_and_saves_on_the_second_press(
    logged_in, household, token
):
    data = visit_data()
    if token is None:
        del data["token"]
    else:
        data["token"] = token

    first = refused(logged_in.post(visit_url(household), data))
    again = logged_in.post(visit_url(household), {**data, "token": fresh_token(first)})

    assert TOKEN_MISSING in first
    assert first.count(TOKEN_MISSING) == 1
    assert text_in_textarea(first, "findings") == data["findings"]
    assert 'name="income_reported" value="4500"' in first
    assert again.status_code == 302
    assert Visit.objects.filter(household=household).count() == 1


def test_aid_without_its_token_is_refused_and_nothing_saved(logged_in, household):
    data = aid_data()
    del data["token"]

    html = refused(logged_in.post(aid_url(household), data))

    assert TOKEN_MISSING in html
    assert 'value="พันธุ์ไก่ไข่ 20 ตัวพร้อมอาหาร"' in html
    assert fresh_token(html)
    assert not AidRecord.objects.exists()


# -- the project's Thai catalog --------------------------------------------------------------

LOCALE = Path(__file__).resolve().parents[2] / "kuseaw" / "locale" / "th" / "LC_MESSAGES"
DJANGO_ENGLISH = Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES"


def po_entries(path: Path) -> dict:
    """{msgid or (msgid, msgid_plural): msgstr} of a .po file (no contexts, as ours has none)."""
    entries, entry, key = {}, {}, None

    def done():
        if entry.get("msgid"):
            plural = entry.get("msgid_plural")
            msgid = (entry["msgid"], plural) if plural else entry["msgid"]
            entries[msgid] = entry.get("msgstr[0]", entry.get("msgstr", ""))

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            done()
            entry, key = {}, None
        elif match := re.match(r'^(msgid_plural|msgid|msgstr(?:\[0\])?|msgctxt) (".*")$', line):
            key = match[1]
            entry[key] = ast.literal_eval(match[2])
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    return entries


def test_the_compiled_catalog_matches_its_source():
    source = po_entries(LOCALE / "django.po")
    with open(LOCALE / "django.mo", "rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)

    assert len(source) > 40
    for msgid, msgstr in source.items():
        if isinstance(msgid, tuple):
            assert compiled.ngettext(*msgid, 2) == msgstr, msgid
        else:
            assert compiled.gettext(msgid) == msgstr, msgid
    assert len(compiled._catalog) - 1 == len(source)  # and nothing else (but the header)


def test_every_message_of_the_catalog_is_one_django_has():
    """A msgid that Django does not use (a typo, a wording of another version) would never
    apply: each one must be in Django's own English catalog."""
    ours = set(po_entries(LOCALE / "django.po"))
    djangos = set(po_entries(DJANGO_ENGLISH / "django.po"))

    assert ours - djangos == set()
