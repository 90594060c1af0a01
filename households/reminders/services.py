"""Sending the reminders (manage.py send_reminders, run by cron)."""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from households.reminders.digest import DIGEST_DAYS, weekly_digest
from officials.models import Official


def send_weekly_digests(today: dt.date | None = None, *, dry_run: bool = False) -> dict:
    """One e-mail to each buddy at work (an active official with an e-mail address and
    households with something due); how many were sent and skipped."""
    today = today or timezone.localdate()
    officials = (
        Official.objects.filter(is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = nothing_due = 0
    messages = []
    for official in officials:
        households = weekly_digest(official, today)
        if not households:
            nothing_due += 1
            continue
        body = render_to_string(
            "reminders/weekly_digest.txt",
            {
                "official": official,
                "households": households,
                "days": DIGEST_DAYS,
                "today": today,
                "site_url": settings.KUSEAW_SITE_URL,
            },
        )
        subject = f"คู่เสี่ยว: สิ่งที่ต้องทำใน {DIGEST_DAYS} วันข้างหน้า ({len(households)} ครัวเรือน)"
        messages.append(EmailMessage(subject, body, to=[official.user.email]))
        sent += 1
    if not dry_run and messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return {"sent": sent, "nothing_due": nothing_due}
