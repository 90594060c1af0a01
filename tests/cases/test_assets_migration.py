"""The profiles' free-text livelihood assets moved into the five capitals of a draft entry
round (households/cases/migrations/0002): each piece in the capital its words name, the
whole text kept, nothing lost."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from households.cases import rules, services
from households.cases.models import CAPITAL_HINTS, CapitalKind, Round, RoundKind, RoundStatus
from tests import factories as f
from tests.cases.factories import assess

MIGRATION = "0002_reference_and_assets"

ASSETS = (
    "ที่ดินทำนา 5 ไร่, วัว 2 ตัว\n"
    "รถไถเดินตาม, จักรเย็บผ้า\n"
    "เงินออม 3,000 บาท, หนี้ ธ.ก.ส. 20,000 บาท\n"
    "สมาชิกกองทุนหมู่บ้าน, กลุ่มทอผ้า\n"
    "ทักษะจักสาน, แรงงานในบ้าน 2 คน\n"
)

SORTED = {
    CapitalKind.NATURAL: ["ที่ดินทำนา 5 ไร่", "วัว 2 ตัว"],
    CapitalKind.PHYSICAL: ["รถไถเดินตาม", "จักรเย็บผ้า"],
    CapitalKind.FINANCIAL: ["เงินออม 3,000 บาท", "หนี้ ธ.ก.ส. 20,000 บาท"],
    CapitalKind.SOCIAL: ["สมาชิกกองทุนหมู่บ้าน", "กลุ่มทอผ้า"],
    CapitalKind.HUMAN: ["ทักษะจักสาน", "แรงงานในบ้าน 2 คน"],
}


def assets_into_capitals():
    """Run the migration's function as `migrate` would, on the project's app registry."""
    migration = importlib.import_module(f"households.cases.migrations.{MIGRATION}")
    migration.assets_into_capitals(apps, None)


# -- sorting the pieces ---------------------------------------------------------------------
def test_each_piece_goes_into_the_capital_its_words_name():
    assert rules.sort_assets(ASSETS) == SORTED


@pytest.mark.parametrize("kind", CapitalKind.values)
def test_the_examples_each_capital_shows_sort_into_that_capital(kind):
    for example in CAPITAL_HINTS[kind].split():
        assert rules.sort_assets(example) == {kind: [example]}, example


def test_a_piece_naming_no_capital_is_kept_with_the_human_capital():
    assert rules.sort_assets("ขยัน อดทน") == {CapitalKind.HUMAN: ["ขยัน อดทน"]}


def test_a_comma_inside_a_number_does_not_split_a_piece():
    assert rules.sort_assets("เงินออม 12,500 บาท,หนี้ 3,000") == {
        CapitalKind.FINANCIAL: ["เงินออม 12,500 บาท", "หนี้ 3,000"]
    }


def test_blank_pieces_are_dropped_and_the_rest_kept_in_order():
    assert rules.sort_assets(" , ไก่ 20 ตัว,,\n\n  ปลาในบ่อ  ,") == {
        CapitalKind.NATURAL: ["ไก่ 20 ตัว", "ปลาในบ่อ"]
    }
    assert rules.sort_assets("") == {}


# -- the migration --------------------------------------------------------------------------
def test_the_migration_is_applied(db):
    applied = MigrationRecorder.Migration.objects.filter(app="households_cases")

    assert MIGRATION in set(applied.values_list("name", flat=True))


def test_a_households_assets_become_a_draft_entry_round_with_five_capitals(household, buddy):
    household.livelihood_assets = ASSETS
    household.save()

    assets_into_capitals()

    round_ = Round.objects.get(household=household)
    assert (round_.kind, round_.status, round_.official) == (
        RoundKind.ENTRY,
        RoundStatus.DRAFT,
        buddy,
    )
    assert round_.assessed_on == timezone.localdate()
    assert round_.steps_done == []
    capitals = {c.kind: c for c in round_.capitals.all()}
    assert set(capitals) == set(CapitalKind.values)
    for kind, pieces in SORTED.items():
        assert capitals[kind].items.splitlines() == pieces
        assert capitals[kind].score is None
    assert capitals[CapitalKind.HUMAN].note == f"ข้อมูลเดิม: {ASSETS}"
    household.refresh_from_db()
    assert household.livelihood_assets == ASSETS


def test_nothing_of_the_old_text_is_lost(household):
    household.livelihood_assets = ASSETS
    household.save()

    assets_into_capitals()

    capitals = Round.objects.get(household=household).capitals.all()
    items = [piece for c in capitals for piece in c.items.splitlines()]
    assert sorted(items) == sorted(p for pieces in SORTED.values() for p in pieces)
    assert ASSETS in "".join(c.note for c in capitals)


def test_households_without_assets_or_with_a_round_are_left_alone(household, buddy):
    assessed = f.PairingFactory(
        official=f.OfficialFactory(),
        household=f.HouseholdFactory(livelihood_assets="วัว 2 ตัว"),
        started_on=dt.date(2024, 2, 1),
    ).household
    assess(assessed, assessed.pairings.get().official, dt.date(2024, 3, 1))
    bare = f.HouseholdFactory(livelihood_assets="")

    assets_into_capitals()

    assert assessed.rounds.count() == 1
    assert not bare.rounds.exists()
    assert not household.rounds.exists()  # its assets are empty too


def test_a_household_without_a_buddy_gets_a_round_with_no_official(db):
    waiting = f.HouseholdFactory(livelihood_assets="ที่ดิน 3 ไร่")

    assets_into_capitals()

    round_ = waiting.rounds.get()
    assert round_.official is None
    assert round_.capitals.get(kind=CapitalKind.NATURAL).items == "ที่ดิน 3 ไร่"


def test_the_buddy_resumes_the_migrated_round(household, buddy):
    household.livelihood_assets = ASSETS
    household.save()
    assets_into_capitals()
    migrated = household.rounds.get()

    round_, created = services.round_start(
        household=household, official=buddy, assessed_on=dt.date(2024, 3, 1)
    )

    assert (round_, created) == (migrated, False)
