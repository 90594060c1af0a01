from django.core.management.base import BaseCommand

from households.cases.reference import case_reference_load


class Command(BaseCommand):
    help = (
        "Load the indicators and suggested actions from fixtures/ into empty tables "
        "(the data migration does this once; admins' edits are never overwritten)."
    )

    def handle(self, *args, **options):
        counts = case_reference_load()
        self.stdout.write(
            f"ตัวชี้วัดใหม่ {counts['indicators_created']}, "
            f"กิจกรรมที่แนะนำใหม่ {counts['suggestions_created']}"
        )
