"""The indicators and suggested actions from fixtures/, and the profiles' free-text
livelihood assets moved into the five capitals of a first (draft) entry round: each piece
in the capital its words name, the whole text kept in the human capital's note."""

from django.db import migrations
from django.utils import timezone


def load_reference(apps, schema_editor):
    from households.cases.reference import case_reference_load

    case_reference_load(apps=apps)


def assets_into_capitals(apps, schema_editor):
    from households.cases.rules import sort_assets

    Household = apps.get_model("households", "Household")
    Round = apps.get_model("households_cases", "Round")
    Capital = apps.get_model("households_cases", "Capital")
    Pairing = apps.get_model("officials", "Pairing")
    buddies = dict(
        Pairing.objects.filter(ended_on__isnull=True).values_list("household_id", "official_id")
    )
    today = timezone.localdate()
    in_programme = Household.objects.filter(status="active").exclude(livelihood_assets="")
    for household in in_programme.iterator():
        if Round.objects.filter(household=household).exists():
            continue
        round_ = Round.objects.create(
            household=household,
            kind="entry",
            assessed_on=max(today, household.joined_on),
            official_id=buddies.get(household.pk),
            note="สร้างจากข้อมูลสินทรัพย์เดิมของแฟ้มครัวเรือน รอคู่เสี่ยวสำรวจให้ครบ",
        )
        pieces = sort_assets(household.livelihood_assets)
        for kind in ("human", "natural", "physical", "financial", "social"):
            note = ""
            if kind == "human":
                note = f"ข้อมูลเดิม: {household.livelihood_assets}"
            Capital.objects.create(
                round=round_, kind=kind, items="\n".join(pieces.get(kind, [])), note=note
            )


class Migration(migrations.Migration):
    dependencies = [
        ("households_cases", "0001_initial"),
        ("agencies", "0002_reference_data"),
        ("officials", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_reference, migrations.RunPython.noop),
        migrations.RunPython(assets_into_capitals, migrations.RunPython.noop),
    ]
