"""One chunk's writes of the households import, planned while its rows are checked.

HouseholdRowsResource (household_rows.py) collects a chunk's new and changed households,
members and consent records into a ChunkWrites; prepare() gives the new rows their ids and
COPY text, then either copy_new() runs in writing.ChunkWriter's thread (a chunk of new rows
only) or write() makes every write in the import's thread (updates go through the ORM).
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from households.imports.household_fields import MEMBER_FIELDS
from households.imports.writing import NewRows, history_context
from households.models import Consent, Household, Member


@dataclass
class ChunkWrites:
    """One chunk's writes, in the order they must be made: households first (members
    point at them), former heads demoted before a new head arrives."""

    new_households: list
    households: list  # changed
    demoted: list
    changed_members: list
    new_members: list
    consents: list  # new consent records
    user_id: int | None
    # set by prepare()
    now: datetime.datetime | None = None
    history: tuple = ()
    household_rows: NewRows | None = None
    member_rows: NewRows | None = None
    consent_rows: NewRows | None = None

    @property
    def only_new(self) -> bool:
        return not (self.households or self.demoted or self.changed_members)

    def prepare(self) -> None:
        """Ids, stamps and COPY text for the new rows (in the import's thread, which owns
        the instances); the history context the writes carry."""
        self.now = now = timezone.now()
        self.history = history_context()
        self.household_rows = NewRows(Household, self.new_households)
        self.member_rows = NewRows(Member, self.new_members)
        with connection.cursor() as cursor:
            if self.new_households:
                self.household_rows.prepare(cursor, now)
            for member in self.new_members:
                member.household_id = member._import_household.pk  # it has an id now
                member.updated_by_id = self.user_id
            if self.new_members:
                self.member_rows.prepare(cursor, now)
            for consent in self.consents:  # after the households and members they name
                consent.household_id = consent._import_household.pk
                consent.given_by_id = consent._import_given_by.pk
            self.consent_rows = NewRows(Consent, self.consents)
            if self.consents:
                self.consent_rows.prepare(cursor, now)

    def copy_new(self, cursor) -> None:
        """The new households and members: all a first import of a file has, and all that
        can run in ChunkWriter's thread (it needs no ORM)."""
        self.household_rows.copy(cursor, self.history)
        self.member_rows.copy(cursor, self.history)
        self.consent_rows.copy(cursor, self.history)

    def write(self) -> None:
        """Every write, in this thread (the updates go through the ORM)."""
        now = self.now
        with connection.wrap_database_errors, connection.cursor() as cursor:
            self.household_rows.copy(cursor, self.history)
        if self.households:
            names = sorted({name for h in self.households for name in h._import_changed})
            for household in self.households:
                household.updated_at = now
            Household.objects.bulk_update(self.households, [*names, "updated_at"], batch_size=2000)
        if self.demoted:
            for member in self.demoted:
                member.updated_at, member.updated_by_id = now, self.user_id
            Member.objects.bulk_update(
                self.demoted, ["is_head", "relation", "updated_at", "updated_by"]
            )
        if self.changed_members:
            for member in self.changed_members:
                member.updated_at, member.updated_by_id = now, self.user_id
            Member.objects.bulk_update(
                self.changed_members, [*MEMBER_FIELDS, "updated_at", "updated_by"], batch_size=2000
            )
        with connection.wrap_database_errors, connection.cursor() as cursor:
            self.member_rows.copy(cursor, self.history)
            self.consent_rows.copy(cursor, self.history)
