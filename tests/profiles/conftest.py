"""A household with a whole case file for the family profile, its neighbours in and out of
each role's scope, and reading a PDF's text as a person would search it."""

import datetime as dt
import io
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader

from households.cases.models import (
    Action,
    ActionStatus,
    Answer,
    AnswerValue,
    Capital,
    CapitalKind,
    Indicator,
    OwnerKind,
    Problem,
    ProblemStatus,
    Round,
    RoundKind,
    RoundStatus,
    SolvedBy,
)
from households.models import AidStatus, PovertyLevel
from tests import factories as f

HEAD_NAME = "นางคำแพง ศรีสุขใจ"
HEAD_ID = f.national_id_for(424242)


def pdf_text(data: bytes) -> str:
    """The text of every page, as a search finds it: without white space (text extraction
    puts a space where a tone mark is placed apart, e.g. after ปั่) and in NFKC (the PDF
    writes ำ as ํ + า, its compatibility decomposition)."""
    reader = PdfReader(io.BytesIO(data))
    return searchable("".join(page.extract_text() for page in reader.pages))


def searchable(text: str) -> str:
    return unicodedata.normalize("NFKC", "".join(text.split()))


def pages_text(data: bytes) -> list[str]:
    return [searchable(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def complete_round(household, official, *, assessed_on=dt.date(2025, 6, 1)) -> Round:
    return Round.objects.create(
        household=household,
        kind=RoundKind.ENTRY,
        assessed_on=assessed_on,
        official=official,
        status=RoundStatus.COMPLETE,
        members=4,
        annual_income=Decimal("96000"),
        debts=Decimal("45000"),
        threshold=38000,
        suggested_level=PovertyLevel.HARD,
        level=PovertyLevel.STRUGGLING,
        level_reason="หัวหน้าครัวเรือนป่วยเรื้อรัง",
        steps_done=["figures"],
    )


@pytest.fixture
def own(official_a):
    """Official A's household in เมืองขอนแก่น, with a head, a child, an entry round and a
    later one, capitals, unmet indicators, a plan, visits and aid."""
    household = f.HouseholdFactory(code="KK-OWN-1", subdistrict=f.subdistrict("400101"))
    title, rest = HEAD_NAME[:3], HEAD_NAME[3:]
    first, last = rest.split(" ")
    head = f.MemberFactory(
        household=household,
        title=title,
        first_name=first,
        last_name=last,
        sex="f",
        national_id=HEAD_ID,
        birth_date=dt.date(1970, 3, 1),
        chronic_illness="เบาหวาน",
    )
    child = f.MemberFactory(
        household=household,
        title="ด.ช.",
        first_name="ปิ่นทอง",
        last_name=last,
        relation="child",
        is_head=False,
        birth_date=dt.date(2012, 8, 1),
    )
    f.PairingFactory(official=official_a, household=household, started_on=dt.date(2024, 2, 1))
    older = complete_round(household, official_a, assessed_on=dt.date(2024, 2, 10))
    Capital.objects.create(round=older, kind=CapitalKind.HUMAN, score=1, items="ของรอบเก่า")
    latest = complete_round(household, official_a)
    Capital.objects.create(
        round=latest, kind=CapitalKind.HUMAN, score=2, items="ทอผ้าไหม จักสาน", note="แรงงาน 2 คน"
    )
    Capital.objects.create(
        round=latest, kind=CapitalKind.NATURAL, score=3, items="ที่นา 5 ไร่ บ่อน้ำ 1 บ่อ"
    )
    living = Indicator.objects.get(code="L1")
    reading = Indicator.objects.get(code="E4")
    Answer.objects.create(
        round=latest,
        indicator=living,
        asked_text=living.text,
        value=AnswerValue.NOT_MET,
        note="หลังคารั่ว",
    )
    Answer.objects.create(
        round=latest,
        indicator=reading,
        member=head,
        asked_text=reading.text,
        value=AnswerValue.NOT_MET,
    )
    roof = Problem.objects.create(
        household=household,
        dimension=living.dimension,
        indicator=living,
        title=living.text,
        found_in=latest,
        opened_on=latest.assessed_on,
    )
    Action.objects.create(
        problem=roof,
        what="ซ่อมหลังคาบ้านกับโครงการบ้านพอเพียง",
        owner_kind=OwnerKind.AGENCY,
        agency=f.AgencyFactory(code="CDD"),
        due_on=dt.date(2025, 8, 30),
        status=ActionStatus.IN_PROGRESS,
    )
    Problem.objects.create(
        household=household,
        dimension=reading.dimension,
        indicator=reading,
        member=head,
        title=reading.text,
        found_in=latest,
        opened_on=latest.assessed_on,
        status=ProblemStatus.SOLVED,
        solved_by=SolvedBy.HOUSEHOLD,
        closed_on=dt.date(2025, 9, 1),
    )
    for day in (
        dt.date(2025, 7, 1),
        dt.date(2025, 8, 1),
        dt.date(2025, 9, 1),
        dt.date(2025, 10, 1),
    ):
        f.VisitFactory(
            household=household, official=official_a, visited_on=day, findings=f"เยี่ยม {day}"
        )
    f.AidRecordFactory(
        household=household,
        title="พันธุ์ไก่ไข่ 20 ตัว",
        partner="มหาวิทยาลัยขอนแก่น",
        value=Decimal("3000"),
        status=AidStatus.DONE,
    )
    household.head, household.child = head, child
    return household


@pytest.fixture
def other(official_b):
    """Official B's household in บ้านไผ่ (4010): outside official A's, coordinator A's and
    เมืองขอนแก่น's district staff's scope."""
    household = f.HouseholdFactory(code="BP-OTHER-1", subdistrict=f.subdistrict("401001"))
    f.MemberFactory(household=household, first_name="บุญมี", last_name="ทองดี")
    f.PairingFactory(official=official_b, household=household)
    return household


@pytest.fixture
def waiting(db):
    """A household of เมืองขอนแก่น (another subdistrict) that never had a buddy."""
    household = f.HouseholdFactory(code="KK-WAIT-1", subdistrict=f.subdistrict("400102"))
    f.MemberFactory(household=household, first_name="สมหญิง", last_name="รอคอย")
    return household
