"""Data-subject rights (PDPA): consent, everything held about one person, anonymisation.

Writes are services (`consent_record`, `household_anonymise`), each in one transaction
with the acting user in the change history; reading everything about a person is
`person_data`, its sheets written by kuseaw.spreadsheets. Who may do each is decided in
households.access.
"""

import datetime as dt
from decimal import Decimal

import pghistory
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Case, Func, Q, Value, When
from django.db.models.functions import Cast, ExtractYear, Replace
from django.utils import timezone
from pghistory.models import Events

from households.audit import describe_person, log_access
from households.cases.models import Action as CaseAction
from households.cases.models import Answer, Capital, FollowUpCheck, Graduation, Problem, Round
from households.cases.services import follow_up_open_until
from households.history import ACTION_LABELS, HIDDEN_FIELDS
from households.models import (
    AccessAction,
    AccessLog,
    AidRecord,
    Consent,
    ConsentDecision,
    Household,
    Member,
    Status,
    Visit,
)
from kuseaw.national_id import format_national_id
from kuseaw.spreadsheets import Sheet, to_xlsx
from kuseaw.thaidate import format_be
from officials.models import Official, Pairing


class PrivacyError(Exception):
    """The request cannot be carried out; the message is Thai and safe to show."""


# --- consent ---------------------------------------------------------------------------


def consent_record(*, consent: Consent, by) -> Consent:
    """Save a new consent record (validated by its form) and make the household's
    consent_given / consent_date follow the latest decision."""
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=consent.household_id)
        consent.recorded_by = by
        consent.full_clean()
        consent.save()
        latest = household.consents.order_by("-decided_on", "-id").first()
        household.consent_given = latest.decision == ConsentDecision.GIVEN
        household.consent_date = latest.decided_on if household.consent_given else None
        household.save(update_fields=["consent_given", "consent_date", "updated_at"])
    return consent


# --- anonymisation ---------------------------------------------------------------------

MASKED_NAME = "ปกปิดข้อมูล"
MASKED_TEXT = "ปกปิดข้อมูลแล้ว"
MASKED_PRESENT = "มี (ปกปิดรายละเอียด)"


def _present(name: str):
    """Keep whether a free-text health field was filled in (a statistic), not what it said."""
    return Case(When(**{name: ""}, then=Value("")), default=Value(MASKED_PRESENT))


def _birth_year_only(name: str):
    """The birth year kept as 1 July of that year, so ages stay right within half a year."""
    return Func(
        Cast(ExtractYear(name), models.IntegerField()),
        Value(7),
        Value(1),
        function="make_date",
        output_field=models.DateField(),
    )


# What anonymising replaces, for the live rows and the same columns of their history
# events. Everything else stays: places, poverty level, incomes, member count, sex,
# relations, dates of visits and aid, aid category, value and status.
SCRUBBED = {
    Household: {
        "house_no": lambda: Value("-"),
        "phone": lambda: Value(""),
        "livelihood_assets": lambda: Value(""),
    },
    Member: {
        "title": lambda: Value(""),
        "first_name": lambda: Value(MASKED_NAME),
        "last_name": lambda: Value(""),
        "national_id": lambda: Value(None, output_field=models.CharField()),
        "birth_date": lambda: _birth_year_only("birth_date"),
        "occupation": lambda: Value(""),
        "phone": lambda: Value(""),
        "disability": lambda: _present("disability"),
        "chronic_illness": lambda: _present("chronic_illness"),
    },
    Visit: {"findings": lambda: Value(MASKED_TEXT), "needs_observed": lambda: Value("")},
    AidRecord: {"outcome": lambda: Value("")},
    Pairing: {"end_note": lambda: Value("")},
    # The case plan (households.cases): its free text, not its figures or statuses.
    Round: {"note": lambda: Value(""), "level_reason": lambda: Value("")},
    Problem: {"note": lambda: Value("")},
    CaseAction: {"what": lambda: Value(MASKED_TEXT), "note": lambda: Value("")},
}
# Free text of the case plan's records that keep no history.
SCRUBBED_UNTRACKED = {
    Answer: ("round__household_id", {"note": ""}),
    Capital: ("round__household_id", {"items": "", "note": ""}),
    Graduation: (
        "household_id",
        {"evidence": MASKED_TEXT, "decision_reason": "", "reopen_reason": ""},
    ),
    FollowUpCheck: ("graduation__household_id", {"note": ""}),
}


def _scrub(model, rows: Q, events: Q) -> None:
    """Replace the personal fields of the matching rows and of the matching history events."""
    values = SCRUBBED[model]
    model.objects.filter(rows).update(**{name: make() for name, make in values.items()})
    event_model = model.pgh_event_models["update"]
    event_model.objects.filter(events).update(**{name: make() for name, make in values.items()})


def anonymise_refusal(household: Household) -> str | None:
    """Why this household cannot be anonymised (Thai), or None when it can."""
    if household.anonymised_at is not None:
        when = format_be(household.anonymised_at, "short_time")
        return f"ครัวเรือนนี้ปกปิดข้อมูลส่วนบุคคลไปแล้วเมื่อ {when}"
    if household.status == Status.ACTIVE:
        return (
            "ครัวเรือนที่ยังอยู่ในโครงการปกปิดข้อมูลไม่ได้ ต้องเปลี่ยนสถานะเป็น"
            "พ้นเส้นความยากจน ย้ายออก หรือเสียชีวิต/ยุบครัวเรือนก่อน"
        )
    if Pairing.objects.open().filter(household=household).exists():
        return "ครัวเรือนนี้ยังมีคู่เสี่ยวดูแลอยู่ ต้องสิ้นสุดการจับคู่ก่อนปกปิดข้อมูล"
    if until := follow_up_open_until(household):
        return f"ครัวเรือนนี้อยู่ในช่วงติดตามหลังพ้นความยากจนถึง {format_be(until)} ปกปิดข้อมูลได้เมื่อติดตามครบแล้ว"
    return None


def household_anonymise(*, household: Household, actor) -> Household:
    """Remove the personal data of a household that left the programme, keeping every
    figure the dashboards count. `actor` is the request (its path is logged) or the user.

    The live rows are changed first, so the history records the act (who, when, and
    «ปกปิดข้อมูลส่วนบุคคลเมื่อ») without personal data; then the copies that earlier history
    events and the admin's log hold are scrubbed the same way.
    """
    user = getattr(actor, "user", actor)
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        if refusal := anonymise_refusal(household):
            raise PrivacyError(refusal)
        member_events = Member.pgh_event_models["update"].objects
        ever_here = set(
            member_events.filter(household_id=household.pk).values_list("pgh_obj_id", flat=True)
        ) | set(household.members.values_list("pk", flat=True))
        # A member who moved on to another household keeps their record there.
        moved_on = Member.objects.filter(pk__in=ever_here).exclude(household=household)
        member_ids = ever_here - set(moved_on.values_list("pk", flat=True))
        names = _full_names(member_ids)
        with pghistory.context(user=getattr(user, "pk", None), anonymised=household.code):
            Household.objects.filter(pk=household.pk).update(anonymised_at=timezone.now())
            in_household = Q(household_id=household.pk)
            _scrub(Household, Q(pk=household.pk), Q(pgh_obj_id=household.pk))
            _scrub(Member, in_household, in_household)
            _scrub(Visit, in_household, in_household)
            _scrub(AidRecord, in_household, in_household)
            _scrub(Pairing, in_household, in_household)
            _scrub(Round, in_household, in_household)
            _scrub(Problem, in_household, in_household)
            # Problems the buddy named in their own words (not an indicator's wording).
            own_words = in_household & Q(indicator_id__isnull=True)
            Problem.objects.filter(own_words).update(title=MASKED_TEXT)
            Problem.pgh_event_models["update"].objects.filter(own_words).update(title=MASKED_TEXT)
            problem_ids = set(
                Problem.pgh_event_models["update"]
                .objects.filter(in_household)
                .values_list("pgh_obj_id", flat=True)
            )
            in_problems = Q(problem_id__in=problem_ids)
            _scrub(CaseAction, in_problems, in_problems)
            for model, (by_household, values) in SCRUBBED_UNTRACKED.items():
                model.objects.filter(**{by_household: household.pk}).update(**values)
        Consent.objects.filter(household=household).update(
            witness=_present("witness"), note=Value("")
        )
        _scrub_admin_log(household, member_ids, names)
        log_access(actor, AccessAction.HOUSEHOLD_ANONYMISED, household=household)
    household.refresh_from_db()
    return household


def _full_names(member_ids) -> set[str]:
    """Every name these members were ever recorded under (history included)."""
    names = set()
    rows = Member.pgh_event_models["update"].objects.filter(pgh_obj_id__in=member_ids)
    # (Names only, to find them in the admin's log: this runs before the scrub.)
    for title, first, last in rows.values_list("title", "first_name", "last_name"):
        names.add(f"{title}{first} {last}")
    for member in Member.objects.filter(pk__in=member_ids):
        names.add(member.full_name)
    return {name for name in names if name.strip()}


def _scrub_admin_log(household, member_ids, names) -> None:
    """The Django admin's own log names members (object_repr, and the household's change
    messages for its inline member rows)."""
    member_type = ContentType.objects.get_for_model(Member)
    household_type = ContentType.objects.get_for_model(Household)
    LogEntry.objects.filter(
        content_type=member_type, object_id__in=[str(pk) for pk in member_ids]
    ).update(object_repr=MASKED_NAME)
    entries = LogEntry.objects.filter(
        Q(content_type=household_type, object_id=str(household.pk))
        | Q(content_type=member_type, object_id__in=[str(pk) for pk in member_ids])
    )
    for name in names:
        entries.update(change_message=Replace("change_message", Value(name), Value(MASKED_NAME)))


# --- everything held about one person --------------------------------------------------

# How the writer shows the times of the history and of the access log, given to it as they
# are (the record sheets' dates are already text, from `_value`, in the same style).
DATES = "numeric_time"


def _value(model, name, value):
    """A stored value as the person would read it: labels for choices, BE dates, Thai yes/no."""
    if value is None or value == "":
        return ""
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed: the raw value
        return str(value)
    if name == "national_id":
        return format_national_id(str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(model_field, models.DateTimeField):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        return format_be(moment, "numeric_time")
    if isinstance(model_field, models.DateField):
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        return format_be(day, "numeric")
    if isinstance(model_field, models.DecimalField):
        return Decimal(str(value))
    if isinstance(model_field, models.ForeignKey):
        return str(value)
    return value


def _record_sheet(title: str, model, objects, names: list[str]) -> Sheet:
    header = [str(model._meta.get_field(name).verbose_name) for name in names]
    rows = [[_value(model, name, _attr(obj, name)) for name in names] for obj in objects]
    return Sheet(title, header, rows)


def _attr(obj, name):
    value = getattr(obj, name)
    return str(value) if isinstance(value, models.Model) else value


MEMBER_FIELDS = ["household", "title", "first_name", "last_name", "national_id", "birth_date"]
MEMBER_FIELDS += ["sex", "relation", "is_head", "education", "occupation", "income", "phone"]
MEMBER_FIELDS += ["disability", "chronic_illness", "has_welfare_card", "left_on", "updated_at"]
HOUSEHOLD_FIELDS = [
    f.name
    for f in Household._meta.concrete_fields
    if f.name not in ("id", "subdistrict", "anonymised_at")
]
VISIT_FIELDS = ["household", "visited_on", "kind", "official", "findings", "needs_observed"]
VISIT_FIELDS += ["income_reported", "next_follow_up", "created_at"]
AID_FIELDS = ["household", "category", "title", "agency", "partner", "given_on", "value"]
AID_FIELDS += ["status", "outcome", "created_at"]
PAIRING_FIELDS = ["household", "official", "started_on", "ended_on", "end_reason", "end_note"]
OFFICIAL_FIELDS = ["user", "national_id", "agency", "district", "position", "phone", "is_active"]
CONSENT_FIELDS = ["household", "decision", "decided_on", "method", "given_by", "witness", "note"]
CONSENT_FIELDS += ["recorded_by", "recorded_at"]


def person_data(national_id: str) -> tuple[list[Sheet], list[Household]] | None:
    """Everything held about the person with this national ID (13 digits): their member
    records (under every household they were in), those households with their visits, aid,
    buddies and consent, the change history of those rows and the access log of those
    households. Other members' own records are left out: they are other people's data.
    None when nothing at all is held about the ID.
    """
    member_events = Member.pgh_event_models["update"].objects
    member_ids = set(Member.objects.filter(national_id=national_id).values_list("pk", flat=True))
    member_ids |= set(
        member_events.filter(national_id=national_id).values_list("pgh_obj_id", flat=True)
    )
    officials = list(Official.objects.filter(national_id=national_id).select_related("user"))
    if not member_ids and not officials:
        return None
    members = list(Member.objects.filter(pk__in=member_ids).select_related("household"))
    household_ids = {m.household_id for m in members} | set(
        member_events.filter(pgh_obj_id__in=member_ids).values_list("household_id", flat=True)
    )
    households = list(
        Household.objects.filter(pk__in=household_ids).select_related("subdistrict__district")
    )
    sheets = [
        _record_sheet("บุคคล", Member, members, MEMBER_FIELDS),
        _household_sheet(households),
        _record_sheet(
            "การเยี่ยม",
            Visit,
            Visit.objects.filter(household__in=households).select_related(
                "household", "official__user"
            ),
            VISIT_FIELDS,
        ),
        _record_sheet(
            "การช่วยเหลือ",
            AidRecord,
            AidRecord.objects.filter(household__in=households).select_related(
                "household", "agency"
            ),
            AID_FIELDS,
        ),
        _record_sheet(
            "คู่เสี่ยว",
            Pairing,
            Pairing.objects.filter(household__in=households).select_related(
                "household", "official__user"
            ),
            PAIRING_FIELDS,
        ),
        _record_sheet(
            "ความยินยอม",
            Consent,
            Consent.objects.filter(household__in=households).select_related(
                "household", "given_by", "recorded_by"
            ),
            CONSENT_FIELDS,
        ),
        _history_sheet(households, member_ids),
        _access_sheet(household_ids),
    ]
    if officials:
        sheet = _record_sheet("เจ้าหน้าที่", Official, officials, OFFICIAL_FIELDS)
        sheet.header.insert(0, "ชื่อ-นามสกุล")
        for row, official in zip(sheet.rows, officials, strict=True):
            row.insert(0, official.full_name)
        sheets.append(sheet)
    return sheets, households


def _household_sheet(households) -> Sheet:
    sheet = _record_sheet("ครัวเรือน", Household, households, HOUSEHOLD_FIELDS)
    sheet.header.append("ที่อยู่")
    for row, household in zip(sheet.rows, households, strict=True):
        row.append(household.address)
    return sheet


def _history_sheet(households, member_ids) -> Sheet:
    """The change history of these households' rows; of members, only this person's."""
    sheet = Sheet("ประวัติการแก้ไข", ["เมื่อ", "โดย", "รายการ", "ข้อมูล"])
    if not households:
        return sheet
    member_model = "households.MemberEvent"
    wanted = {str(pk) for pk in member_ids}
    events = [
        event
        for event in Events.objects.references(*households).order_by("pgh_created_at", "pgh_id")
        if event.pgh_model != member_model or str(event.pgh_obj_id) in wanted
    ]
    users = _users_of(events)
    related = _RelatedNames()
    for event in events:
        model = _tracked_model(event.pgh_model)
        user = users.get((event.pgh_context or {}).get("user"))
        if event.pgh_label == "update" and event.pgh_diff:
            changes = [
                f"{_label(model, name)}: {related.show(model, name, old) or '–'}"
                f" → {related.show(model, name, new) or '–'}"
                for name, (old, new) in _in_field_order(model, event.pgh_diff)
            ]
        else:  # a whole row as inserted or deleted: its filled-in fields
            changes = [
                f"{_label(model, name)}: {shown}"
                for name, value in _in_field_order(model, event.pgh_data or {})
                if (shown := related.show(model, name, value)) != ""
            ]
        action = ACTION_LABELS.get(event.pgh_label, event.pgh_label)
        sheet.rows.append(
            [
                event.pgh_created_at,
                user.get_username() if user else "ระบบ",
                f"{action}{model._meta.verbose_name}",
                "\n".join(changes),
            ]
        )
    return sheet


def _in_field_order(model, values: dict) -> list:
    fields = enumerate(model._meta.concrete_fields)
    order = {name: i for i, f in fields for name in (f.name, f.attname)}
    return sorted(
        ((name, value) for name, value in values.items() if name not in HIDDEN_FIELDS),
        key=lambda item: order.get(item[0], len(order)),
    )


class _RelatedNames:
    """Values of history events as text, foreign keys by their names (one query each)."""

    def __init__(self):
        self.cache = {}

    def show(self, model, name, value) -> str:
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a field since removed
            model_field = None
        if value not in (None, "") and isinstance(model_field, models.ForeignKey):
            key = (model_field.related_model, value)
            if key not in self.cache:
                target = model_field.related_model.objects.filter(pk=value).first()
                self.cache[key] = str(target) if target else str(value)
            return self.cache[key]
        shown = _value(model, name, value)
        if isinstance(shown, Decimal):
            return f"{shown:,.2f}"
        return str(shown)


def _tracked_model(label: str):
    from django.apps import apps

    return apps.get_model(label).pgh_tracked_model


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name


def _users_of(events) -> dict:
    ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}


def _access_sheet(household_ids) -> Sheet:
    sheet = Sheet("การเข้าถึงข้อมูล", ["เมื่อ", "ผู้ใช้", "การกระทำ", "รหัสครัวเรือน", "รายละเอียด"])
    logs = AccessLog.objects.filter(household_id__in=household_ids).select_related("user")
    for log in logs.order_by("at", "id"):
        sheet.rows.append(
            [
                log.at,
                log.user.get_username() if log.user else "ระบบ",
                log.get_action_display(),
                log.household_code,
                log.description,
            ]
        )
    return sheet


def person_export(*, national_id: str, actor) -> bytes | None:
    """The workbook of everything held about a person, logged once per household in the
    access log (so each household's log shows it); None when nothing is held."""
    found = person_data(national_id)
    if found is None:
        return None
    sheets, households = found
    with transaction.atomic():
        description = describe_person(national_id)
        for household in households:
            log_access(
                actor, AccessAction.PERSON_EXPORTED, household=household, description=description
            )
        if not households:
            log_access(actor, AccessAction.PERSON_EXPORTED, description=description)
    return to_xlsx(*sheets, dates=DATES, when_empty="ไม่มีข้อมูล")
