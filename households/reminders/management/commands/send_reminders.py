"""manage.py send_reminders: the weekly digest to each buddy, and to each organisation's
coordinators the referrals sent to it that are overdue (run it from cron once a week,
e.g. `0 7 * * 1 cd /srv/kuseaw && .venv/bin/python manage.py send_reminders`)."""

from django.core.management.base import BaseCommand

from households.referrals import notify
from households.reminders.services import send_weekly_digests
from kuseaw.thaidate import parse_be_date


class Command(BaseCommand):
    help = "ส่งอีเมลสรุปสิ่งที่ต้องทำใน 7 วันข้างหน้าให้เจ้าหน้าที่คู่เสี่ยวทุกคน"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="นับอย่างเดียว ไม่ส่งอีเมล")
        parser.add_argument("--date", help="วันที่ของรายงาน (พ.ศ. เช่น 07/12/2569; ค่าเริ่มต้น วันนี้)")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = parse_be_date(date) if date else None
        counts = send_weekly_digests(today, dry_run=dry_run)
        overdue = notify.overdue_notices(today)
        if not dry_run:
            notify.send(overdue)
        verb = "จะส่ง" if dry_run else "ส่งแล้ว"
        self.stdout.write(
            f"{verb} {counts['sent']:,} ฉบับ · ไม่มีงานครบกำหนด {counts['nothing_due']:,} คน"
            f" · เรื่องส่งต่อเลยกำหนดถึง {len(overdue):,} หน่วยงาน"
        )
