"""Reference data: Khon Kaen's districts, subdistricts and the programme's agencies."""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
FIXTURE_FILES = ("districts.json", "subdistricts.json", "agencies.json")


def reference_fixtures_build(*, source: Path, target: Path = FIXTURES_DIR) -> dict[str, int]:
    """Turn the CSVs in shared/data into Django fixtures in fixtures/; returns rows per file."""

    def rows(name):
        with open(source / name, encoding="utf-8-sig", newline="") as handle:
            return [
                {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)
            ]

    districts = [
        {
            "model": "agencies.district",
            "pk": r["code"],
            "fields": {"name_th": r["name_th"], "name_en": r["name_en"]},
        }
        for r in rows("khon_kaen_districts.csv")
    ]
    subdistricts = [
        {
            "model": "agencies.subdistrict",
            "pk": r["code"],
            "fields": {
                "district": r["district_code"],
                "name_th": r["name_th"],
                "name_en": r["name_en"],
                "postal_code": r["postal_code"],
            },
        }
        for r in rows("khon_kaen_subdistricts.csv")
    ]
    agencies = [
        {
            "model": "agencies.agency",
            "fields": {
                "code": r["code"],
                "name_th": r["name_th"],
                "name_en": r["name_en"],
                "short_name_th": r["short_name_th"],
                "sector": r["sector"],
            },
        }
        for r in rows("agencies.csv")
    ]
    target.mkdir(exist_ok=True)
    counts = {}
    for name, data in zip(FIXTURE_FILES, (districts, subdistricts, agencies), strict=True):
        (target / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        counts[name] = len(data)
    return counts


def reference_data_load(*, apps=None, overwrite_agencies: bool = False) -> dict[str, int]:
    """Create or update the reference rows from fixtures/; safe to run any number of times.

    Districts and subdistricts follow the fixtures exactly. Agencies are only created
    when missing, because admins edit them (the list is not the programme's official
    one); `overwrite_agencies` resets them to the fixture. `apps` is a migration's
    historical app registry, so the data migration and the command share this code.
    """
    if apps is None:
        from django.apps import apps
    District = apps.get_model("agencies", "District")
    Subdistrict = apps.get_model("agencies", "Subdistrict")
    Agency = apps.get_model("agencies", "Agency")

    def load(name):
        return json.loads((FIXTURES_DIR / name).read_text("utf-8"))

    counts = {"districts": 0, "subdistricts": 0, "agencies_created": 0}
    with transaction.atomic():
        for item in load("districts.json"):
            District.objects.update_or_create(code=item["pk"], defaults=item["fields"])
            counts["districts"] += 1
        for item in load("subdistricts.json"):
            fields = dict(item["fields"])
            fields["district_id"] = fields.pop("district")
            Subdistrict.objects.update_or_create(code=item["pk"], defaults=fields)
            counts["subdistricts"] += 1
        for item in load("agencies.json"):
            fields = dict(item["fields"])
            code = fields.pop("code")
            if overwrite_agencies:
                Agency.objects.update_or_create(code=code, defaults=fields)
            else:
                _, created = Agency.objects.get_or_create(code=code, defaults=fields)
                counts["agencies_created"] += created
    return counts
