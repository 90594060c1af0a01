from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.services import reference_fixtures_build


class Command(BaseCommand):
    help = "Build fixtures/ (districts, subdistricts, agencies) from the CSVs in ../shared/data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path, default=Path(settings.BASE_DIR).parent / "shared" / "data"
        )

    def handle(self, *args, source, **options):
        if not (source / "khon_kaen_districts.csv").exists():
            raise CommandError(f"ไม่พบข้อมูลอ้างอิงใน {source}")
        for name, count in reference_fixtures_build(source=source).items():
            self.stdout.write(f"fixtures/{name}: {count} rows")
