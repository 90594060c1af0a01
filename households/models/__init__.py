"""The case file's models, one module per part; import them from here.

choices (status, levels, causes, needs) ← measures (the programme's measures) ← household
(Household and the querysets that scope it); members; records (visits, aid); keeping (what
the features keep on a household: imports, the access log, consent).
"""

from households.models.choices import MONEY, NEED_DIMENSIONS, Cause, PovertyLevel, Status
from households.models.household import Household, HouseholdQuerySet
from households.models.keeping import (
    AccessAction,
    AccessLog,
    Consent,
    ConsentDecision,
    ConsentMethod,
    ImportJob,
    ImportKind,
    ImportStatus,
)
from households.models.measures import (
    income_threshold,
    no_recent_visit,
    overdue_q,
    paired_ids,
    reaches_income_threshold,
    visit_overdue_cutoff,
)
from households.models.members import (
    MEMBER_PROFILE_FIELDS,
    Education,
    Member,
    MemberQuerySet,
    Relation,
    Sex,
)
from households.models.records import AidCategory, AidRecord, AidStatus, Visit, VisitKind

__all__ = [
    "MEMBER_PROFILE_FIELDS",
    "MONEY",
    "NEED_DIMENSIONS",
    "AccessAction",
    "AccessLog",
    "AidCategory",
    "AidRecord",
    "AidStatus",
    "Cause",
    "Consent",
    "ConsentDecision",
    "ConsentMethod",
    "Education",
    "Household",
    "HouseholdQuerySet",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Member",
    "MemberQuerySet",
    "PovertyLevel",
    "Relation",
    "Sex",
    "Status",
    "Visit",
    "VisitKind",
    "income_threshold",
    "no_recent_visit",
    "overdue_q",
    "paired_ids",
    "reaches_income_threshold",
    "visit_overdue_cutoff",
]
