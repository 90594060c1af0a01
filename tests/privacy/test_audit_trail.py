"""The audit trail: every create, change and delete of households, members, visits, aid and
pairings keeps who did it and what changed, whether it came through a page, the Django admin,
an import written with COPY or a command; the case page shows it to those allowed."""

import datetime as dt
import uuid
from decimal import Decimal

import pghistory
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from households.models import AidRecord, AidStatus, Household, Member, Visit, VisitKind
from kuseaw.thaidate import format_be
from officials.models import EndReason, Pairing
from tests import factories as f
from tests.imports.conftest import households_file
from tests.privacy.conftest import diffs_of, events_of, page_of, text_of, who

# One row of each tracked model, a field to change and its new value.
TRACKED = {
    "household": (lambda: f.HouseholdFactory(), "phone", "0899990000"),
    "member": (lambda: f.MemberFactory(), "last_name", "ศรีสุข"),
    "visit": (lambda: f.VisitFactory(), "findings", "ต้องการพันธุ์ผัก"),
    "aid": (lambda: f.AidRecordFactory(), "status", AidStatus.DONE),
    "pairing": (lambda: f.PairingFactory(), "end_note", "ย้ายไปต่างจังหวัด"),
}


@pytest.mark.parametrize(("make", "field", "new"), TRACKED.values(), ids=list(TRACKED))
def test_a_command_s_create_change_and_delete_keep_its_user_and_the_values(
    admin_user, make, field, new
):
    with pghistory.context(user=admin_user.pk):  # what a management command does
        row = make()
        model, pk, old = type(row), row.pk, getattr(row, field)
        setattr(row, field, new)
        row.save()
        row.delete()

    (created,) = events_of(model, pk, "insert")
    (changed,) = events_of(model, pk, "update")
    (deleted,) = events_of(model, pk, "delete")
    assert [who(created), who(changed), who(deleted)] == [admin_user.pk] * 3
    assert getattr(created, field) == old
    assert diffs_of(model, pk)[0][field] == [old, new]
    assert getattr(deleted, field) == new  # the deleted row's last values are kept


def test_a_write_outside_any_context_is_still_recorded_without_a_user(db):
    household = f.HouseholdFactory()
    Household.objects.filter(pk=household.pk).update(phone="0811111111")

    (changed,) = events_of(Household, household.pk, "update")
    assert who(changed) is None
    assert changed.phone == "0811111111"


# -- through the app's pages: the request's user, from pghistory's middleware -------------


@pytest.fixture
def buddy_household(official_a):
    household = f.PairingFactory(official=official_a).household
    f.MemberFactory(household=household, first_name="บุญมี", last_name="ศรีสุข")
    return household


def test_an_official_s_edits_in_the_app_are_recorded_under_their_name(
    client, official_a, buddy_household
):
    client.force_login(official_a.user)
    household, user_id = buddy_household, official_a.user.pk
    today = timezone.localdate()
    yesterday = format_be(today - dt.timedelta(days=1), "numeric")

    client.post(
        reverse("households:member_new", args=[household.pk]),
        {
            "title": "ด.ญ.",
            "first_name": "ใบเตย",
            "last_name": "ศรีสุข",
            "national_id": "",
            "birth_date": "15/06/2558",
            "sex": "f",
            "relation": "grandchild",
            "education": "primary",
            "occupation": "นักเรียน",
            "income": "0",
        },
    )
    client.post(
        reverse("households:visit_new", args=[household.pk]),
        {
            "visited_on": yesterday,
            "kind": VisitKind.HOME,
            "findings": "หลานเริ่มเรียนชั้นประถม",
            "token": str(uuid.uuid4()),
        },
    )
    client.post(
        reverse("households:aid_new", args=[household.pk]),
        {
            "category": "welfare",
            "title": "ทุนการศึกษา",
            "partner": "มูลนิธิทดสอบ",
            "given_on": yesterday,
            "value": "2000",
            "status": AidStatus.PLANNED,
            "token": str(uuid.uuid4()),
        },
    )
    aid = AidRecord.objects.get(household=household)
    client.post(
        reverse("households:aid_update", args=[household.pk, aid.pk]),
        {f"aid{aid.pk}-status": AidStatus.DONE, f"aid{aid.pk}-outcome": "ได้รับทุนแล้ว"},
    )

    member = Member.objects.get(household=household, first_name="ใบเตย")
    visit = Visit.objects.get(household=household)
    assert who(events_of(Member, member.pk, "insert")[0]) == user_id
    assert who(events_of(Visit, visit.pk, "insert")[0]) == user_id
    assert who(events_of(AidRecord, aid.pk, "insert")[0]) == user_id
    (aid_changed,) = events_of(AidRecord, aid.pk, "update")
    assert who(aid_changed) == user_id
    assert diffs_of(AidRecord, aid.pk)[0]["status"] == [AidStatus.PLANNED, AidStatus.DONE]
    # The request's path is kept with the user.
    assert aid_changed.pgh_context.metadata["url"] == reverse(
        "households:aid_update", args=[household.pk, aid.pk]
    )


def test_deletes_in_the_django_admin_are_recorded_under_the_admin(admin_client, admin_user):
    household = f.HouseholdFactory()
    member = f.MemberFactory(household=household, first_name="ลบทิ้ง")
    visit = f.VisitFactory(household=household)
    aid = f.AidRecordFactory(household=household)

    for obj in (member, visit, aid, household):
        meta = obj._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302

    assert not Household.objects.filter(pk=household.pk).exists()
    for model, pk in ((Member, member.pk), (Visit, visit.pk), (AidRecord, aid.pk)):
        (deleted,) = events_of(model, pk, "delete")
        assert who(deleted) == admin_user.pk
        assert deleted.household_id == household.pk
    (household_deleted,) = events_of(Household, household.pk, "delete")
    assert who(household_deleted) == admin_user.pk
    assert household_deleted.code == household.code
    assert events_of(Member, member.pk, "delete")[0].first_name == "ลบทิ้ง"


def test_pairing_and_ending_it_on_the_pairing_pages_are_recorded_under_the_coordinator(
    client, coordinator_a, official_a
):
    household = f.HouseholdFactory()
    client.force_login(coordinator_a)

    client.post(reverse("pairing:pair", args=[household.pk]), {"official": official_a.pk})
    pairing = Pairing.objects.get(household=household)
    client.post(
        reverse("pairing:end", args=[pairing.pk]),
        {
            "reason": EndReason.OFFICIAL_TRANSFERRED,
            "ended_on": format_be(timezone.localdate(), "numeric"),
            "note": "ย้ายไปสำนักงานจังหวัด",
        },
    )

    assert who(events_of(Pairing, pairing.pk, "insert")[0]) == coordinator_a.pk
    assert [who(e) for e in events_of(Pairing, pairing.pk, "update")] == [coordinator_a.pk]
    changed = diffs_of(Pairing, pairing.pk)[0]
    assert changed["ended_on"] == [None, timezone.localdate().isoformat()]
    assert changed["end_reason"] == ["", EndReason.OFFICIAL_TRANSFERRED]


# -- imports: rows written with COPY, outside any request ----------------------------------


@pytest.fixture
def import_settings(settings):
    """As tests/imports: tasks run at once, progress goes through the test's connection."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KUSEAW_IMPORT_PROGRESS_DATABASE = "default"


def test_households_imported_by_the_command_are_recorded_under_the_importing_user(
    admin_user, tmp_path, import_settings
):
    first = tmp_path / "households.xlsx"
    first.write_bytes(households_file(2, members=1))
    call_command("import_households", str(first), user=admin_user.username, stdout=None)

    household = Household.objects.get(code="KK00001")
    members = list(household.members.all())
    assert len(members) == 2
    (created,) = events_of(Household, household.pk, "insert")
    assert who(created) == admin_user.pk
    assert created.pgh_context.metadata["import_job"] is not None
    assert all(who(events_of(Member, m.pk, "insert")[0]) == admin_user.pk for m in members)


def test_a_second_import_that_changes_a_household_records_the_change_and_its_importer(
    admin_user, tmp_path, import_settings
):
    from tests.imports.conftest import household_row

    path = tmp_path / "households.xlsx"
    path.write_bytes(households_file(1))
    call_command("import_households", str(path), user=admin_user.username, stdout=None)
    path.write_bytes(households_file(rows=[household_row(1, income=48000)]))
    call_command("import_households", str(path), user=admin_user.username, stdout=None)

    household = Household.objects.get(code="KK00001")
    assert household.annual_income == Decimal("48000")
    (changed,) = events_of(Household, household.pk, "update")
    assert who(changed) == admin_user.pk
    old, new = diffs_of(Household, household.pk)[0]["annual_income"]
    assert (Decimal(str(old)), Decimal(str(new))) == (Decimal("36000"), Decimal("48000"))


# -- the case page shows the history to those allowed ---------------------------------------


@pytest.fixture
def changed_household(official_a, official_b):
    """Looked after by official B before, by official A now; its phone was changed once."""
    household = f.PairingFactory(
        official=official_b,
        started_on=dt.date(2023, 6, 1),
        ended_on=dt.date(2024, 1, 31),
        end_reason=EndReason.REASSIGNED,
    ).household
    f.PairingFactory(official=official_a, household=household)
    with pghistory.context(user=official_a.user.pk):
        Household.objects.filter(pk=household.pk).update(phone="0812223333")
    return household


@pytest.mark.parametrize(
    ("persona", "sees_history"),
    [
        ("official_a", True),  # the current buddy
        ("coordinator_a", True),  # supervises agency A's buddies
        ("district_staff", True),  # supervises the district
        ("admin_user", True),
        ("province_viewer", False),  # province-wide overview, read only
        ("official_b", False),  # a former buddy still opens the case, not its history
    ],
)
def test_the_change_history_shows_only_to_roles_allowed_to_see_it(
    request, client, changed_household, persona, sees_history
):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    response = client.get(reverse("households:detail", args=[changed_household.pk]))
    html = page_of(response)

    assert response.context["can"].view_history is sees_history
    assert ('id="history-title"' in html) is sees_history
    if sees_history:
        history = text_of(html.split('id="history-title"')[1])
        assert f"โดย {official_a_name(request)}" in history
        assert "โทรศัพท์ติดต่อ: – → 0812223333" in history
    else:
        assert "ประวัติการแก้ไขข้อมูล" not in html
        assert response.context["history"] == []


def official_a_name(request) -> str:
    return request.getfixturevalue("official_a").user.get_full_name()
