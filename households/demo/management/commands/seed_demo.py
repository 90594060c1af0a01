import time

from django.core.management.base import BaseCommand, CommandError

from households.demo.builder import (
    DEFAULT_HOUSEHOLDS,
    DEFAULT_OFFICIALS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DemoDataError,
    DemoDataExists,
    demo_data_seed,
)

COUNT_LABELS = [
    ("households", "ครัวเรือน / households"),
    ("members", "สมาชิก / members"),
    ("officials", "เจ้าหน้าที่คู่เสี่ยว / officials"),
    ("users", "บัญชีผู้ใช้ / users"),
    ("pairings_open", "จับคู่อยู่ / open pairings"),
    ("pairings_ended", "จับคู่ที่สิ้นสุดแล้ว / ended pairings"),
    ("unpaired", "ยังไม่มีคู่เสี่ยว / unpaired households"),
    ("visits", "การเยี่ยมบ้าน / visits"),
    ("aid_records", "การช่วยเหลือ / aid records"),
    ("rounds", "รอบการสำรวจ / assessment rounds"),
    ("problems", "ปัญหา / problems"),
    ("problems_open", "ปัญหาที่ยังไม่แก้ / open problems"),
    ("actions", "กิจกรรมตามแผน / plan actions"),
    ("aid_linked", "การช่วยเหลือที่ผูกกับปัญหา / aid records linked to problems"),
    ("graduations", "พ้นความยากจน / graduations"),
    ("graduations_waiting", "รออนุมัติพ้นความยากจน / graduations waiting for approval"),
    ("relapses", "กลับเข้าสู่ความยากจน / relapses"),
]


class Command(BaseCommand):
    help = (
        "สร้างข้อมูลตัวอย่างของโครงการ (ครัวเรือน เจ้าหน้าที่ การจับคู่ การเยี่ยมบ้าน การช่วยเหลือ "
        "รอบการสำรวจ แผนพัฒนาครัวเรือน การพ้นความยากจน) "
        "และบัญชีทดลองทั้ง 5 บทบาท / Create demo programme data and one login per role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--households",
            type=int,
            default=DEFAULT_HOUSEHOLDS,
            help=f"จำนวนครัวเรือน (default {DEFAULT_HOUSEHOLDS})",
        )
        parser.add_argument(
            "--officials",
            type=int,
            default=DEFAULT_OFFICIALS,
            help=f"จำนวนเจ้าหน้าที่คู่เสี่ยว (default {DEFAULT_OFFICIALS})",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same data (default 1)"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="ลบข้อมูลโครงการเดิมก่อน / delete the existing programme data and demo users first",
        )

    def handle(self, *args, households, officials, seed, replace, **options):
        started = time.monotonic()
        try:
            counts = demo_data_seed(
                households=households,
                officials=officials,
                seed=seed,
                replace=replace,
                stdout=self.stdout if options["verbosity"] > 1 else None,
            )
        except DemoDataExists as exc:
            raise CommandError(
                f"{exc}\nใช้ --replace เพื่อลบข้อมูลโครงการเดิมแล้วสร้างใหม่ / "
                "Use --replace to delete it and seed again."
            ) from None
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"สร้างข้อมูลตัวอย่างเสร็จใน {seconds:.1f} วินาที / Demo data created in {seconds:.1f} s"
            )
        )
        for key, label in COUNT_LABELS:
            self.stdout.write(f"  {counts[key]:>9,}  {label}")
        logins = ", ".join(username for username, _, _ in DEMO_LOGINS)
        self.stdout.write(f"บัญชีทดลอง / demo logins: {logins} (รหัสผ่าน / password {DEMO_PASSWORD})")
