from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from households.imports import services
from households.imports.files import FileProblem
from households.imports.report import ImportFailed
from households.models import ImportKind


class Command(BaseCommand):
    help = (
        "นำเข้าครัวเรือนและสมาชิก (หรือเจ้าหน้าที่/การจับคู่ ด้วย --kind) จากไฟล์ .xlsx/.csv "
        "(ตรวจทุกแถว แล้วบันทึกทั้งไฟล์ในครั้งเดียว) "
        "/ Import households with their members; --dry-run only checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="households, officials or pairings file (.xlsx or .csv)")
        parser.add_argument(
            "--kind",
            choices=ImportKind.values,
            default=ImportKind.HOUSEHOLDS,
            help="what the file holds: households (default), officials or pairings",
        )
        parser.add_argument("--members", help="members in a second file, keyed by household code")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--user", help="username recorded as the importer (audit trail)")

    def handle(self, *args, file, kind, members, dry_run, user, **options):
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"ไม่พบผู้ใช้ {user}") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ไม่พบไฟล์ {file}")
        if members and kind != ImportKind.HOUSEHOLDS:
            raise CommandError("--members ใช้กับ --kind households เท่านั้น")
        members_path = Path(members) if members else None
        try:
            job = services.import_job_create(
                user=importer,
                kind=kind,
                file_name=path.name,
                data=path.read_bytes(),
                members_file_name=members_path.name if members_path else "",
                members_data=members_path.read_bytes() if members_path else None,
            )
        except FileProblem as problem:
            raise CommandError(str(problem)) from None
        job = services.import_preview(job=job)
        if job.status == "previewed" and not dry_run:
            try:
                job = services.import_apply(job=job)
            except ImportFailed:
                job.refresh_from_db()
        self._report(job, dry_run=dry_run)
        if job.status == "failed":
            raise CommandError(job.message or "นำเข้าไม่สำเร็จ")

    def _report(self, job, *, dry_run):
        counts = job.counts or {}
        self.stdout.write(
            f"ใหม่ {counts.get('new', 0)} · แก้ไข {counts.get('updated', 0)} · "
            f"ไม่เปลี่ยนแปลง {counts.get('unchanged', 0)} · ผิดพลาด {counts.get('error', 0)} "
            f"(new {counts.get('new', 0)}, updated {counts.get('updated', 0)}, "
            f"unchanged {counts.get('unchanged', 0)}, error {counts.get('error', 0)})"
        )
        if job.kind == ImportKind.HOUSEHOLDS:
            self.stdout.write(
                f"สมาชิก: ใหม่ {counts.get('members_new', 0)}"
                f" · แก้ไข {counts.get('members_updated', 0)}"
                f" · ไม่เปลี่ยนแปลง {counts.get('members_unchanged', 0)}"
            )
        for error in job.row_errors[:200]:
            sheet = f"{error['sheet']} " if error.get("sheet") else ""
            column = f", {error['column']}" if error.get("column") else ""
            self.stderr.write(f"{sheet}แถว {error['row']}{column}: {error['message']}")
        if job.status == "applied":
            self.stdout.write(self.style.SUCCESS("นำเข้าเรียบร้อยแล้ว / imported"))
        elif dry_run and job.status == "previewed":
            self.stdout.write("ตรวจสอบอย่างเดียว ไม่ได้บันทึก / dry run: nothing written")
