"""Which offers fit a household's open problem, best first, and why (issue 15).

The rule, in one place:
- an offer is suggested only when it is open today (Offer.objects.open_on), has a place
  left (its capacity less the referrals accepted or done for it), is offered in the
  household's district (Offer.objects.serving), and each criterion it names fits: the
  problem's dimension among its `needs`, the household's cause among its `causes`, and
  someone it is for — the problem's member, or for a problem of the whole household any
  current member — of its sex and within its ages (a member whose birth date is unknown
  fits no age limit);
- each criterion named and met adds to the score (the dimension 3, the cause 2, the
  district named by the offer or its organisation 1, each of its skills found in the
  occupations or the latest round's human capital 2), and says why in Thai;
- best first: the higher score, then the offer that ends sooner, then its title.
An empty criterion suits everyone and adds nothing: a narrower offer that fits comes
before a general one.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from households.cases.models import Capital, CapitalKind, RoundStatus
from households.models import Cause
from households.referrals.models import Offer

DIMENSION_POINTS = 3
CAUSE_POINTS = 2
DISTRICT_POINTS = 1
SKILL_POINTS = 2


@dataclass
class Suggestion:
    offer: Offer
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    # Who in the household the offer is for (the members it fits), by name.
    for_members: list[str] = field(default_factory=list)


def offers_for(problem, *, today: dt.date | None = None) -> list[Suggestion]:
    """The offers that fit `problem` (households.cases.Problem), best first, each with
    its reasons. Three queries whatever the number of offers."""
    today = today or timezone.localdate()
    household = problem.household
    district = household.subdistrict.district
    offers = (
        Offer.objects.open_on(today)
        .serving(district)
        .with_open_places()
        .filter(open_places__gt=0)
        .select_related("agency")
        .prefetch_related("districts", "agency__districts")
    )
    people = [problem.member] if problem.member_id else list(household.members.current())
    texts = _skill_texts(household, people)
    found = []
    for offer in offers:
        suggestion = _fit(offer, problem, household, district, people, texts, today)
        if suggestion is not None:
            found.append(suggestion)
    found.sort(key=lambda s: (-s.score, s.offer.ends_on or dt.date.max, s.offer.title))
    return found


def _fit(offer, problem, household, district, people, texts, today) -> Suggestion | None:
    suggestion = Suggestion(offer)
    if offer.needs:
        if problem.dimension not in offer.needs:
            return None
        suggestion.score += DIMENSION_POINTS
        suggestion.reasons.append(f"ช่วยปัญหา{problem.get_dimension_display()}")
    if offer.causes:
        if household.cause not in offer.causes:
            return None
        suggestion.score += CAUSE_POINTS
        suggestion.reasons.append(f"เหมาะกับครัวเรือนที่{Cause(household.cause).label}")
    fitting = [person for person in people if _person_fits(offer, person, today)]
    if not fitting:
        return None
    suggestion.for_members = [person.full_name for person in fitting]
    if offer.min_age is not None or offer.max_age is not None or offer.sex:
        suggestion.reasons.append(f"{_who_text(offer)}: {', '.join(suggestion.for_members)}")
    named = {d.pk for d in offer.districts.all()} or {d.pk for d in offer.agency.districts.all()}
    if district.pk in named:
        suggestion.score += DISTRICT_POINTS
        suggestion.reasons.append(f"ให้บริการในอำเภอ{district.name_th}")
    for word in offer.skill_words:
        if any(word in text for text in texts):
            suggestion.score += SKILL_POINTS
            suggestion.reasons.append(f"ทักษะหรืออาชีพตรงกัน: {word}")
    return suggestion


def _person_fits(offer, person, today) -> bool:
    if offer.sex and person.sex != offer.sex:
        return False
    if offer.min_age is None and offer.max_age is None:
        return True
    age = person.age_on(today)
    if age is None:
        return False
    return (offer.min_age is None or age >= offer.min_age) and (
        offer.max_age is None or age <= offer.max_age
    )


def _who_text(offer) -> str:
    parts = []
    if offer.sex:
        parts.append(f"เพศ{offer.get_sex_display()}")
    if offer.min_age is not None and offer.max_age is not None:
        parts.append(f"อายุ {offer.min_age}–{offer.max_age} ปี")
    elif offer.min_age is not None:
        parts.append(f"อายุ {offer.min_age} ปีขึ้นไป")
    elif offer.max_age is not None:
        parts.append(f"อายุไม่เกิน {offer.max_age} ปี")
    return "เหมาะกับ" + " ".join(parts)


def _skill_texts(household, people) -> list[str]:
    """Where a skill may be written: the occupations of the people it is for, and the
    human capital (items and note) of the household's latest complete round."""
    texts = [person.occupation for person in people if person.occupation]
    human = (
        Capital.objects.filter(
            round__household=household, round__status=RoundStatus.COMPLETE, kind=CapitalKind.HUMAN
        )
        .order_by("-round__assessed_on", "-round_id")
        .values_list("items", "note")
        .first()
    )
    if human:
        texts += [text for text in human if text]
    return texts
