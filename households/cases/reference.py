"""The case plan's reference data: the indicators (from shared/data/tpmap_indicators.csv)
and the suggested actions, as fixtures in fixtures/ loaded by a data migration and by
`manage.py load_case_reference`. Admins edit both afterwards; a load never overwrites an
edit, it only fills a table that is still empty.
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
INDICATORS_FILE = "indicators.json"
SUGGESTIONS_FILE = "suggested_actions.json"

# The shared file's `applies_to` wording → AppliesTo (households.cases.models).
APPLIES_TO = {
    "household": "household",
    "children under 1 year": "born_last_year",
    "members aged 3-5": "aged_3_5",
    "members aged 6-14": "aged_6_14",
    "members aged 6+": "aged_6_plus",
    "members who finished ม.3": "finished_m3",
    "members aged 15-59": "aged_15_59",
    "members aged 60+": "aged_60_plus",
    "members with a disability": "disabled",
}


class ReferenceError(ValueError):
    """The shared file holds something this code cannot map; the message says what."""


def _indicator_rows(source: Path) -> list[dict[str, str]]:
    """The rows of tpmap_indicators.csv. An indicator's wording may hold an unquoted comma
    ("2,500 กรัม"): the first two and the last two columns are fixed, so what lies between
    them is the wording, commas included."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader)]
        text_at = header.index("indicator_th")
        tail = len(header) - text_at - 1
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                text = ",".join(cells[text_at : len(cells) - tail])
                cells = [*cells[:text_at], text, *cells[len(cells) - tail :]]
            rows.append({name: cell.strip() for name, cell in zip(header, cells, strict=True)})
    return rows


def indicators_fixture_build(*, source: Path, target: Path = FIXTURES_DIR) -> int:
    """fixtures/indicators.json from tpmap_indicators.csv; returns the number of rows."""
    rows = _indicator_rows(source)
    data = []
    for order, row in enumerate(rows, start=1):
        applies_to = APPLIES_TO.get(row["applies_to"])
        if applies_to is None:
            raise ReferenceError(f"{row['code']}: unknown applies_to {row['applies_to']!r}")
        data.append(
            {
                "model": "households_cases.indicator",
                "fields": {
                    "code": row["code"],
                    "dimension": row["dimension"],
                    "text": row["indicator_th"],
                    "applies_to": applies_to,
                    "how_measured": row["how_measured"],
                    # The income indicator is answered from the round's own figures.
                    "from_income": "threshold" in row["how_measured"],
                    "order": order,
                },
            }
        )
    target.mkdir(exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    (target / INDICATORS_FILE).write_text(text, "utf-8")
    return len(data)


def case_reference_load(*, apps=None) -> dict[str, int]:
    """Load the indicators and the suggested actions, each only while there is none yet, so
    an admin's rewording, retirement or deletion stays as they left it."""
    if apps is None:
        from django.apps import apps
    Indicator = apps.get_model("households_cases", "Indicator")
    SuggestedAction = apps.get_model("households_cases", "SuggestedAction")
    Agency = apps.get_model("agencies", "Agency")

    def load(name):
        return json.loads((FIXTURES_DIR / name).read_text("utf-8"))

    counts = {"indicators_created": 0, "suggestions_created": 0}
    with transaction.atomic():
        if not Indicator.objects.exists():
            for item in load(INDICATORS_FILE):
                Indicator.objects.create(**item["fields"])
                counts["indicators_created"] += 1
        if not SuggestedAction.objects.exists():
            agencies = dict(Agency.objects.values_list("code", "pk"))
            indicators = dict(Indicator.objects.values_list("code", "pk"))
            for order, item in enumerate(load(SUGGESTIONS_FILE), start=1):
                SuggestedAction.objects.create(
                    indicator_id=indicators.get(item.get("indicator", "")),
                    dimension=item["dimension"],
                    cause=item.get("cause", ""),
                    what=item["what"],
                    owner_kind=item.get("owner", "agency"),
                    agency_id=agencies.get(item.get("agency", "")),
                    due_in_days=item.get("days", 30),
                    order=order,
                )
                counts["suggestions_created"] += 1
    return counts
