"""The demo's small draws and sums that need no database.

Schooling by age, the poverty level a buddy would judge from income per person, splitting
a total in proportion to weights (largest remainder), and moving a value to the front of a
shuffled list. The random ones take the builder's generator, so the builder's order of
random calls decides the data (builder.py).
"""

import random

from households.demo.words import ADULT_EDUCATION
from households.models import Education, PovertyLevel

# Annual income per person (baht) below which each level is the usual judgement.
LEVEL_CEILINGS = [
    (12_000, PovertyLevel.STRUGGLING),
    (24_000, PovertyLevel.HARD),
    (38_000, PovertyLevel.GETTING_BY),
]
SCHOOL_LEVELS = {Education.PRIMARY, Education.LOWER_SECONDARY, Education.UPPER_SECONDARY}


def draw_education(age: int, rng: random.Random) -> str:
    """Highest level reached (or being studied) at this age."""
    if age < 3:
        return ""
    if age < 6:
        return Education.PRESCHOOL
    if age < 12:
        return Education.PRIMARY
    if age < 15:
        return Education.LOWER_SECONDARY
    if age < 18:
        return Education.UPPER_SECONDARY
    band = "young" if age < 30 else "middle" if age < 60 else "elder"
    table = ADULT_EDUCATION[band]
    return rng.choices([level for level, _ in table], weights=[w for _, w in table])[0]


def draw_poverty_level(income_per_person: float, rng: random.Random) -> int:
    """Mostly follows income per person (the จปฐ. line is 38,000 baht a year), with noise:
    the level is the buddy's judgement, not a formula."""
    level = next(
        (level for ceiling, level in LEVEL_CEILINGS if income_per_person < ceiling),
        PovertyLevel.WELL,
    )
    shift = rng.choices([-1, 0, 1], weights=[15, 70, 15])[0]
    return min(PovertyLevel.WELL, max(PovertyLevel.STRUGGLING, level + shift))


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder); everyone gets at least
    one when there are enough to go round."""
    floor = 1 if total >= len(weights) else 0
    rest = total - floor * len(weights)
    whole = sum(weights) or 1
    shares = [rest * w / whole for w in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: rest - sum(counts)]:
        counts[i] += 1
    return [count + floor for count in counts]


def move_to_front(items: list, value) -> None:
    """Swap the first `value` to index 0 (keeps the counts of a shuffled list)."""
    if value in items:
        i = items.index(value)
        items[0], items[i] = items[i], items[0]
