"""The indicators are data from the shared file, and admins' edits to them stick: a reworded
or retired indicator keeps every old answer readable as it was asked."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F, ProtectedError

from households.cases import services
from households.cases.models import AnswerValue, AppliesTo, Indicator, SuggestedAction
from households.cases.reference import (
    FIXTURES_DIR,
    INDICATORS_FILE,
    ReferenceError,
    case_reference_load,
    indicators_fixture_build,
)
from tests.cases.factories import assess, indicator

SHARED_CSV = Path(settings.BASE_DIR).parent / "shared" / "data" / "tpmap_indicators.csv"
HEADER = "code,dimension,indicator_th,applies_to,how_measured"

# How the shared file names whom an indicator is asked about.
WHOM = {
    "household": AppliesTo.HOUSEHOLD,
    "children under 1 year": AppliesTo.BORN_LAST_YEAR,
    "members aged 3-5": AppliesTo.AGED_3_5,
    "members aged 6-14": AppliesTo.AGED_6_14,
    "members aged 6+": AppliesTo.AGED_6_PLUS,
    "members who finished ม.3": AppliesTo.FINISHED_M3,
    "members aged 15-59": AppliesTo.AGED_15_59,
    "members aged 60+": AppliesTo.AGED_60_PLUS,
    "members with a disability": AppliesTo.DISABLED,
}


def shared_rows() -> list[dict]:
    """The shared file read line by line: two columns, the wording (which may hold an
    unquoted comma), two columns."""
    header, *lines = SHARED_CSV.read_text("utf-8-sig").splitlines()
    assert header == HEADER
    rows = []
    for line in filter(str.strip, lines):
        cells = line.split(",")
        rows.append(
            {
                "code": cells[0],
                "dimension": cells[1],
                "text": ",".join(cells[2:-2]),
                "applies_to": WHOM[cells[-2]],
                "how_measured": cells[-1],
            }
        )
    return rows


def test_the_seventeen_indicators_are_the_shared_files_rows_in_order(db):
    loaded = list(
        Indicator.objects.order_by("order").values(
            "code", "dimension", "text", "applies_to", "how_measured"
        )
    )

    assert loaded == shared_rows()
    assert len(loaded) == 17
    assert Indicator.objects.filter(is_active=True).count() == 17


def test_the_newborns_weight_keeps_its_comma(db):
    h1 = indicator("H1")

    assert h1.text == "เด็กแรกเกิดมีน้ำหนัก 2,500 กรัมขึ้นไป"
    assert h1.applies_to == AppliesTo.BORN_LAST_YEAR
    assert h1.how_measured == "per child born in the last 12 months"


def test_only_the_income_line_is_answered_from_the_figures(db):
    assert list(Indicator.objects.filter(from_income=True).values_list("code", flat=True)) == ["I3"]


def test_rebuilding_the_fixture_from_the_shared_file_gives_the_committed_one(tmp_path):
    assert indicators_fixture_build(source=SHARED_CSV, target=tmp_path) == 17

    rebuilt = (tmp_path / INDICATORS_FILE).read_text("utf-8")
    assert rebuilt == (FIXTURES_DIR / INDICATORS_FILE).read_text("utf-8")


def test_a_quoted_comma_reads_the_same_as_an_unquoted_one(tmp_path):
    source = tmp_path / "indicators.csv"
    source.write_text(
        f"{HEADER}\n"
        'H1,health,"เด็กแรกเกิดมีน้ำหนัก 2,500 กรัมขึ้นไป",children under 1 year,per child\n'
        "H9,health,กินผัก 3,4 หรือ 5 วัน,household,yes/no\n",
        "utf-8",
    )
    indicators_fixture_build(source=source, target=tmp_path / "out")

    text = (tmp_path / "out" / INDICATORS_FILE).read_text("utf-8")
    assert '"text": "เด็กแรกเกิดมีน้ำหนัก 2,500 กรัมขึ้นไป"' in text
    assert '"text": "กินผัก 3,4 หรือ 5 วัน"' in text


def test_a_row_asked_of_someone_unknown_is_refused_by_its_code(tmp_path):
    source = tmp_path / "indicators.csv"
    source.write_text(f"{HEADER}\nX1,health,ถามใคร,members aged 100+,yes/no\n", "utf-8")

    with pytest.raises(ReferenceError, match="X1"):
        indicators_fixture_build(source=source, target=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_loading_again_keeps_what_admins_reworded_retired_or_deleted(db):
    h2 = indicator("H2")
    h2.text = "ครัวเรือนกินอาหารสุก สะอาด ปลอดภัย"
    h2.save()
    Indicator.objects.filter(code="L3").update(is_active=False)
    Indicator.objects.filter(code="A2").delete()  # never answered, so it may go
    suggestions = SuggestedAction.objects.count()
    dropped = SuggestedAction.objects.order_by("id").first()
    dropped.delete()

    counts = case_reference_load()

    assert counts == {"indicators_created": 0, "suggestions_created": 0}
    assert indicator("H2").text == "ครัวเรือนกินอาหารสุก สะอาด ปลอดภัย"
    assert indicator("L3").is_active is False
    assert not Indicator.objects.filter(code="A2").exists()
    assert SuggestedAction.objects.count() == suggestions - 1
    assert not SuggestedAction.objects.filter(what=dropped.what).exists()


def test_each_suggested_action_fits_its_indicator_and_names_its_agency(db):
    suggestions = SuggestedAction.objects.all()

    assert suggestions.count() > 17
    tied = suggestions.filter(indicator__isnull=False)
    assert not tied.exclude(dimension=F("indicator__dimension")).exists()
    assert not suggestions.filter(owner_kind="agency", agency__isnull=True).exists()


# -- rewording and retiring ---------------------------------------------------------------
def test_a_reworded_indicator_keeps_old_answers_and_problems_as_they_were_asked(household, buddy):
    first = assess(household, buddy, dt.date(2024, 3, 1), not_met={"L1"})
    l1 = indicator("L1")
    asked = l1.text
    l1.text = "บ้านมีสภาพคงทน ไม่รั่ว อยู่ได้อย่างน้อย 5 ปี"
    l1.save()

    later = assess(household, buddy, dt.date(2024, 9, 1), not_met={"L1"})

    assert first.answers.get(indicator=l1).asked_text == asked
    assert later.answers.get(indicator=l1).asked_text == "บ้านมีสภาพคงทน ไม่รั่ว อยู่ได้อย่างน้อย 5 ปี"
    problem = household.problems.get(indicator=l1)
    assert problem.title == asked  # the open problem is the one found first
    assert problem.found_in == first


def test_a_retired_indicator_keeps_its_answers_but_is_not_asked_in_a_new_round(household, buddy):
    first = assess(household, buddy, dt.date(2024, 3, 1), not_met={"L2"})
    Indicator.objects.filter(code="L2").update(is_active=False)

    later, _ = services.round_start(
        household=household, official=buddy, assessed_on=dt.date(2024, 9, 1)
    )

    old = first.answers.get(indicator__code="L2")
    assert (old.asked_text, old.value) == (indicator("L2").text, AnswerValue.NOT_MET)
    asked = [ind.code for ind, _ in services.questions_for(later, "living")]
    assert asked == ["L1", "L3", "L4"]


def test_an_answered_indicator_cannot_be_deleted_only_retired(household, buddy):
    assess(household, buddy, dt.date(2024, 3, 1))

    with pytest.raises(ProtectedError):
        indicator("H2").delete()
    assert Indicator.objects.filter(code="H2").exists()


def test_an_empty_database_gets_every_indicator_and_suggestion(db):
    suggestions = SuggestedAction.objects.count()
    Indicator.objects.all().delete()  # and with them their suggestions
    SuggestedAction.objects.all().delete()

    counts = case_reference_load()

    assert counts == {"indicators_created": 17, "suggestions_created": suggestions}
    assert list(Indicator.objects.order_by("order").values_list("text", flat=True)) == [
        row["text"] for row in shared_rows()
    ]
