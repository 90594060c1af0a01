from django.core.management.base import BaseCommand

from agencies.services import reference_data_load


class Command(BaseCommand):
    help = "Create or update districts, subdistricts and agencies from fixtures/ (safe to rerun)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite-agencies",
            action="store_true",
            help="Reset agencies to the fixture (by default admins' edits are kept).",
        )

    def handle(self, *args, overwrite_agencies, **options):
        counts = reference_data_load(overwrite_agencies=overwrite_agencies)
        self.stdout.write(
            f"อำเภอ {counts['districts']}, ตำบล {counts['subdistricts']}, "
            f"หน่วยงานใหม่ {counts['agencies_created']}"
        )
