"""The change history of a case file, read from django-pghistory's event tables.

Database triggers write an event for every insert, update and delete of households,
members, visits, aid and pairings, including bulk writes; the request's user comes from
pghistory's middleware (or a `pghistory.context(user=…)` block in commands and imports).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from pghistory.models import Events

from kuseaw.national_id import mask_national_id
from kuseaw.thaidate import format_be

ACTION_LABELS = {"insert": "เพิ่ม", "update": "แก้ไข", "delete": "ลบ"}
HIDDEN_FIELDS = {"id", "updated_at", "created_at", "submission_token", "updated_by", "created_by"}


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _label_of(model_label: str):
    model = apps.get_model(model_label)
    tracked = model.pgh_tracked_model if hasattr(model, "pgh_tracked_model") else model
    return tracked, str(tracked._meta.verbose_name)


def _show(model, name, value) -> str:
    if value is None or value == "":
        return "–"
    if name == "national_id":
        return mask_national_id(str(value))
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed: show the raw value
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(model_field, models.DecimalField):
        return f"{Decimal(str(value)):,.2f}"
    # A moment (DateTimeField is a DateField too) is stored in the diff as ISO text with its
    # offset, in the database session's zone (UTC): shown in Bangkok time, never cut to the
    # date in UTC (which is the day before from 00:00 to 07:00 in Bangkok).
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        try:
            return format_be(dt.datetime.fromisoformat(value), "short_time")
        except ValueError:
            return value
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            return format_be(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return str(value)


def household_history(household, limit: int = 30) -> list[HistoryEntry]:
    """Newest first: who changed what in this household's case file, and when."""
    events = list(
        Events.objects.references(household).order_by("-pgh_created_at", "-pgh_id")[:limit]
    )
    user_ids = {
        (event.pgh_context or {}).get("user")
        for event in events
        if (event.pgh_context or {}).get("user") is not None
    }
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)}
    entries = []
    for event in events:
        model, model_name = _label_of(event.pgh_model)
        action = ACTION_LABELS.get(event.pgh_label, event.pgh_label)
        user = users.get((event.pgh_context or {}).get("user"))
        who = (user.get_full_name() or user.get_username()) if user else "ระบบ"
        changes = []
        if event.pgh_label == "update" and event.pgh_diff:
            for name, (old, new) in sorted(event.pgh_diff.items()):
                if name in HIDDEN_FIELDS:
                    continue
                label = _field_label(model, name)
                changes.append((label, _show(model, name, old), _show(model, name, new)))
            if not changes:
                continue
        entries.append(HistoryEntry(event.pgh_created_at, who, f"{action}{model_name}", changes))
    return entries


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001
        return name
