"""What the case page, "my households" and the plan pages show of a case plan, in a fixed
number of queries, and the next steps an official should take ("what to do next")."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from households.cases import rules
from households.cases.models import (
    OPEN_ACTION_STATUSES,
    Action,
    AnswerValue,
    FollowUpCheck,
    Graduation,
    GraduationStatus,
    Problem,
    ProblemStatus,
    Round,
    RoundStatus,
    SuggestedAction,
)
from households.cases.services import round_shortfalls, round_steps
from households.models import Cause, Status
from kuseaw.thaidate import format_be

# Actions due within this many days are listed as coming up.
DUE_SOON_DAYS = 14


@dataclass
class CasePlan:
    """A household's case plan as the case page shows it."""

    household: object
    today: dt.date
    latest_round: Round | None
    draft_round: Round | None
    rounds: list[Round]
    problems: list[Problem]
    graduation: Graduation | None
    checks: list[FollowUpCheck]
    next_round_due: dt.date | None
    unmet: list = field(default_factory=list)

    @property
    def open_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.status == ProblemStatus.OPEN]

    @property
    def closed_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.status != ProblemStatus.OPEN]

    @property
    def round_overdue(self) -> bool:
        return self.next_round_due is not None and self.next_round_due <= self.today

    @property
    def pending_checks(self) -> list[FollowUpCheck]:
        return [c for c in self.checks if c.done_on is None]


def case_plan(household, today: dt.date) -> CasePlan:
    """The rounds, problems with their actions and aid, graduation and checks (7 queries)."""
    rounds = list(
        Round.objects.filter(household=household)
        .select_related("official__user")
        .prefetch_related("capitals")
        .order_by("-assessed_on", "-id")
    )
    complete = [r for r in rounds if r.status == RoundStatus.COMPLETE]
    draft = next((r for r in rounds if r.status == RoundStatus.DRAFT), None)
    latest = complete[0] if complete else None
    problems = list(
        Problem.objects.filter(household=household)
        .select_related("indicator", "member")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("agency")),
            "aid_records",
        )
        .order_by("status", "dimension", "opened_on", "id")
    )
    graduation = (
        Graduation.objects.filter(household=household)
        .select_related("proposed_by", "decided_by")
        .order_by("-proposed_at", "-id")
        .first()
    )
    checks = []
    if graduation is not None:
        checks = list(graduation.checks.select_related("official__user").order_by("due_on"))
    in_programme = household.status == Status.ACTIVE
    due = (
        rules.next_round_due(household.joined_on, latest.assessed_on if latest else None)
        if in_programme
        else None
    )
    unmet = []
    if latest is not None:
        unmet = list(
            latest.answers.filter(value=AnswerValue.NOT_MET).select_related("indicator", "member")
        )
    return CasePlan(
        household, today, latest, draft, complete, problems, graduation, checks, due, unmet
    )


@dataclass(frozen=True)
class Step:
    """One thing to do next: its Thai text, where to do it (or ""), and how pressing it is
    ("danger" overdue, "warning" due now or soon, "info" otherwise)."""

    text: str
    url: str = ""
    tone: str = "info"
    link_text: str = ""


def next_steps(plan: CasePlan, *, can, follow_up, user) -> list[Step]:
    """What the official should do next for this household, most pressing first: the round
    to finish or due, actions overdue or due soon, problems with no plan yet, a visit, a
    graduation to propose or decide, a follow-up check after graduation. Only steps the user
    may take carry a link."""
    household, today = plan.household, plan.today
    steps: list[Step] = []
    pk = household.pk
    if plan.draft_round is not None:
        done = len(plan.draft_round.steps_done)
        steps.append(
            Step(
                f"ทำการสำรวจให้เสร็จ (บันทึกแล้ว {done} จาก {len(round_steps())} ขั้น)",
                reverse("cases:round_resume", args=[pk, plan.draft_round.pk]) if can.assess else "",
                "warning",
                "ทำต่อ",
            )
        )
    elif household.status == Status.ACTIVE and plan.latest_round is None:
        steps.append(
            Step(
                "ยังไม่ได้สำรวจข้อมูลเชิงลึกแรกเข้า: เริ่มจากแฟ้มครอบครัว สัมภาษณ์เชิงลึก และทุนของครัวเรือน",
                reverse("cases:round_new", args=[pk]) if can.assess else "",
                "danger",
                "เริ่มสำรวจ",
            )
        )
    elif plan.round_overdue:
        steps.append(
            Step(
                f"ถึงกำหนดสำรวจติดตาม (ทุก {settings.KUSEAW_ASSESSMENT_MONTHS} เดือน "
                f"ครบกำหนด {format_be(plan.next_round_due)})",
                reverse("cases:round_new", args=[pk]) if can.assess else "",
                "danger" if (today - plan.next_round_due).days > 30 else "warning",
                "เริ่มสำรวจ",
            )
        )
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    for problem in plan.open_problems:
        open_actions = [a for a in problem.actions.all() if a.is_open]
        anchor = reverse("households:detail", args=[pk]) + f"#problem-{problem.pk}"
        for action in open_actions:
            if action.due_on < today:
                steps.append(
                    Step(
                        f"เลยกำหนด {format_be(action.due_on)}: {action.what} ({action.owner})",
                        anchor if can.plan else "",
                        "danger",
                        "ดูแผน",
                    )
                )
            elif action.due_on <= soon:
                steps.append(
                    Step(
                        f"ครบกำหนด {format_be(action.due_on)}: {action.what} ({action.owner})",
                        anchor if can.plan else "",
                        "warning",
                        "ดูแผน",
                    )
                )
        if not open_actions:
            hint = (
                "เริ่มจากก้าวเล็ก ๆ ที่สร้างแรงจูงใจ"
                if household.cause == Cause.SELF_EXCLUDED
                else "หาโอกาสจากหน่วยงานหรือภาคี"
            )
            steps.append(
                Step(
                    f"ปัญหายังไม่มีแผน: {problem.title} — {hint}",
                    reverse("cases:action_new", args=[pk, problem.pk]) if can.plan else "",
                    "warning",
                    "เพิ่มกิจกรรม",
                )
            )
    if follow_up.visit_overdue and household.status == Status.ACTIVE:
        steps.append(
            Step(
                f"เยี่ยมบ้าน (ไม่ได้เยี่ยมเกิน {settings.KUSEAW_VISIT_OVERDUE_DAYS} วัน)",
                reverse("households:visit_new", args=[pk]) if can.log_visit else "",
                "danger",
                "บันทึกการเยี่ยม",
            )
        )
    graduation = plan.graduation
    if graduation is not None and graduation.status == GraduationStatus.PROPOSED:
        steps.append(
            Step(
                "เสนอพ้นความยากจนแล้ว รอเจ้าหน้าที่อำเภอหรือผู้ดูแลระบบอนุมัติ",
                reverse("cases:graduation_decide", args=[pk, graduation.pk])
                if can.decide_graduation
                else "",
                "info",
                "พิจารณา",
            )
        )
    elif (
        household.status == Status.ACTIVE
        and plan.latest_round is not None
        and not graduation_blockers(plan)
    ):
        steps.append(
            Step(
                "ผ่านเกณฑ์พ้นความยากจนในรอบล่าสุดแล้ว: คุยกับครัวเรือนและเสนอพ้นความยากจน",
                reverse("cases:graduation_propose", args=[pk]) if can.propose_graduation else "",
                "info",
                "เสนอพ้นความยากจน",
            )
        )
    official = getattr(user, "official", None)
    for check in plan.pending_checks:
        mine = official is not None and check.official_id == official.pk
        steps.append(
            Step(
                f"ติดตามหลังพ้นความยากจน {check.months} เดือน "
                f"(กำหนด {format_be(check.due_on)}) โดย {check.official.full_name}",
                reverse("cases:follow_up", args=[pk, check.pk]) if mine else "",
                "warning" if check.due_on <= today else "info",
                "บันทึกการติดตาม",
            )
        )
    order = {"danger": 0, "warning": 1, "info": 2}
    return sorted(steps, key=lambda s: order[s.tone])


def graduation_blockers(plan: CasePlan) -> list[str]:
    """The criteria the latest round does not meet yet (the household's agreement aside:
    the buddy asks for it when proposing), from what the plan already read."""
    unmet = [a.indicator.dimension for a in plan.unmet]
    return round_shortfalls(plan.latest_round, unmet, agrees=True)


def suggestions_for(problem: Problem, cause: str) -> list[SuggestedAction]:
    """Suggested actions for a problem: those for its indicator first, then its dimension's,
    for the household's cause or any cause."""
    rows = (
        SuggestedAction.objects.filter(is_active=True, dimension=problem.dimension)
        .filter(Q(indicator__isnull=True) | Q(indicator_id=problem.indicator_id))
        .filter(Q(cause="") | Q(cause=cause))
        .select_related("agency")
    )
    return sorted(rows, key=lambda s: (s.indicator_id is None, s.cause == "", s.order))


def annotate_my_households(households):
    """Each household's count of open problems and its next open action (what, due)."""
    next_action = Action.objects.filter(
        problem__household=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES
    ).order_by("due_on", "id")
    open_count = (
        Problem.objects.filter(household=OuterRef("pk"), status=ProblemStatus.OPEN)
        .order_by()
        .values("household")
        .annotate(n=Count("*"))
        .values("n")
    )
    return households.annotate(
        open_problems=Coalesce(Subquery(open_count), 0),
        next_action_what=Subquery(next_action.values("what")[:1]),
        next_action_due=Subquery(next_action.values("due_on")[:1]),
    )
