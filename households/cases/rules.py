"""The case plan's rules, each written once: who an indicator is asked about, the suggested
poverty level, when the next round is due, who solved a problem, and whether a household
may graduate. Pure functions of their arguments (and settings); no query here.
"""

import calendar
import datetime as dt
import re
from decimal import Decimal

from django.conf import settings

from agencies.models import Need
from households.cases.models import AppliesTo, CapitalKind
from households.models import Education, PovertyLevel

# The suggested level: below this share of the line a household is อยู่ลำบาก, and so it is
# below the line with at least this many unmet indicators (income aside).
STRUGGLING_SHARE = Decimal("0.5")
STRUGGLING_UNMET = 5
# A child who finished ม.3 is asked about going on to ม.4 up to this age.
FINISHED_M3_MAX_AGE = 18


def fits(applies_to: str, member, on: dt.date) -> bool:
    """Whether a per-member indicator is asked about `member` on day `on`."""
    if applies_to == AppliesTo.HOUSEHOLD:
        return False
    if applies_to == AppliesTo.DISABLED:
        return bool(member.disability.strip())
    age = member.age_on(on)
    if age is None:
        return False
    match applies_to:
        case AppliesTo.BORN_LAST_YEAR:
            return age == 0
        case AppliesTo.AGED_3_5:
            return 3 <= age <= 5
        case AppliesTo.AGED_6_14:
            return 6 <= age <= 14
        case AppliesTo.AGED_6_PLUS:
            return age >= 6
        case AppliesTo.FINISHED_M3:
            return member.education == Education.LOWER_SECONDARY and age <= FINISHED_M3_MAX_AGE
        case AppliesTo.AGED_15_59:
            return 15 <= age <= 59
        case AppliesTo.AGED_60_PLUS:
            return age >= 60
    return False


def income_per_person(annual_income, members) -> Decimal | None:
    if not members or annual_income is None:
        return None
    return (Decimal(annual_income) / members).quantize(Decimal("0.01"))


def reaches_line(annual_income, members, threshold: int) -> bool:
    """Income per person per year at or above the line (as households.models measures it:
    income ≥ line × members, no rounding; with no member the line is not reached)."""
    return bool(members) and annual_income is not None and annual_income >= threshold * members


def suggested_level(annual_income, members, threshold: int, unmet: int) -> int:
    """The poverty level the app suggests for a round; the buddy confirms or overrides it.

    * อยู่ลำบาก: income per person below half the line, or below the line with
      STRUGGLING_UNMET or more unmet indicators;
    * อยู่ยาก: income below the line;
    * อยู่พอได้: income at or above the line, some indicator unmet;
    * อยู่ดี: income at or above the line and every indicator met.

    `unmet` counts the indicators (not answers) not met, the income indicator aside.
    """
    if not reaches_line(annual_income, members, threshold):
        half = threshold * STRUGGLING_SHARE
        if annual_income is None or not members or annual_income < half * members:
            return PovertyLevel.STRUGGLING
        return PovertyLevel.STRUGGLING if unmet >= STRUGGLING_UNMET else PovertyLevel.HARD
    return PovertyLevel.GETTING_BY if unmet else PovertyLevel.WELL


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_round_due(joined_on: dt.date, last_round_on: dt.date | None) -> dt.date:
    """The entry round is due on joining; each later one KUSEAW_ASSESSMENT_MONTHS after
    the last completed round."""
    if last_round_on is None:
        return joined_on
    return add_months(last_round_on, settings.KUSEAW_ASSESSMENT_MONTHS)


def solved_by(*, helped: bool) -> str:
    """Who solved a problem a later round found solved: the programme when an action of its
    plan was done or aid was given for it, else the household itself."""
    return "programme" if helped else "household"


def graduation_shortfalls(
    *, annual_income, members, threshold: int, level: int | None, unmet_dimensions, agrees: bool
) -> list[str]:
    """What keeps a household from graduating, in Thai (empty: it may), against its latest
    round and the criteria of KUSEAW_GRADUATION."""
    criteria = settings.KUSEAW_GRADUATION
    shortfalls = []
    if criteria["income_at_threshold"] and not reaches_line(annual_income, members, threshold):
        shortfalls.append(f"รายได้ต่อคนต่อปียังต่ำกว่าเกณฑ์ จปฐ. ({threshold:,} บาท)")
    for dimension in criteria["no_unmet_in"]:
        if dimension in unmet_dimensions:
            shortfalls.append(f"ยังมีตัวชี้วัด{Need(dimension).label}ที่ไม่ผ่าน")
    if level is None or level < criteria["min_level"]:
        wanted = PovertyLevel(criteria["min_level"]).label
        shortfalls.append(f"ระดับความยากจนยังไม่ถึง{wanted}")
    if criteria["household_agrees"] and not agrees:
        shortfalls.append("ครัวเรือนยังไม่ได้แสดงความเห็นด้วย")
    return shortfalls


def relapsed(*, annual_income, members, threshold: int, new_unmet: int) -> bool:
    """A follow-up check finds a relapse: income below the line, or an indicator newly unmet."""
    return new_unmet > 0 or not reaches_line(annual_income, members, threshold)


# The livelihood-asset words the free-text assets of the profile were sorted by when they
# moved into the five capitals (the migration); anything else stays in the human capital's
# note with the full original text, so nothing is lost. Thai has no spaces between words, so
# where a piece holds words of two capitals the longest names it (กองทุนหมู่บ้าน, a village
# fund, is social although หมู and บ้าน are in it).
CAPITAL_WORDS = {
    CapitalKind.NATURAL: (
        "ที่ดิน",
        "ไร่",
        "นา",
        "สวน",
        "บ่อ",
        "น้ำ",
        "สัตว์",
        "วัว",
        "ควาย",
        "ไก่",
        "หมู",
        "ปลา",
    ),
    CapitalKind.PHYSICAL: ("รถ", "เครื่อง", "บ้าน", "โรงเรือน", "จักร", "อุปกรณ์", "เครื่องมือ", "ยานพาหนะ"),
    CapitalKind.FINANCIAL: ("เงิน", "ออม", "หนี้", "กู้", "สินเชื่อ", "รายได้"),
    CapitalKind.SOCIAL: ("กลุ่ม", "กองทุน", "เครือข่าย", "สหกรณ์", "ชมรม", "วิสาหกิจ"),
    CapitalKind.HUMAN: ("ทักษะ", "ฝีมือ", "แรงงาน", "ความรู้", "ทอ", "จักสาน", "ช่าง"),
}


def sort_assets(text: str) -> dict[str, list[str]]:
    """Split free-text assets (commas, newlines; not the comma in "3,000") into the capitals
    their words name."""
    pieces = (p.strip() for line in text.splitlines() for p in re.split(r",(?!\d)|(?<!\d),", line))
    sorted_parts: dict[str, list[str]] = {}
    for part in filter(None, pieces):
        found = [(len(w), k) for k, words in CAPITAL_WORDS.items() for w in words if w in part]
        kind = max(found, key=lambda match: match[0])[1] if found else CapitalKind.HUMAN
        sorted_parts.setdefault(kind, []).append(part)
    return sorted_parts
