"""The family profile's pages, laid out with fpdf2 in Sarabun (static/fonts/, SIL OFL).

Thai is shaped by HarfBuzz (fpdf2's text shaping, the uharfbuzz wheel), so vowels and tone
marks sit on their consonants; lines are broken by households.profiles.wrap. One household
starts on a new page; its pages are numbered on their own in the footer, and the PDF's
outline lists the households of a batch.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from agencies.models import Need
from households.cases.labels import problem_label
from households.cases.models import CAPITAL_HINTS, CapitalKind, ProblemStatus, SolvedBy
from households.cases.rules import reaches_line
from households.models import PovertyLevel, income_threshold
from households.profiles.content import Profile
from households.profiles.wrap import wrap
from kuseaw.national_id import format_national_id, mask_national_id
from kuseaw.thaidate import format_be

# fontTools narrates every font subset at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FAMILY = "Sarabun"
MARGIN = 15
BODY = 10.5  # pt
SMALL = 9.5
LINE = 5.2  # mm, one line of BODY or SMALL text
PAD = 1.2  # mm inside a table cell
DASH = "–"
PROGRAMME = "โครงการคู่เสี่ยว เกี่ยวก้อย แก้จน คนขอนแก่น"
NOTICE = "เอกสารนี้มีข้อมูลส่วนบุคคล ใช้เพื่อการดูแลครัวเรือนในโครงการเท่านั้น"
PROBLEM_ORDER = {ProblemStatus.OPEN: 0, ProblemStatus.SOLVED: 1, ProblemStatus.NOT_POSSIBLE: 2}
GREY = 110
# HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA, and fpdf2 then maps the second glyph to
# no character, which text extraction and copying read as a stray code or a space. Written
# as those two characters (its compatibility decomposition, what NFKC gives) it looks the
# same and every glyph maps to its own character.
SARA_AM, NIKHAHIT_SARA_AA = "\u0e33", "\u0e4d\u0e32"


def baht(value) -> str:
    if value is None:
        return DASH
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def level(value) -> str:
    return PovertyLevel(value).label if value else DASH


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # mm
    align: str = "L"


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    bold: bool = False
    shade: bool = False
    spans: tuple[int, ...] | None = None  # how many columns each cell takes (default 1)


def _boxes(columns: list[Column], spans: tuple[int, ...]) -> list[Column]:
    """The cells of a row whose cells take `spans` columns each (the first one's alignment)."""
    boxes, start = [], 0
    for span in spans:
        taken = columns[start : start + span]
        boxes.append(Column("", sum(c.width for c in taken), taken[0].align))
        start += span
    return boxes


class ProfileDocument(FPDF):
    """An A4 document of one or more family profiles."""

    def __init__(self, *, printed_on: dt.date, title: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.printed_on = printed_on
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.add_font(FAMILY, "", FONT_DIR / "Sarabun-Regular.ttf")
        self.add_font(FAMILY, "B", FONT_DIR / "Sarabun-Bold.ttf")
        self.set_text_shaping(True)
        self.set_lang("th")
        self.set_title(title)
        self.set_creator("คู่เสี่ยว")
        self.set_draw_color(170)
        self.running = ""  # the footer's words for the household on the page
        self.first_page = 1  # where that household starts
        self._widths: dict[tuple, float] = {}

    # -- the frame ----------------------------------------------------------------------
    def normalize_text(self, text: str) -> str:
        return super().normalize_text(text.replace(SARA_AM, NIKHAHIT_SARA_AA))

    def footer(self):
        self.set_y(-MARGIN)
        self._font(8)
        self.set_text_color(GREY)
        self.cell(self.epw * 0.6, 4, NOTICE)
        number = self.page_no() - self.first_page + 1
        self.cell(0, 4, f"{self.running} · หน้า {number}", align="R")
        self.set_text_color(0)

    def _font(self, size: float, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)

    def measure(self, text: str) -> float:
        key = (self.font_style, self.font_size_pt, text)
        if key not in self._widths:
            self._widths[key] = self.get_string_width(text)
        return self._widths[key]

    def lines(self, text: str, width: float, max_lines: int | None = None) -> list[str]:
        return wrap(text, width, self.measure, max_lines=max_lines)

    def room_for(self, height: float) -> None:
        """A new page unless `height` mm still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # -- building blocks ---------------------------------------------------------------
    def section(self, title: str, note: str = "") -> None:
        self.room_for(7 + 3 * LINE)
        self.ln(2)
        self._font(12, bold=True)
        self.set_fill_color(232, 238, 244)
        self.cell(0, 7, f" {title}", fill=True, new_x="LMARGIN", new_y="NEXT")
        if note:
            self._font(SMALL)
            self.set_text_color(GREY)
            self.paragraph(note, size=SMALL)
            self.set_text_color(0)
        self.ln(1)

    def paragraph(self, text: str, *, size: float = BODY, bold: bool = False, indent=0.0):
        self._font(size, bold)
        for line in self.lines(text, self.epw - indent):
            self.room_for(LINE)
            self.set_x(self.l_margin + indent)
            self.cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")

    def fields(self, rows: list[list[tuple[str, str]]], label_width: float = 34) -> None:
        """Labels and values, one or two pairs a row, each value wrapped beside its label."""
        for pairs in rows:
            width = self.epw / len(pairs)
            self._font(BODY)
            shown = [self.lines(value, width - label_width - 2) for _, value in pairs]
            height = LINE * max(len(lines) for lines in shown)
            self.room_for(height)
            top = self.get_y()
            for i, ((label, _), lines) in enumerate(zip(pairs, shown, strict=True)):
                left = self.l_margin + i * width
                self.set_xy(left, top)
                self._font(BODY, bold=True)
                self.cell(label_width, LINE, label)
                self._font(BODY)
                for j, line in enumerate(lines):
                    self.set_xy(left + label_width, top + j * LINE)
                    self.cell(width - label_width, LINE, line)
            self.set_xy(self.l_margin, top + height)

    def table(self, columns: list[Column], rows: list[Row], *, max_lines: int = 8) -> None:
        """A table whose header is repeated on each page it runs onto."""
        self._header(columns)
        for row in rows:
            self._font(SMALL, row.bold)
            boxes = _boxes(columns, row.spans or (1,) * len(columns))
            cells = [
                self.lines(text, box.width - 2 * PAD, max_lines)
                for box, text in zip(boxes, row.cells, strict=True)
            ]
            height = max(len(c) for c in cells) * LINE + 2 * PAD
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()
                self._header(columns)
                self._font(SMALL, row.bold)
            self._row(boxes, cells, height, shade=row.shade)
        self.ln(1)

    def _header(self, columns: list[Column]) -> None:
        self._font(SMALL, bold=True)
        cells = [self.lines(c.title, c.width - 2 * PAD) for c in columns]
        height = max(len(c) for c in cells) * LINE + 2 * PAD
        self.room_for(height + LINE + 2 * PAD)
        self._row(columns, cells, height, shade=True)

    def _row(self, boxes: list[Column], cells, height, *, shade: bool) -> None:
        top, x = self.get_y(), self.l_margin
        self.set_fill_color(243, 243, 243)
        for box, lines in zip(boxes, cells, strict=True):
            self.rect(x, top, box.width, height, style="DF" if shade else "D")
            for i, line in enumerate(lines):
                self.set_xy(x + PAD, top + PAD + i * LINE)
                self.cell(box.width - 2 * PAD, LINE, line, align=box.align)
            x += box.width
        self.set_xy(self.l_margin, top + height)

    # -- one household ------------------------------------------------------------------
    def add_profile(self, profile: Profile) -> None:
        household = profile.household
        head = profile.head
        self.add_page()
        self.first_page = self.page_no()
        self.running = f"แฟ้มครอบครัว {household.code}"
        self.start_section(f"{household.code} {head.full_name if head else ''}".strip())
        self._title(profile)
        self._household(profile)
        self._members(profile)
        self._capitals(profile)
        self._round(profile)
        self._plan(profile)
        self._timeline(profile)
        self._signatures(profile)

    def _title(self, profile: Profile) -> None:
        household = profile.household
        top = self.get_y()
        self._font(18, bold=True)
        self.cell(self.epw * 0.6, 9, "แฟ้มครอบครัว")
        self._font(BODY, bold=True)
        self.cell(0, 9, f"รหัสครัวเรือน {household.code}", align="R", new_x="LMARGIN")
        self.set_y(top + 9)
        self._font(BODY)
        self.set_text_color(GREY)
        self.cell(self.epw * 0.6, LINE, PROGRAMME)
        printed = f"พิมพ์เมื่อ {format_be(self.printed_on, 'long')}"
        self.cell(0, LINE, printed, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(1)

    def _household(self, profile: Profile) -> None:
        household, head, pairing = profile.household, profile.head, profile.pairing
        self.section("1. ข้อมูลครัวเรือน")
        if pairing is not None:
            official = pairing.official
            buddy = (
                f"{official.full_name} · {official.agency}"
                f" (ดูแลตั้งแต่ {format_be(pairing.started_on, 'long')})"
            )
        else:
            buddy = "ยังไม่มีคู่เสี่ยว"
        consent = (
            f"ยินยอมเมื่อ {format_be(household.consent_date, 'long')}"
            if household.consent_given
            else "ยังไม่ได้รับความยินยอม"
        )
        self.fields(
            [
                [("หัวหน้าครัวเรือน", head.full_name if head else "ไม่ระบุ")],
                [("ที่อยู่", household.address)],
                [("โทรศัพท์", household.phone or DASH), ("สถานะ", household.get_status_display())],
                [
                    ("เข้าโครงการเมื่อ", format_be(household.joined_on, "long")),
                    ("สาเหตุความยากจน", household.get_cause_display()),
                ],
                [
                    ("ระดับความยากจน", level(household.poverty_level)),
                    ("เมื่อเข้าโครงการ", level(household.poverty_level_at_entry)),
                ],
                [("คู่เสี่ยว", buddy)],
                [("การใช้ข้อมูล", consent)],
            ]
        )

    def _members(self, profile: Profile) -> None:
        note = "" if profile.show_national_ids else "เลขประจำตัวประชาชนแสดงเฉพาะสามหลักท้าย"
        self.section(f"2. สมาชิกในครัวเรือน ({len(profile.members)} คน)", note)
        show = format_national_id if profile.show_national_ids else mask_national_id
        rows = []
        for number, member in enumerate(profile.members, start=1):
            name = member.full_name
            health = [
                f"{label}: {text}"
                for label, text in (
                    ("ความพิการ", member.disability),
                    ("โรคเรื้อรัง", member.chronic_illness),
                )
                if text.strip()
            ]
            age = member.age_on(self.printed_on)
            rows.append(
                Row(
                    (
                        str(number),
                        "\n".join([name, *health]),
                        show(member.national_id) if member.national_id else DASH,
                        DASH if age is None else str(age),
                        member.get_relation_display(),
                        member.get_education_display() or DASH,
                        member.occupation or DASH,
                        baht(member.income),
                    )
                )
            )
        self.table(
            [
                Column("ที่", 7, "C"),
                Column("ชื่อ-นามสกุล", 42),
                Column("เลขประจำตัว\nประชาชน", 31),
                Column("อายุ", 9, "C"),
                Column("ความสัมพันธ์", 26),
                Column("การศึกษา", 27),
                Column("อาชีพ", 22),
                Column("รายได้/ปี", 16, "R"),
            ],
            rows or [Row(("ไม่มีสมาชิกที่อาศัยอยู่",), spans=(8,))],
        )

    def _capitals(self, profile: Profile) -> None:
        latest = profile.round
        if latest is None:
            self.section("3. ทุนเพื่อการดำรงชีพ 5 ด้าน")
            self.paragraph("ยังไม่มีการสำรวจที่เสร็จสมบูรณ์ จึงยังไม่มีข้อมูลทุน")
            return
        when = f"จากการสำรวจเมื่อ {format_be(latest.assessed_on, 'long')} คะแนน 1 (น้อยมาก) ถึง 5 (มาก)"
        self.section("3. ทุนเพื่อการดำรงชีพ 5 ด้าน", when)
        rows = []
        for kind in CapitalKind:
            capital = profile.capitals.get(kind.value)
            score = f"{capital.score}/5" if capital and capital.score else DASH
            rows.append(
                Row(
                    (
                        f"{kind.label}\n({CAPITAL_HINTS[kind]})",
                        score,
                        capital.items if capital and capital.items.strip() else DASH,
                        capital.note if capital and capital.note.strip() else DASH,
                    )
                )
            )
        self.table(
            [
                Column("ทุน", 42),
                Column("คะแนน", 14, "C"),
                Column("สิ่งที่มี", 72),
                Column("หมายเหตุ", 52),
            ],
            rows,
        )

    def _round(self, profile: Profile) -> None:
        latest = profile.round
        self.section("4. ผลการสำรวจข้อมูลเชิงลึกครั้งล่าสุด")
        if latest is None:
            self.paragraph("ยังไม่มีการสำรวจข้อมูลเชิงลึกที่เสร็จสมบูรณ์")
            return
        threshold = latest.threshold or income_threshold(latest.assessed_on)
        per_person = latest.income_per_person
        if per_person is None:
            income = DASH
        else:
            reached = reaches_line(latest.annual_income, latest.members, threshold)
            verdict = "ถึงเกณฑ์" if reached else "ต่ำกว่าเกณฑ์"
            income = f"{baht(per_person)} บาท · เกณฑ์ จปฐ. {baht(threshold)} บาท: {verdict}"
        confirmed = level(latest.level)
        if latest.level_reason:
            confirmed += f" (เหตุผล: {latest.level_reason})"
        self.fields(
            [
                [
                    (
                        "วันที่สำรวจ",
                        f"{format_be(latest.assessed_on, 'long')} ({latest.get_kind_display()})",
                    ),
                    ("ผู้สำรวจ", latest.official.full_name if latest.official else DASH),
                ],
                [
                    ("จำนวนสมาชิก", f"{latest.members} คน" if latest.members else DASH),
                    ("รายได้ครัวเรือน/ปี", f"{baht(latest.annual_income)} บาท"),
                ],
                [
                    ("หนี้สิน", f"{baht(latest.debts)} บาท" if latest.debts is not None else DASH),
                    ("ระดับที่ระบบเสนอ", level(latest.suggested_level)),
                ],
                [("รายได้ต่อคนต่อปี", income)],
                [("ระดับที่ยืนยัน", confirmed)],
            ]
        )
        self.ln(1)
        if not profile.unmet:
            self.paragraph("ผ่านทุกตัวชี้วัดที่ถาม", bold=True)
            return
        self.paragraph(f"ตัวชี้วัดที่ไม่ผ่าน ({len(profile.unmet)} ข้อ)", bold=True)
        rows = [
            Row(
                (
                    answer.indicator.code,
                    Need(answer.indicator.dimension).label,
                    f"{answer.asked_text} — {answer.member.full_name}"
                    if answer.member_id
                    else answer.asked_text,
                    answer.note or DASH,
                )
            )
            for answer in profile.unmet
        ]
        self.table(
            [
                Column("รหัส", 12, "C"),
                Column("มิติ", 34),
                Column("ตัวชี้วัด", 90),
                Column("หมายเหตุ", 44),
            ],
            rows,
        )

    def _plan(self, profile: Profile) -> None:
        problems = sorted(profile.problems, key=lambda p: (PROBLEM_ORDER.get(p.status, 3),))
        counts = {status: 0 for status in ProblemStatus}
        for problem in problems:
            counts[problem.status] += 1
        summary = " · ".join(f"{status.label} {counts[status]}" for status in ProblemStatus)
        self.section("5. ปัญหาและแผนพัฒนาครัวเรือน", summary if problems else "")
        if not problems:
            self.paragraph("ยังไม่มีปัญหาในแผนพัฒนาครัวเรือน")
            return
        rows = []
        for problem in problems:
            status = problem.get_status_display()
            if problem.status == ProblemStatus.SOLVED and problem.solved_by:
                status = SolvedBy(problem.solved_by).label
            if problem.closed_on:
                status += f" ({format_be(problem.closed_on)})"
            rows.append(
                Row(
                    (
                        f"{Need(problem.dimension).label}: {problem_label(problem)}",
                        f"{status} · พบเมื่อ {format_be(problem.opened_on)}",
                    ),
                    bold=True,
                    shade=True,
                    spans=(2, 2),
                )
            )
            for action in problem.actions.all():
                done = f" ({format_be(action.done_on)})" if action.done_on else ""
                rows.append(
                    Row(
                        (
                            f"• {action.what}",
                            action.owner or DASH,
                            format_be(action.due_on),
                            f"{action.get_status_display()}{done}",
                        )
                    )
                )
        self.table(
            [
                Column("ปัญหา / กิจกรรม", 90),
                Column("ผู้รับผิดชอบ", 40),
                Column("กำหนดเสร็จ", 22),
                Column("สถานะ", 28),
            ],
            rows,
        )

    def _timeline(self, profile: Profile) -> None:
        self.section("6. สรุปการเยี่ยมบ้านและการช่วยเหลือ")
        last = f" ล่าสุดเมื่อ {format_be(profile.last_visit, 'long')}" if profile.last_visit else ""
        self.paragraph(f"การเยี่ยม {profile.visit_count} ครั้ง{last}", bold=True)
        if profile.visits:
            self.table(
                [
                    Column("วันที่", 22),
                    Column("ลักษณะ", 20),
                    Column("ผู้เยี่ยม", 38),
                    Column("สิ่งที่พบ", 100),
                ],
                [
                    Row(
                        (
                            format_be(visit.visited_on),
                            visit.get_kind_display(),
                            visit.official.full_name,
                            visit.findings,
                        )
                    )
                    for visit in profile.visits
                ],
                max_lines=4,
            )
        self.paragraph(
            f"การช่วยเหลือ {profile.aid_count} รายการ มูลค่ารวม {baht(profile.aid_total)} บาท",
            bold=True,
        )
        if profile.aid:
            self.table(
                [
                    Column("วันที่", 22),
                    Column("รายการ", 62),
                    Column("ผู้ให้การช่วยเหลือ", 44),
                    Column("สถานะ", 28),
                    Column("มูลค่า (บาท)", 24, "R"),
                ],
                [
                    Row(
                        (
                            format_be(aid.given_on),
                            aid.title,
                            aid.provider or DASH,
                            aid.get_status_display(),
                            baht(aid.value),
                        )
                    )
                    for aid in profile.aid
                ],
                max_lines=3,
            )

    def _signatures(self, profile: Profile) -> None:
        head, pairing = profile.head, profile.pairing
        self.room_for(10 + LINE + 6 + 4 * (LINE + 1))  # heading, line, gap, four lines
        self.section("7. การรับรองข้อมูล")
        self.paragraph("ข้าพเจ้าได้ตรวจสอบข้อมูลในแฟ้มครอบครัวนี้ร่วมกันแล้ว")
        self.ln(6)
        half = self.epw / 2
        top = self.get_y()
        people = [
            ("คู่เสี่ยว", pairing.official.full_name if pairing else ""),
            ("หัวหน้าครัวเรือน", head.full_name if head else ""),
        ]
        self._font(BODY)
        for i, (role, name) in enumerate(people):
            x = self.l_margin + i * half
            blank = "." * 40
            for j, text in enumerate(
                [
                    f"ลงชื่อ {blank}",
                    f"({name or blank})",
                    role,
                    "วันที่ ........ / ........ / ........",
                ]
            ):
                self.set_xy(x, top + j * (LINE + 1))
                self.cell(half, LINE, text, align="C")
        self.set_xy(self.l_margin, top + 4 * (LINE + 1))


def render(profiles: list[Profile], *, title: str, printed_on: dt.date) -> bytes:
    """The PDF of these profiles, each from a new page."""
    document = ProfileDocument(printed_on=printed_on, title=title)
    for profile in profiles:
        document.add_profile(profile)
    return bytes(document.output())
