"""The weekly digest: what a buddy has due in the coming week, household by household.

What goes in, in one place (each item is worded in Thai and names no person, no
income, no health: the mail says only the household's code and village, and links to
the case page, behind the login):
- the round in progress to finish; the entry round not yet done; a follow-up round due
  within DIGEST_DAYS (or overdue), as households.cases.rules.next_round_due sets it;
- the plan's open actions overdue, and those due within DIGEST_DAYS (counted, not named);
- no visit for KUSEAW_VISIT_OVERDUE_DAYS (households.models.no_recent_visit), or the
  follow-up visit set at the latest visit falling within DIGEST_DAYS;
- the follow-up checks after graduation named to the buddy, due within DIGEST_DAYS.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from households.cases.models import FollowUpCheck
from households.cases.selectors import case_plan
from households.models import Household
from kuseaw.thaidate import format_be

DIGEST_DAYS = 7


@dataclass
class HouseholdDue:
    code: str
    village: str
    url: str
    items: list[str] = field(default_factory=list)


def _case_url(household) -> str:
    return settings.KUSEAW_SITE_URL.rstrip("/") + reverse("households:detail", args=[household.pk])


def weekly_digest(official, today: dt.date) -> list[HouseholdDue]:
    """The households with something due for `official` in the coming week, by code."""
    until = today + dt.timedelta(days=DIGEST_DAYS)
    looked_after = (
        Household.objects.looked_after_by(official.user)
        .select_related("subdistrict__district")
        .with_visit_dates(today)
        .order_by("code")
    )
    found: dict[int, HouseholdDue] = {}
    for household in looked_after:
        items = _plan_items(household, today, until) + _visit_items(household, until)
        if items:
            found[household.pk] = HouseholdDue(
                household.code, household.locality, _case_url(household), items
            )
    checks = (
        FollowUpCheck.objects.filter(official=official, done_on__isnull=True, due_on__lte=until)
        .select_related("graduation__household__subdistrict__district")
        .order_by("due_on")
    )
    for check in checks:
        household = check.graduation.household
        due = found.get(household.pk) or found.setdefault(
            household.pk,
            HouseholdDue(household.code, household.locality, _case_url(household)),
        )
        due.items.append(f"ติดตามหลังพ้นความยากจน ครบกำหนด {format_be(check.due_on)}")
    return sorted(found.values(), key=lambda due: due.code)


def _plan_items(household, today, until) -> list[str]:
    plan = case_plan(household, today)
    items = []
    if plan.draft_round is not None:
        items.append("การสำรวจข้อมูลเชิงลึกที่ยังทำไม่เสร็จ")
    elif plan.next_round_due is not None and plan.next_round_due <= until:
        what = "สำรวจข้อมูลเชิงลึกแรกเข้า" if plan.latest_round is None else "สำรวจติดตาม"
        items.append(f"{what} ครบกำหนด {format_be(plan.next_round_due)}")
    actions = [a for p in plan.open_problems for a in p.actions.all() if a.is_open]
    late = sum(1 for a in actions if a.due_on < today)
    soon = sum(1 for a in actions if today <= a.due_on <= until)
    if late:
        items.append(f"กิจกรรมในแผนเลยกำหนด {late:,} รายการ")
    if soon:
        items.append(f"กิจกรรมในแผนครบกำหนดภายใน {DIGEST_DAYS} วัน {soon:,} รายการ")
    return items


def _visit_items(household, until) -> list[str]:
    if household.visit_overdue:
        return [f"ยังไม่ได้เยี่ยมบ้านเกิน {settings.KUSEAW_VISIT_OVERDUE_DAYS} วัน"]
    if household.next_follow_up and household.next_follow_up <= until:
        return [f"นัดเยี่ยมติดตาม {format_be(household.next_follow_up)}"]
    return []
