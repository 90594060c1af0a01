"""The case plan's pages: an assessment round in steps, problems and their actions. Every
page goes through households.access (a household out of scope, or an action the user may
not take, is a 404); every write through households.cases.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Need
from households.access import (
    get_household_for_action,
    get_household_for_user,
    may_decide_graduations,
)
from households.cases import services
from households.cases.forms import (
    ActionForm,
    ActionUpdateForm,
    AnswersForm,
    CapitalsForm,
    FiguresForm,
    FinishForm,
    FollowUpCheckForm,
    GraduationDecideForm,
    GraduationProposeForm,
    ProblemCloseForm,
    ProblemForm,
    RoundStartForm,
)
from households.cases.labels import problem_label
from households.cases.models import (
    Action,
    CheckOutcome,
    FollowUpCheck,
    Graduation,
    GraduationStatus,
    ProblemStatus,
    RoundStatus,
)
from households.cases.selectors import suggestions_for
from households.models import Household, PovertyLevel
from officials.models import Official

STEP_TITLES = {
    services.FIGURES_STEP: "จำนวนสมาชิกและรายได้",
    **{need.value: need.label for need in Need},
    services.CAPITALS_STEP: "ทุนเพื่อการดำรงชีพทั้ง 5 ด้าน",
}


def _posted(request):
    """The form's data on a POST (an empty one too: a step with nothing to ask), else None."""
    return request.POST if request.method == "POST" else None


def _plan_anchor(household, problem_pk) -> str:
    return reverse("households:detail", args=[household.pk]) + f"#problem-{problem_pk}"


def _head(household):
    return household.members.filter(is_head=True).first()


def _page(request, template, household, **context):
    return render(request, template, {"household": household, "head": _head(household), **context})


# -- rounds --------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def round_new(request, pk):
    household = get_household_for_action(request.user, pk, "assess")
    draft = household.rounds.filter(status=RoundStatus.DRAFT).first()
    if draft is not None and request.method == "GET":
        return redirect("cases:round_resume", pk=household.pk, round_pk=draft.pk)
    form = RoundStartForm(_posted(request))
    if form.is_valid():
        try:
            round_, created = services.round_start(
                household=household,
                official=request.user.official,
                assessed_on=form.cleaned_data["assessed_on"],
                token=form.cleaned_data["token"],
                by=request.user,
            )
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            if not created:
                messages.info(request, "มีการสำรวจที่ยังไม่เสร็จอยู่ ทำต่อจากที่บันทึกไว้")
            return redirect("cases:round_resume", pk=household.pk, round_pk=round_.pk)
    return _page(request, "cases/round_start.html", household, form=form, title="สำรวจข้อมูลเชิงลึก")


def _draft_round(request, pk, round_pk):
    household = get_household_for_action(request.user, pk, "assess")
    round_ = get_object_or_404(household.rounds, pk=round_pk)
    return household, round_


def _done_redirect(request, household):
    messages.info(request, "การสำรวจรอบนี้เสร็จแล้ว")
    return redirect("households:detail", pk=household.pk)


@login_required
@require_safe
def round_resume(request, pk, round_pk):
    """Back to the first step not saved yet, or the summary when all are."""
    household, round_ = _draft_round(request, pk, round_pk)
    if round_.status != RoundStatus.DRAFT:
        return _done_redirect(request, household)
    missing = services.steps_missing(round_)
    if missing:
        return redirect("cases:round_step", pk=household.pk, round_pk=round_.pk, step=missing[0])
    return redirect("cases:round_finish", pk=household.pk, round_pk=round_.pk)


def _next_url(household, round_, step):
    steps = services.round_steps()
    later = [s for s in steps[steps.index(step) + 1 :] if s not in round_.steps_done]
    if later:
        return redirect("cases:round_step", pk=household.pk, round_pk=round_.pk, step=later[0])
    return redirect("cases:round_resume", pk=household.pk, round_pk=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_step(request, pk, round_pk, step):
    household, round_ = _draft_round(request, pk, round_pk)
    steps = services.round_steps()
    if step not in steps:
        raise Http404
    if round_.status != RoundStatus.DRAFT:
        return _done_redirect(request, household)
    data = _posted(request)
    if step == services.FIGURES_STEP:
        initial = {
            "assessed_on": round_.assessed_on,
            "members": round_.members or household.members.current().count() or None,
            "annual_income": round_.annual_income
            if round_.annual_income is not None
            else household.annual_income,
            "debts": round_.debts if round_.debts is not None else household.debts,
        }
        form = FiguresForm(data, initial=initial)
    elif step == services.CAPITALS_STEP:
        form = CapitalsForm(data, capitals=services.capitals_to_show(round_))
    else:
        answers = {(a.indicator_id, a.member_id): a for a in round_.answers.all()}
        form = AnswersForm(data, questions=services.questions_for(round_, step), answers=answers)
    if form.is_valid():
        try:
            if step == services.FIGURES_STEP:
                services.round_save_figures(round_=round_, **form.cleaned_data)
            elif step == services.CAPITALS_STEP:
                services.round_save_capitals(round_=round_, capitals=form.capitals())
            else:
                services.round_save_answers(round_=round_, dimension=step, answers=form.answers())
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"บันทึกขั้น «{STEP_TITLES[step]}» แล้ว")
            return _next_url(household, round_, step)
    number = steps.index(step) + 1
    return _page(
        request,
        "cases/round_step.html",
        household,
        round=round_,
        form=form,
        step=step,
        step_title=STEP_TITLES[step],
        number=number,
        total=len(steps),
        previous=steps[number - 2] if number > 1 else None,
        steps=[(s, STEP_TITLES[s], s in round_.steps_done) for s in steps],
        title=f"สำรวจ ขั้นที่ {number} จาก {len(steps)}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_finish(request, pk, round_pk):
    household, round_ = _draft_round(request, pk, round_pk)
    if round_.status != RoundStatus.DRAFT:
        return _done_redirect(request, household)
    if services.steps_missing(round_):
        return redirect("cases:round_resume", pk=household.pk, round_pk=round_.pk)
    suggested = services.round_suggested_level(round_)
    form = FinishForm(_posted(request), suggested=suggested)
    if form.is_valid():
        before = household.problems.open().count()
        try:
            services.round_complete(
                round_=round_,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["level_reason"],
                by=request.user,
            )
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            now = household.problems.open().count()
            messages.success(
                request, f"บันทึกการสำรวจเรียบร้อยแล้ว ปัญหาที่ยังต้องแก้ {now} ข้อ (เดิม {before} ข้อ)"
            )
            return redirect("households:detail", pk=household.pk)
    unmet = round_.answers.filter(value="not_met").select_related("indicator", "member")
    return _page(
        request,
        "cases/round_finish.html",
        household,
        round=round_,
        form=form,
        suggested=suggested,
        suggested_label=PovertyLevel(suggested).label,
        unmet=unmet,
        title="สรุปผลการสำรวจ",
    )


@login_required
@require_safe
def round_detail(request, pk, round_pk):
    """A round as it was asked and answered (the wording of its time), for anyone who sees
    the household."""
    household = get_household_for_user(request.user, pk)
    round_ = get_object_or_404(
        household.rounds.select_related("official__user").prefetch_related("capitals"), pk=round_pk
    )
    answers = round_.answers.select_related("indicator", "member").order_by(
        "indicator__order", "indicator__code", "member_id"
    )
    by_dimension = {need.value: (need.label, []) for need in Need}
    for answer in answers:
        by_dimension[answer.indicator.dimension][1].append(answer)
    return _page(
        request,
        "cases/round_detail.html",
        household,
        round=round_,
        dimensions=[v for v in by_dimension.values() if v[1]],
    )


# -- problems and actions ------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request, pk):
    household = get_household_for_action(request.user, pk, "plan")
    form = ProblemForm(_posted(request), household=household)
    if form.is_valid():
        problem = services.problem_add(household=household, by=request.user, **form.cleaned_data)
        messages.success(request, f"เพิ่มปัญหา «{problem.title}» แล้ว เพิ่มกิจกรรมที่จะแก้ได้เลย")
        return redirect("cases:action_new", pk=household.pk, problem_pk=problem.pk)
    return _page(request, "cases/form.html", household, form=form, title="เพิ่มปัญหาของครัวเรือน")


def _open_problem(household, problem_pk):
    return get_object_or_404(
        household.problems.select_related("member", "indicator"),
        pk=problem_pk,
        status=ProblemStatus.OPEN,
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_close(request, pk, problem_pk):
    household = get_household_for_action(request.user, pk, "plan")
    problem = _open_problem(household, problem_pk)
    form = ProblemCloseForm(_posted(request))
    if form.is_valid():
        services.problem_close(problem=problem, **form.cleaned_data)
        label = problem_label(problem)
        messages.success(request, f"บันทึกว่า «{label}» {problem.get_status_display()}")
        return redirect("households:detail", pk=household.pk)
    return _page(
        request, "cases/form.html", household, form=form, title=f"ปิดปัญหา «{problem_label(problem)}»"
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, pk, problem_pk):
    household = get_household_for_action(request.user, pk, "plan")
    problem = _open_problem(household, problem_pk)
    suggestions = suggestions_for(problem, household.cause)
    initial = {}
    chosen = request.GET.get("suggestion", "")
    if chosen.isdigit() and (picked := next((s for s in suggestions if s.pk == int(chosen)), None)):
        initial = services.action_initial_from(picked)
    form = ActionForm(_posted(request), initial=initial)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "token"}
        try:
            _, created = services.action_add(
                problem=problem, data=data, token=form.cleaned_data["token"], by=request.user
            )
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, "เพิ่มกิจกรรมในแผนแล้ว")
            return redirect(_plan_anchor(household, problem.pk))
    return _page(
        request,
        "cases/action_form.html",
        household,
        form=form,
        problem=problem,
        suggestions=suggestions,
        title=f"เพิ่มกิจกรรม: {problem_label(problem)}",
    )


@login_required
@require_POST
def action_update(request, pk, action_pk):
    household = get_household_for_action(request.user, pk, "plan")
    action = get_object_or_404(Action.objects.filter(problem__household=household), pk=action_pk)
    form = ActionUpdateForm(request.POST, action=action)
    if form.is_valid():
        services.action_update(action=action, **form.cleaned_data)
        messages.success(request, f"ปรับสถานะ «{action.what}» เป็น{action.get_status_display()}แล้ว")
    else:
        messages.error(request, "ปรับสถานะไม่สำเร็จ กรุณาเลือกสถานะใหม่")
    return redirect(_plan_anchor(household, action.problem_id))


# -- graduation and after ------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def graduation_propose(request, pk):
    household = get_household_for_action(request.user, pk, "propose_graduation")
    shortfalls = services.graduation_shortfalls(household, agrees=True)
    form = GraduationProposeForm(_posted(request))
    if not shortfalls and form.is_valid():
        try:
            services.graduation_propose(household=household, by=request.user, **form.cleaned_data)
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "เสนอพ้นความยากจนแล้ว รอเจ้าหน้าที่อำเภอพิจารณา")
            return redirect("households:detail", pk=household.pk)
    return _page(
        request,
        "cases/graduation_propose.html",
        household,
        form=form,
        shortfalls=shortfalls,
        latest=services.latest_round(household),
        title="เสนอพ้นความยากจน",
    )


@login_required
@require_http_methods(["GET", "POST"])
def graduation_decide(request, pk, graduation_pk):
    household = get_household_for_action(request.user, pk, "decide_graduation")
    graduation = get_object_or_404(
        household.graduations.select_related("proposed_by", "round"),
        pk=graduation_pk,
        status=GraduationStatus.PROPOSED,
    )
    officials = Official.objects.manageable_by(request.user).filter(is_active=True)
    form = GraduationDecideForm(_posted(request), officials=officials.select_related("user"))
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.graduation_decide(
                graduation=graduation,
                approve=approve,
                reason=form.cleaned_data["reason"],
                by=request.user,
                follow_up_official=form.cleaned_data["follow_up_official"],
            )
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "อนุมัติพ้นความยากจนแล้ว สิ้นสุดการจับคู่และนัดติดตามผลแล้ว" if approve else "ส่งกลับให้คู่เสี่ยวแล้ว",
            )
            return redirect("households:detail", pk=household.pk)
    return _page(
        request,
        "cases/graduation_decide.html",
        household,
        form=form,
        graduation=graduation,
        shortfalls=services.graduation_shortfalls(household, agrees=graduation.household_agrees),
        title="พิจารณาการพ้นความยากจน",
    )


@login_required
@require_safe
def graduations(request):
    """Proposals waiting for a decision, in the user's scope (district staff, admins)."""
    if not may_decide_graduations(request.user):
        raise Http404
    visible = Household.objects.visible_to(request.user)
    waiting = (
        Graduation.objects.filter(status=GraduationStatus.PROPOSED, household__in=visible)
        .select_related("household__subdistrict__district", "proposed_by", "round")
        .order_by("proposed_at")
    )
    return render(request, "cases/graduations.html", {"graduations": waiting})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request, pk, check_pk):
    """A follow-up check after graduation, by the official named for it."""
    household = get_household_for_user(request.user, pk)
    official = getattr(request.user, "official", None)
    check = get_object_or_404(
        FollowUpCheck.objects.pending().select_related("graduation"),
        pk=check_pk,
        graduation__household=household,
        official=official,
    )
    form = FollowUpCheckForm(_posted(request))
    if form.is_valid():
        try:
            services.follow_up_record(check=check, by=request.user, **form.cleaned_data)
        except services.CasePlanError as error:
            form.add_error(None, str(error))
        else:
            if check.outcome == CheckOutcome.RELAPSED:
                messages.warning(request, "บันทึกแล้ว: ครัวเรือนกลับเข้าสู่ความยากจน เปิดแฟ้มกลับเข้าโครงการแล้ว")
            else:
                messages.success(request, "บันทึกแล้ว: ครัวเรือนยังพ้นความยากจน")
            return redirect("households:detail", pk=household.pk)
    return _page(
        request,
        "cases/form.html",
        household,
        form=form,
        title=f"ติดตามหลังพ้นความยากจน {check.months} เดือน",
    )
