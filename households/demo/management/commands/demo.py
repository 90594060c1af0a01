import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from households.demo.builder import DEFAULT_HOUSEHOLDS, DEMO_LOGINS, DEMO_PASSWORD
from households.models import Household


class Command(BaseCommand):
    help = (
        "เปิดระบบทดลอง: migrate, สร้างข้อมูลตัวอย่างถ้ายังไม่มีครัวเรือน, แสดงบัญชีทดลอง "
        "แล้วเปิดเว็บที่ http://127.0.0.1:PORT / Run the local demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="default 8000")
        parser.add_argument(
            "--households",
            type=int,
            default=DEFAULT_HOUSEHOLDS,
            help=f"households to seed when the database has none (default {DEFAULT_HOUSEHOLDS})",
        )

    def handle(self, *args, port, households, **options):
        # runserver's autoreloader runs this command again in a child process: the
        # database is ready by then, so the child only serves.
        worker = None
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            self.prepare(households=households)
            # The background worker for large imports (django-tasks-db), beside the server.
            worker = subprocess.Popen(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker"]
            )
            self.stdout.write("เปิดตัวประมวลผลงานเบื้องหลัง (db_worker) แล้ว / task worker started")
            self.stdout.write(self.style.SUCCESS(f"เปิดระบบทดลองที่ http://127.0.0.1:{port}/"))
        try:
            call_command("runserver", f"127.0.0.1:{port}")
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def prepare(self, *, households: int) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("ฐานข้อมูลพร้อมแล้ว / database migrated")
        if Household.objects.exists():
            self.stdout.write("มีข้อมูลครัวเรือนอยู่แล้ว ไม่สร้างข้อมูลตัวอย่างเพิ่ม / data already there")
        else:
            try:
                call_command("seed_demo", households=households, stdout=self.stdout)
            except CommandError as exc:
                # e.g. officials left over without households: serve what is there.
                self.stderr.write(str(exc))
        self.stdout.write("\nบัญชีทดลอง (Demo logins) — รหัสผ่าน / password: " + DEMO_PASSWORD)
        for username, role, scope in DEMO_LOGINS:
            self.stdout.write(f"  {username:<17} {role.label} — {scope}")
        self.stdout.write("")
