"""E-mail to an organisation's inbox owners: a referral sent to it, and those overdue
(manage.py send_reminders). Like every mail of the app, it names only the household's
code and village, and links to the page behind the login."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from kuseaw.thaidate import format_be
from officials.roles import GROUP_NAMES, Role


def inbox_owners(agency) -> list[str]:
    """The e-mail addresses of the organisation's coordinators at work."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__agency=agency,
            groups__name=GROUP_NAMES[Role.COORDINATOR],
        )
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    return [user.email for user in users]


def _where(referral) -> str:
    return f"ครัวเรือน {referral.household.code} · {referral.household.locality}"


def _url(name, *args) -> str:
    return settings.KUSEAW_SITE_URL.rstrip("/") + reverse(name, args=args)


def referral_sent(referral) -> int:
    """Tell the organisation's coordinators a referral has come in; how many were told.
    A mail server that is down does not undo the referral (it is in the inbox anyway)."""
    to = inbox_owners(referral.agency)
    if not to:
        return 0
    body = (
        f"มีเรื่องส่งต่อใหม่ถึง{referral.agency.name_th}\n\n"
        f"{_where(referral)}\n"
        f"ควรเสร็จภายใน {format_be(referral.due_on)}\n"
        f"เปิดดูและตอบรับ: {_url('referrals:detail', referral.pk)}\n\n"
        "อีเมลนี้ไม่มีข้อมูลส่วนบุคคล รายละเอียดอยู่ในระบบเมื่อเข้าสู่ระบบ\n"
    )
    message = EmailMessage(f"คู่เสี่ยว: เรื่องส่งต่อใหม่ ({referral.household.code})", body, to=to)
    sent = message.send(fail_silently=True)
    return len(to) if sent else 0


def overdue_notices(today: dt.date | None = None) -> list[EmailMessage]:
    """One mail per organisation with referrals overdue, to its coordinators."""
    from households.referrals.models import Referral

    today = today or timezone.localdate()
    overdue = (
        Referral.objects.overdue(today)
        .select_related("agency", "household__subdistrict__district")
        .order_by("agency_id", "due_on", "pk")
    )
    by_agency: dict = {}
    for referral in overdue:
        by_agency.setdefault(referral.agency, []).append(referral)
    messages = []
    for agency, referrals in by_agency.items():
        to = inbox_owners(agency)
        if not to:
            continue
        lines = [
            f"- {_where(r)} · ควรเสร็จภายใน {format_be(r.due_on)} · {r.get_status_display()}\n"
            f"  {_url('referrals:detail', r.pk)}"
            for r in referrals
        ]
        body = (
            f"เรื่องส่งต่อถึง{agency.name_th}ที่เลยกำหนด {len(referrals):,} เรื่อง "
            f"(ข้อมูล ณ {format_be(today, 'long')}):\n\n" + "\n".join(lines) + "\n\n"
            "อีเมลนี้ไม่มีข้อมูลส่วนบุคคล รายละเอียดอยู่ในระบบเมื่อเข้าสู่ระบบ\n"
        )
        subject = f"คู่เสี่ยว: เรื่องส่งต่อเลยกำหนด {len(referrals):,} เรื่อง"
        messages.append(EmailMessage(subject, body, to=to))
    return messages


def send(messages) -> int:
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
