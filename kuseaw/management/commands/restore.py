from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kuseaw import backups


class Command(BaseCommand):
    help = (
        "กู้คืนฐานข้อมูลจากไฟล์ที่ได้จาก manage.py backup (หรือ pg_dump -Fc) "
        "/ Restore a backup: into a new database with --into NAME, or over the configured one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .dump file written by manage.py backup")
        parser.add_argument(
            "--into",
            metavar="NAME",
            help="create this new database on the same server and restore into it "
            "(the configured database is not touched)",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="replace the configured database without asking",
        )

    def handle(self, *args, file, into, interactive, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ {file}")
        target = into or connection.settings_dict["NAME"]
        if not into and interactive:
            answer = input(
                f"ข้อมูลทั้งหมดในฐานข้อมูล {target} จะถูกแทนที่ด้วยข้อมูลจาก {path} "
                f"พิมพ์ {target} เพื่อยืนยัน / type the database name to replace it: "
            )
            if answer.strip() != target:
                raise CommandError("ยกเลิกการกู้คืน / restore cancelled")
        try:
            if into:
                backups.create_database(into)
            tool = backups.restore(path, target)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"กู้คืน {path} ลงฐานข้อมูล {target} แล้ว ({tool}) / restored")
        )
