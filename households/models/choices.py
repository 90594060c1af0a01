"""The programme's fixed vocabularies for a household: status, poverty level, cause, needs."""

from django.db import models

from agencies.models import Need

MONEY = {"max_digits": 12, "decimal_places": 2}


class Status(models.TextChoices):
    ACTIVE = "active", "อยู่ในโครงการ"
    GRADUATED = "graduated", "พ้นเส้นความยากจน"
    MOVED = "moved", "ย้ายออก"
    DECEASED = "deceased", "เสียชีวิต/ยุบครัวเรือน"


class PovertyLevel(models.IntegerChoices):
    """The programme's four levels; the number sorts poorest first."""

    STRUGGLING = 1, "อยู่ลำบาก"
    HARD = 2, "อยู่ยาก"
    GETTING_BY = 3, "อยู่พอได้"
    WELL = 4, "อยู่ดี"


class Cause(models.TextChoices):
    LACK_OF_OPPORTUNITY = "lack", "ขาดโอกาส"
    SELF_EXCLUDED = "self", "ตัดโอกาสเอง"


# The five TPMAP dimensions of need as (household field name, Thai label), in the
# programme's order of priority (agencies.models.Need): the first flagged is the main need.
NEED_DIMENSIONS = [(f"need_{need.value}", need.label) for need in Need]
