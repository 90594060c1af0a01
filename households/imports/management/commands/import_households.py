import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from households.imports import services
from households.imports.files import FileProblem
from households.imports.mapping import JobMapping, MappingProblem, describe, rules_from_file
from households.imports.models import SavedMapping
from households.imports.report import ImportFailed
from households.models import ImportJob, ImportKind, ImportStatus

MAPPING_HINT = "กำหนดคอลัมน์ด้วย --mapping ชื่อที่บันทึกไว้ในหน้านำเข้าข้อมูล หรือไฟล์ JSON"


class Command(BaseCommand):
    help = (
        "นำเข้าครัวเรือนและสมาชิก (หรือเจ้าหน้าที่/การจับคู่ ด้วย --kind) จากไฟล์ .xlsx/.csv "
        "(ตรวจทุกแถว แล้วบันทึกทั้งไฟล์ในครั้งเดียว) "
        "/ Import households with their members; --dry-run only checks. Columns are matched "
        "by their headers, or as --mapping says (a saved mapping's name or a JSON file)."
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
        parser.add_argument(
            "--mapping",
            help="households: the column mapping, by the name it was saved under on the import "
            'page, or a JSON file: {"households": {"columns": {"header": "field"}, '
            '"fixed": {"district": "บ้านไผ่"}}, "members": {...}} (fields by key or Thai name; '
            '"" = not imported); columns it does not name are matched by their headers',
        )
        parser.add_argument(
            "--save-mapping", metavar="NAME", help="households: save the mapping used under NAME"
        )
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="households: write the valid rows and leave out those with errors "
            "(default: all or nothing)",
        )
        parser.add_argument(
            "--rejected",
            metavar="PATH",
            help="with --valid-rows-only: write the rows left out to PATH (.xlsx, the file's "
            "own layout with the reasons)",
        )

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
        households_only = ("mapping", "save_mapping", "valid_rows_only", "rejected")
        if kind != ImportKind.HOUSEHOLDS and any(options.get(name) for name in households_only):
            raise CommandError(
                "--mapping, --save-mapping, --valid-rows-only และ --rejected "
                "ใช้กับ --kind households เท่านั้น"
            )
        if options["rejected"] and not options["valid_rows_only"]:
            raise CommandError("--rejected ใช้คู่กับ --valid-rows-only")
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
        if kind == ImportKind.HOUSEHOLDS:
            job = self._map(job, importer, **options)
        job = services.import_preview(job=job)
        self._columns(job)
        if options["rejected"] and job.rejected_data is not None:
            Path(options["rejected"]).write_bytes(bytes(job.rejected_data))
            self.stdout.write(f"แถวที่ไม่ได้นำเข้า: {options['rejected']}")
        if job.status == ImportStatus.PREVIEWED and not dry_run:
            try:
                job = services.import_apply(job=job)
            except ImportFailed:
                job.refresh_from_db()
        self._report(job, dry_run=dry_run)
        if job.status == ImportStatus.FAILED:
            message = job.message or "นำเข้าไม่สำเร็จ"
            if message.startswith(services.AUTOMATIC_MAPPING_FAILED):
                message += f" · {MAPPING_HINT}"
            raise CommandError(message)

    def _map(self, job: ImportJob, importer, *, mapping, save_mapping, valid_rows_only, **_):
        """The column mapping: --mapping's, or none (matched by the headers) unless the
        mapping is to be saved or only the valid rows written."""
        if not (mapping or save_mapping or valid_rows_only):
            return job
        rules = self._rules(mapping) if mapping else None
        job = services.import_mapping_open(job=job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message)
        proposal = services.import_mapping_proposal(job, rules=rules)
        try:
            return services.import_mapping_set(
                job=job,
                mapping=proposal.mapping,
                valid_rows_only=valid_rows_only,
                save_as=save_mapping or "",
                user=importer,
            )
        except MappingProblem as problem:
            services.import_mapping_fail(job=job, problem=FileProblem(str(problem)))
            raise CommandError(
                "กำหนดคอลัมน์ไม่ได้: " + " · ".join(problem.problems) + f" · {MAPPING_HINT}"
            ) from None

    def _rules(self, mapping: str) -> dict:
        path = Path(mapping)
        if mapping.lower().endswith(".json") or path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except (OSError, ValueError) as error:
                raise CommandError(f"อ่านไฟล์การกำหนดคอลัมน์ {mapping} ไม่ได้: {error}") from None
            try:
                return rules_from_file(data)
            except MappingProblem as problem:
                raise CommandError(" · ".join(problem.problems)) from None
        saved = SavedMapping.objects.filter(name=mapping, kind=ImportKind.HOUSEHOLDS).first()
        if saved is None:
            names = ", ".join(SavedMapping.objects.values_list("name", flat=True)) or "ยังไม่มี"
            raise CommandError(f"ไม่พบการกำหนดคอลัมน์ชื่อ «{mapping}» (ที่บันทึกไว้: {names})")
        return saved.rules

    def _columns(self, job: ImportJob) -> None:
        """Every column of the file: which field it filled, or that it was not imported."""
        for table in describe(JobMapping.from_json(job.column_mapping)):
            imported = ", ".join(f"{header} → {label}" for header, label, _ in table["imported"])
            self.stdout.write(f"{table['title']}: นำเข้า {imported}")
            for label, value in table["fixed"]:
                self.stdout.write(f"{table['title']}: {label} = «{value}» ทุกแถว")
            if table["not_imported"]:
                left = ", ".join(header for header, _ in table["not_imported"])
                self.stdout.write(f"{table['title']}: ไม่ได้นำเข้า {left} (not imported)")

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
        if job.status == ImportStatus.APPLIED:
            if job.message:
                self.stderr.write(job.message)
            self.stdout.write(self.style.SUCCESS("นำเข้าเรียบร้อยแล้ว / imported"))
        elif dry_run and job.status == ImportStatus.PREVIEWED:
            self.stdout.write("ตรวจสอบอย่างเดียว ไม่ได้บันทึก / dry run: nothing written")
