from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from kuseaw import backups


class Command(BaseCommand):
    help = (
        "สำรองฐานข้อมูลทั้งหมดเป็นไฟล์ pg_dump (รูปแบบ custom) ด้วย pg_dump รุ่นเดียวกับเซิร์ฟเวอร์ "
        "/ Back up the whole database with the pg_dump matching the server (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the file to write (default: kuseaw-YYYYMMDD-HHMMSS.dump in the current folder)",
        )

    def handle(self, *args, output, **options):
        name = f"kuseaw-{timezone.localtime():%Y%m%d-%H%M%S}.dump"
        path = Path(output or name)
        if path.exists():
            raise CommandError(f"มีไฟล์ {path} อยู่แล้ว / {path} exists: choose another name")
        try:
            tool = backups.dump(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"สำรองฐานข้อมูล {connection.settings_dict['NAME']} ไปที่ {path} "
                f"({size:,} ไบต์, {tool}) / backed up"
            )
        )
