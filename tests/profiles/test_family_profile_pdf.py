"""The family profile of one household (issue 13, point 6): what the buddy prints to go
through with the family, and what an admin or district staff prints for the file."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from households.profiles.document import ProfileDocument
from kuseaw.national_id import format_national_id, mask_national_id
from kuseaw.thaidate import format_be
from tests.profiles.conftest import HEAD_ID, HEAD_NAME, pdf_text, searchable

pytestmark = pytest.mark.django_db


def download(client, user, household):
    client.force_login(user)
    response = client.get(reverse("profiles:household", args=[household.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response


def test_the_buddy_gets_an_a4_pdf_named_after_the_household(client, official_a, own):
    response = download(client, official_a.user, own)
    assert response["Content-Disposition"] == 'attachment; filename="kuseaw-profile-KK-OWN-1.pdf"'
    assert "no-store" in response["Cache-Control"]
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    width, height = (round(float(v) / 72 * 25.4) for v in page.mediabox[2:])
    assert (width, height) == (210, 297)


def test_the_profile_names_the_head_in_thai_and_masks_ids_for_the_buddy(client, official_a, own):
    text = pdf_text(download(client, official_a.user, own).content)
    assert searchable(HEAD_NAME) in text
    assert searchable(own.child.full_name) in text
    assert mask_national_id(HEAD_ID) in text
    assert HEAD_ID not in text.replace("-", "")
    assert searchable("เลขประจำตัวประชาชนแสดงเฉพาะสามหลักท้าย") in text


@pytest.mark.parametrize("who", ["district_staff", "coordinator_a", "province_viewer"])
def test_staff_who_may_not_see_ids_get_them_masked(client, request, own, who):
    text = pdf_text(download(client, request.getfixturevalue(who), own).content)
    assert searchable(HEAD_NAME) in text
    assert mask_national_id(HEAD_ID) in text
    assert HEAD_ID not in text.replace("-", "")


def test_an_admin_sees_the_whole_id(client, admin_user, own):
    text = pdf_text(download(client, admin_user, own).content)
    assert searchable(HEAD_NAME) in text
    assert format_national_id(HEAD_ID) in text
    assert mask_national_id(HEAD_ID) not in text


def test_the_profile_holds_the_case_file(client, official_a, own):
    text = pdf_text(download(client, official_a.user, own).content)
    # The address and the household.
    assert searchable(own.address) in text
    # The five capitals of the latest complete round (not the older round's).
    for capital in ("ทุนมนุษย์", "ทุนธรรมชาติ", "ทุนกายภาพ", "ทุนการเงิน", "ทุนสังคม"):
        assert searchable(capital) in text
    assert searchable("ทอผ้าไหม จักสาน") in text and "2/5" in text
    assert searchable("ของรอบเก่า") not in text
    # The latest round: its date in BE, figures against the line, levels, unmet indicators.
    assert searchable("1 มิถุนายน 2568") in text
    assert searchable("24,000 บาท · เกณฑ์ จปฐ. 38,000 บาท: ต่ำกว่าเกณฑ์") in text
    assert searchable("ระดับที่ระบบเสนออยู่ยาก") in text
    assert searchable("อยู่ลำบาก (เหตุผล: หัวหน้าครัวเรือนป่วยเรื้อรัง)") in text
    assert searchable("ตัวชี้วัดที่ไม่ผ่าน (2 ข้อ)") in text
    assert searchable("หลังคารั่ว") in text
    # Problems and the plan, a per-member problem named with its member.
    assert searchable("ด้านความเป็นอยู่: ครัวเรือนมีความมั่นคงในที่อยู่อาศัย") in text
    assert searchable(f"อ่าน เขียนภาษาไทย และคิดเลขอย่างง่ายได้ — {HEAD_NAME}") in text
    assert searchable("ซ่อมหลังคาบ้านกับโครงการบ้านพอเพียง") in text
    assert searchable("ครัวเรือนแก้ได้เอง (1 ก.ย. 2568)") in text
    assert searchable("ยังไม่แก้ 1 · แก้ได้แล้ว 1 · แก้ไม่ได้ 0") in text
    # The timeline in short: counts, the latest three visits, the aid.
    assert searchable("การเยี่ยม 4 ครั้ง ล่าสุดเมื่อ 1 ตุลาคม 2568") in text
    assert searchable("เยี่ยม 2025-10-01") in text and searchable("เยี่ยม 2025-07-01") not in text
    assert searchable("การช่วยเหลือ 1 รายการ มูลค่ารวม 3,000 บาท") in text
    # Places to sign, and the day it was printed, in BE.
    assert searchable("คู่เสี่ยว") in text and searchable("หัวหน้าครัวเรือน") in text
    assert text.count(searchable("ลงชื่อ")) == 2
    assert searchable(f"พิมพ์เมื่อ {format_be(timezone.localdate(), 'long')}") in text


def test_a_household_with_no_round_yet_says_so(client, admin_user, waiting):
    text = pdf_text(download(client, admin_user, waiting).content)
    assert searchable("ยังไม่มีการสำรวจข้อมูลเชิงลึกที่เสร็จสมบูรณ์") in text
    assert searchable("ยังไม่มีปัญหาในแผนพัฒนาครัวเรือน") in text
    assert searchable("ยังไม่มีคู่เสี่ยว") in text


def test_the_pdf_is_set_in_the_vendored_sarabun(client, official_a, own):
    page = PdfReader(io.BytesIO(download(client, official_a.user, own).content)).pages[0]
    fonts = {str(ref.get_object()["/BaseFont"]) for ref in page["/Resources"]["/Font"].values()}
    assert {name.partition("+")[2] for name in fonts} == {"Sarabun", "SarabunBold"}


def _tone_mark_glyphs(shaping: bool) -> list[str]:
    document = ProfileDocument(printed_on=dt.date(2025, 1, 1), title="ทดสอบ")
    document.set_text_shaping(shaping)
    document.add_page()
    document.paragraph("ก่ กี่ ป่")
    page = PdfReader(io.BytesIO(bytes(document.output()))).pages[0]
    glyphs = []
    for ref in page["/Resources"]["/Font"].values():
        cmap = ref.get_object()["/ToUnicode"].get_data().decode()
        pairs = re.findall(r"<([0-9A-F]+)> <([0-9A-F]*)>", cmap)
        glyphs += [code for code, text in pairs if text == "0E48"]  # ่ MAI EK
    return glyphs


def test_tone_marks_are_placed_by_the_shaper():
    """HarfBuzz picks Sarabun's forms of ่ for each place (over a consonant, over an upper
    vowel, beside the tall ป); without shaping one glyph would stand everywhere."""
    assert len(_tone_mark_glyphs(shaping=True)) == 3
    assert len(_tone_mark_glyphs(shaping=False)) == 1
