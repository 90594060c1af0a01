"""An official's case plan on a phone (390×844), on the demo data: a follow-up round in
short steps, left half done and taken up again, then the plan it leaves behind worked
through: an action from the suggestions, aid against a problem, a problem solved."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from households.cases.labels import problem_label
from households.cases.models import (
    ActionStatus,
    ProblemStatus,
    RoundKind,
    RoundStatus,
    SolvedBy,
)
from households.models import AidRecord, AidStatus, Household, income_threshold
from kuseaw.thaidate import format_be
from tests.browser.live import LIVE_SERVER_TEST, PHONE_WIDTH, assert_fits_phone, expect

pytestmark = LIVE_SERVER_TEST

ROUND_STEP = "/tmp/round_step.png"
MET, NOT_MET = "ผ่าน", "ไม่ผ่าน"


@pytest.fixture
def demo(transactional_db):
    """The README's demo: demo-official looks after two households whose entry round was
    more than six months ago, each with open problems and actions under way."""
    from households.demo.builder import demo_data_seed

    demo_data_seed(households=30, officials=10, seed=3)
    return get_user_model().objects.get(username="demo-official")


def log_in(page) -> None:
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill("demo-official")
    page.get_by_label("รหัสผ่าน").fill("kuseaw-demo")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page).to_have_url(re.compile(r"/households/mine/$"))


def assert_in_reach(button, *, tall: int = 44) -> None:
    """A button a thumb can reach: on screen once scrolled to, inside the 390px width, and
    `tall`px tall at least: 44 for a main button (kuseaw.css --kuseaw-tap), 36 for the
    small ones in a list (.btn-sm)."""
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box
    assert box["height"] >= tall, box


def next_steps(page):
    return page.get_by_role("region", name="สิ่งที่ควรทำต่อไป")


def plan(page):
    return page.get_by_role("region", name=re.compile(r"^แผนพัฒนาครัวเรือน"))


def step_heading(page):
    return page.get_by_role("heading", level=1)


def assert_on_step(page, number: int, title: str) -> None:
    expect(step_heading(page)).to_have_text(title)
    expect(page.get_by_text(f"สำรวจติดตาม · ขั้นที่ {number} จาก 7")).to_be_visible()
    progress = page.get_by_role("progressbar", name="ความคืบหน้าการสำรวจ")
    expect(progress).to_have_attribute("value", str(number))


def save_step(page) -> None:
    save = page.get_by_role("button", name="บันทึกและไปต่อ")
    assert_in_reach(save)
    save.click()


def answer_step(page, open_problems: set, fresh: list) -> None:
    """Answer every question of a dimension's step the way the household still is: «ไม่ผ่าน»
    for what is an open problem already, «ผ่าน» for the rest, except the first question of
    the round not a problem yet (kept in `fresh` as (code, member's name or None)), which
    fails too and so makes a new problem."""
    questions = page.locator("#round-step fieldset")
    for question in questions.all():
        code = question.locator("legend .badge").inner_text().strip()
        member = question.locator("legend span.d-block")
        name = member.inner_text().split(" (อายุ")[0].strip() if member.count() else None
        failing = (code, name) in open_problems
        if not failing and not fresh:
            fresh.append((code, name))
            failing = True
        answer = NOT_MET if failing else MET
        question.get_by_text(answer, exact=True).click()  # the big button, a thumb's tap
        expect(question.get_by_role("radio", name=answer, exact=True)).to_be_checked()


def test_official_takes_a_follow_up_round_on_a_phone_and_works_the_plan(page, demo):
    log_in(page)
    assert_fits_phone(page)
    page.get_by_role("link", name="ดูแฟ้มครัวเรือน").first.click()
    expect(page).to_have_url(re.compile(r"/households/\d+/$"))
    household = Household.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    case_url = reverse("households:detail", args=[household.pk])
    assert_fits_phone(page)
    before = list(household.problems.open().select_related("indicator", "member"))
    open_problems = {
        (p.indicator.code, p.member.full_name if p.member else None)
        for p in before
        if p.indicator is not None
    }
    closed_before = household.problems.exclude(status=ProblemStatus.OPEN).count()

    # The case page says a follow-up round is due and starts it.
    due = next_steps(page).get_by_role("listitem").filter(has_text="ถึงกำหนดสำรวจติดตาม")
    expect(due).to_have_count(1)
    start = due.get_by_role("link", name="เริ่มสำรวจ")
    assert_in_reach(start, tall=36)
    start.click()
    expect(page).to_have_url(re.compile(reverse("cases:round_new", args=[household.pk]) + "$"))
    assert_fits_phone(page)
    begin = page.get_by_role("button", name="เริ่มสำรวจ")
    assert_in_reach(begin)
    begin.click()

    # 1. The figures: the household's own, the income kept on the side of the line it was
    # (the income indicator is answered from them).
    assert_on_step(page, 1, "จำนวนสมาชิกและรายได้")
    round_ = household.rounds.get(status=RoundStatus.DRAFT)
    assert round_.kind == RoundKind.REVIEW
    assert_fits_phone(page)
    members = int(page.get_by_label("จำนวนสมาชิกที่อาศัยอยู่จริง (คน)").input_value())
    below_line = ("I3", None) in open_problems
    line = income_threshold(timezone.localdate())
    per_person = line // 2 if below_line else line * 2
    page.get_by_label("รายได้ทั้งครัวเรือนต่อปี (บาท)").fill(str(per_person * members))
    save_step(page)

    # 2. The first dimension, one new problem among its answers.
    expect(page.get_by_role("status")).to_contain_text("บันทึกขั้น «จำนวนสมาชิกและรายได้» แล้ว")
    assert_on_step(page, 2, "ด้านรายได้")
    assert_fits_phone(page)
    fresh = []
    answer_step(page, open_problems, fresh)
    save_step(page)
    expect(step_heading(page)).to_have_text("ด้านความเป็นอยู่")
    step_three = page.url

    # A reload, then the phone put away: back on the case page, the round carries on from
    # the first step not saved, not from the start.
    page.reload()
    expect(step_heading(page)).to_have_text("ด้านความเป็นอยู่")
    page.get_by_role("link", name=re.compile("^พักไว้ก่อน กลับไปแฟ้มครัวเรือน")).click()
    expect(page).to_have_url(re.compile(f"{case_url}$"))
    expect(next_steps(page)).to_contain_text("ทำการสำรวจให้เสร็จ (บันทึกแล้ว 2 จาก 7 ขั้น)")
    expect(next_steps(page)).not_to_contain_text("ถึงกำหนดสำรวจติดตาม")
    carry_on = page.get_by_role("link", name="ทำการสำรวจต่อ")
    assert_in_reach(carry_on, tall=36)
    carry_on.click()
    assert page.url == step_three
    assert_on_step(page, 3, "ด้านความเป็นอยู่")
    page.locator("summary", has_text="ทุกขั้นของการสำรวจ").click()
    done = page.get_by_role("listitem").filter(has_text="บันทึกแล้ว")
    expect(done).to_have_count(2)
    expect(done.first).to_contain_text("จำนวนสมาชิกและรายได้")
    expect(done.last).to_contain_text("ด้านรายได้")

    # 3.–6. The other dimensions, every question answered (one may have none to ask).
    for number, title in enumerate(
        ["ด้านความเป็นอยู่", "ด้านสุขภาพ", "ด้านการศึกษา", "ด้านการเข้าถึงบริการรัฐ"], start=3
    ):
        assert_on_step(page, number, title)
        answer_step(page, open_problems, fresh)
        if number == 4:
            page.screenshot(path=ROUND_STEP, full_page=True, animations="disabled")
        assert_fits_phone(page)
        save_step(page)

    # 7. The five capitals, as the last round left them.
    assert_on_step(page, 7, "ทุนเพื่อการดำรงชีพทั้ง 5 ด้าน")
    assert_fits_phone(page)
    save_step(page)

    # The summary: the suggested level, confirmed.
    expect(step_heading(page)).to_have_text("สรุปผลการสำรวจ")
    assert_fits_phone(page)
    suggested = page.locator(".alert-info strong").inner_text()
    expect(page.get_by_role("radio", name=suggested, exact=True)).to_be_checked()
    confirm = page.get_by_role("button", name="ยืนยันผลการสำรวจ")
    assert_in_reach(confirm)
    confirm.click()

    expect(page).to_have_url(re.compile(f"{case_url}$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"บันทึกการสำรวจเรียบร้อยแล้ว ปัญหาที่ยังต้องแก้ {len(before) + 1} ข้อ (เดิม {len(before)} ข้อ)"
    )
    round_.refresh_from_db()
    assert round_.status == RoundStatus.COMPLETE
    assert round_.level == round_.suggested_level
    assert not round_.level_reason
    (new,) = household.problems.filter(found_in=round_).select_related("indicator", "member")
    assert (new.indicator.code, new.member.full_name if new.member else None) == fresh[0]
    assert {p.pk for p in household.problems.open()} == {p.pk for p in before} | {new.pk}
    assert_fits_phone(page)

    # The plan has every problem, the new one with no action yet, which "what to do next"
    # points at; the round is no longer due.
    expect(plan(page).get_by_role("heading")).to_contain_text(f"ยังไม่แก้ {len(before) + 1}")
    for problem in [*before, new]:
        expect(page.locator(f"#problem-{problem.pk}")).to_contain_text(problem.title)
    expect(next_steps(page)).not_to_contain_text("ถึงกำหนดสำรวจติดตาม")
    expect(next_steps(page)).not_to_contain_text("ทำการสำรวจให้เสร็จ")
    expect(next_steps(page)).to_contain_text(f"ปัญหายังไม่มีแผน: {new.title}")
    entry = page.locator(f"#problem-{new.pk}")
    expect(entry).to_contain_text(problem_label(new))
    expect(entry).to_contain_text(f"พบเมื่อ {format_be(round_.assessed_on)}")

    # An action for the new problem, from the suggested ones.
    entry.get_by_role("link", name="เพิ่มกิจกรรม").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("เพิ่มกิจกรรมในแผน")
    assert_fits_phone(page)
    suggestion = page.get_by_role("region", name=re.compile("^กิจกรรมที่แนะนำ")).get_by_role("link")
    expect(suggestion.first).to_be_visible()
    picked = suggestion.first.inner_text()
    suggestion.first.click()
    expect(page).to_have_url(re.compile(r"\?suggestion=\d+$"))
    what = page.get_by_label("สิ่งที่จะทำ").input_value()
    assert what and picked.startswith(what)
    add = page.get_by_role("button", name="เพิ่มกิจกรรม")
    assert_in_reach(add)
    add.click()
    expect(page).to_have_url(re.compile(f"{case_url}#problem-{new.pk}$"))
    expect(page.get_by_role("status")).to_contain_text("เพิ่มกิจกรรมในแผนแล้ว")
    entry = page.locator(f"#problem-{new.pk}")
    expect(entry).to_contain_text(what)
    expect(entry).to_contain_text("วางแผน")
    expect(next_steps(page)).not_to_contain_text(f"ปัญหายังไม่มีแผน: {new.title}")
    action = new.actions.get()
    assert (action.what, action.status, action.created_by) == (what, ActionStatus.PLANNED, demo)

    # Aid against the new problem, from the plan: the aid form has it ticked.
    entry.get_by_role("link", name="บันทึกการช่วยเหลือ").click()
    expect(page).to_have_url(re.compile(rf"\?problem={new.pk}$"))
    assert_fits_phone(page)
    expect(page.get_by_label(problem_label(new), exact=True)).to_be_checked()
    for other in before:
        expect(page.get_by_label(problem_label(other), exact=True)).not_to_be_checked()
    page.get_by_label("อาชีพ", exact=True).check()
    page.get_by_label("รายการช่วยเหลือ").fill("อบรมอาชีพเสริมทำขนมขาย")
    page.get_by_label("หน่วยงานที่ให้การช่วยเหลือ").select_option(index=1)
    page.get_by_label("มูลค่า").fill("2500")
    page.get_by_label("สถานะ").select_option(label="เสร็จสิ้น")
    record = page.get_by_role("button", name="บันทึกการช่วยเหลือ")
    assert_in_reach(record)
    record.click()
    expect(page).to_have_url(re.compile(f"{case_url}$"))
    expect(page.get_by_role("status")).to_contain_text("บันทึกการช่วยเหลือเรียบร้อยแล้ว")
    entry = page.locator(f"#problem-{new.pk}")
    expect(entry).to_contain_text("การช่วยเหลือ: อบรมอาชีพเสริมทำขนมขาย (เสร็จสิ้น)")
    aid = AidRecord.objects.get(household=household, title="อบรมอาชีพเสริมทำขนมขาย")
    assert aid.status == AidStatus.DONE
    assert list(aid.problems.all()) == [new]

    # The problem solved, with the programme's help: it moves to the closed problems.
    entry.get_by_role("link", name="แก้ได้แล้ว / แก้ไม่ได้").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ปิดปัญหา")
    assert_fits_phone(page)
    page.get_by_label(ProblemStatus.SOLVED.label, exact=True).check()
    page.get_by_label(SolvedBy.PROGRAMME.label, exact=True).check()
    page.get_by_label("บันทึก", exact=True).fill("ได้งานทำขนมขายที่ตลาดนัด")
    close = page.get_by_role("button", name="บันทึกผล")
    assert_in_reach(close)
    close.click()
    expect(page).to_have_url(re.compile(f"{case_url}$"))
    expect(page.get_by_role("status")).to_contain_text(f"บันทึกว่า «{problem_label(new)}» แก้ได้แล้ว")
    expect(page.locator(f"#problem-{new.pk}")).to_have_count(0)
    expect(plan(page).get_by_role("heading")).to_contain_text(f"ยังไม่แก้ {len(before)}")
    closed = plan(page).locator("details", has_text="ปัญหาที่ปิดแล้ว")
    closed.locator("summary").click()
    expect(closed.locator("summary")).to_have_text(f"ปัญหาที่ปิดแล้ว ({closed_before + 1})")
    solved = closed.get_by_role("listitem").filter(has_text=new.title)
    expect(solved).to_be_visible()
    expect(solved).to_contain_text(f"แก้ได้แล้ว ({SolvedBy.PROGRAMME.label})")
    assert_fits_phone(page)
    new.refresh_from_db()
    assert (new.status, new.solved_by, new.closed_on) == (
        ProblemStatus.SOLVED,
        SolvedBy.PROGRAMME,
        timezone.localdate(),
    )
    assert "ได้งานทำขนมขายที่ตลาดนัด" in new.note
    action.refresh_from_db()  # still planned when the problem closed: it will not be done
    assert action.status == ActionStatus.NOT_POSSIBLE
