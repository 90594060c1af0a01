"""Long texts already in the database (entered before the forms bounded them, or by an
import) still show whole on the case page, and quickly: with a break opportunity (<wbr>) at
least every 500 characters of a run without spaces, and no textarea holding one. A browser
lays out one unbroken 100,000-character Thai run for seconds, the same text broken up in a
moment (measured in Chromium; see the filter `long_text` in kuseaw/templatetags/thai.py)."""

import re
import unicodedata

from django.template import Context, Template
from django.urls import reverse

from kuseaw.templatetags.thai import RUN_BREAK_EVERY, long_text
from tests import factories as f
from tests.html_checks import assert_page_ok

FINDINGS = ("ลูกสาวได้งานที่โรงงานในเมืองรายได้ดีขึ้น" * 2600)[:100_000]
OUTCOME = ("เลี้ยงไก่ไข่ได้ไข่วันละสิบฟอง" * 4000)[:100_000]
ASSETS = "นาข้าว 5 ไร่\n" + "ควาย" * 30_000


def longest_unbroken_run(html: str) -> int:
    text = re.sub(r"<(?!wbr>)[^>]+>", " ", html)
    return max(len(run) for part in text.split("<wbr>") for run in part.split())


def test_the_case_page_shows_long_stored_texts_whole_and_broken_up(client, official_a):
    household = f.PairingFactory(official=official_a).household
    household.livelihood_assets = ASSETS
    household.save()
    f.MemberFactory(household=household, first_name="บุญมี")
    f.VisitFactory(household=household, official=official_a, findings=FINDINGS)
    aid = f.AidRecordFactory(household=household, outcome="ยังไม่มีผล")
    aid.outcome = OUTCOME  # an update: the history shows the old and the new outcome
    aid.save()
    client.force_login(official_a.user)

    response = client.get(reverse("households:detail", args=[household.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert_page_ok(html)
    whole = html.replace("<wbr>", "")
    assert FINDINGS in whole
    assert OUTCOME in whole
    assert "นาข้าว 5 ไร่<br>" + "ควาย" * 30_000 in whole
    assert html.count("<wbr>") >= (len(FINDINGS) + len(OUTCOME) + 120_000) // RUN_BREAK_EVERY
    assert longest_unbroken_run(html) <= RUN_BREAK_EVERY + 2
    # A textarea cannot be broken up: the outcome, too long for the form now, is changed on
    # the form's own page rather than in one inline on this page.
    assert "<textarea" not in html
    assert reverse("households:aid_update", args=[household.pk, aid.pk]) in html


def test_an_outcome_within_the_limit_keeps_its_inline_form(client, official_a, settings):
    settings.KUSEAW_TEXT_MAX_LENGTH = 2000
    household = f.PairingFactory(official=official_a).household
    f.AidRecordFactory(household=household, outcome="ก" * 2000)
    client.force_login(official_a.user)

    html = client.get(reverse("households:detail", args=[household.pk])).content.decode()

    assert re.search(r"<textarea [^>]*>\n?" + "ก" * 2000 + "</textarea>", html)


def test_long_text_is_escaped_and_keeps_its_lines():
    html = Template("{{ text|long_text }}").render(
        Context({"text": "<b>ผลผลิต</b> & รายได้\r\nบรรทัดที่สอง\nสาม"})
    )

    assert html == "&lt;b&gt;ผลผลิต&lt;/b&gt; &amp; รายได้<br>บรรทัดที่สอง<br>สาม"


def test_a_short_text_gets_no_break():
    text = "ก" * RUN_BREAK_EVERY

    assert long_text(text) == text
    assert long_text(None) == ""


def test_a_break_never_splits_an_escaped_character_or_a_letter_from_its_mark():
    # "ก" then "กิ" repeated: at every 500th character sits a vowel mark.
    marks = "ก" + "กิ" * 700
    ampersands = "&" * 1200

    broken_marks = long_text(marks)
    broken_ampersands = long_text(ampersands)

    assert broken_marks.replace("<wbr>", "") == marks
    assert broken_marks.count("<wbr>") == 2
    assert all(
        not unicodedata.category(piece[0]).startswith("M") for piece in broken_marks.split("<wbr>")
    )
    assert broken_ampersands.replace("<wbr>", "") == "&amp;" * 1200
    assert all(re.fullmatch(r"(&amp;)+", piece) for piece in broken_ampersands.split("<wbr>"))
