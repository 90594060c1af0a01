"""An admin anonymises a household that left the programme: its personal data goes from the
live rows, from every history event and from the admin's own log, and every statistic stays."""

import datetime as dt
import json
from decimal import Decimal

import pghistory
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Max, Sum
from django.urls import reverse

from households.audit import log_access
from households.models import (
    AccessAction,
    AccessLog,
    AidRecord,
    AidStatus,
    Consent,
    ConsentDecision,
    ConsentMethod,
    Household,
    Member,
    Relation,
    Sex,
    Status,
    Visit,
)
from households.privacy import services as privacy
from kuseaw.thaidate import format_be
from officials.models import EndReason
from tests import factories as f
from tests.imports.conftest import MEMBER_HEADER, household_row, households_file, member_row, xlsx
from tests.privacy.conftest import page_of, text_of

HEAD_ID = f.national_id_for(777001)
CHILD_ID = f.national_id_for(777002)
# Everything personal the household's records hold, in the live rows or their history.
PERSONAL = [
    HEAD_ID,
    CHILD_ID,
    "ประยูร",
    "มีสุข",
    "ดวงใจ",
    "0891112222",
    "0863334444",
    "0865556666",
    "77/9",
    "เจ้าทุย",
    "เบาหวาน",
    "ระยอง",
    "ขาขวา",
    "ทำนาปรัง",
    "นายสมหมาย พยานดี",
]


def texts_containing(needle: str) -> list[str]:
    """Every table.column of the database whose text (or JSON) holds `needle`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            """
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',
                [f"%{needle}%"],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


@pytest.fixture
def left(official_a, admin_user):
    """A household that moved away, with a year of records, edits and an admin's change."""
    household = f.HouseholdFactory(
        code="KK-LEFT",
        house_no="77/9",
        phone="0891112222",
        livelihood_assets="ควายชื่อเจ้าทุย 1 ตัว",
        annual_income=Decimal("42000"),
        debts=Decimal("15000"),
    )
    head = f.MemberFactory(
        household=household,
        first_name="ประยูร",
        last_name="มีสุข",
        national_id=HEAD_ID,
        phone="0863334444",
        birth_date=dt.date(1970, 3, 15),
        occupation="ทำนาปรัง",
        disability="ขาขวาพิการ",
        income=Decimal("30000"),
        has_welfare_card=True,
    )
    f.MemberFactory(
        household=household,
        first_name="ดวงใจ",
        last_name="มีสุข",
        national_id=CHILD_ID,
        sex=Sex.FEMALE,
        relation=Relation.CHILD,
        is_head=False,
        birth_date=dt.date(2010, 8, 20),
        education="primary",
    )
    pairing = f.PairingFactory(official=official_a, household=household)
    f.VisitFactory(
        household=household,
        official=official_a,
        findings="ประยูรเป็นเบาหวาน",
        needs_observed="ยาของประยูร",
        income_reported=Decimal("3500"),
    )
    f.AidRecordFactory(
        household=household,
        value=Decimal("3000"),
        status=AidStatus.DONE,
        outcome="ประยูรขายไข่ได้",
    )
    Consent.objects.create(
        household=household,
        decision=ConsentDecision.GIVEN,
        decided_on=dt.date(2024, 1, 20),
        method=ConsentMethod.VERBAL_WITNESSED,
        witness="นายสมหมาย พยานดี",
        note="ประยูรยินยอม",
        given_by=head,
    )
    with pghistory.context(user=official_a.user.pk):
        Member.objects.filter(pk=head.pk).update(phone="0865556666")
        pairing.ended_on = dt.date(2024, 5, 1)
        pairing.end_reason = EndReason.HOUSEHOLD_MOVED
        pairing.end_note = "ย้ายไปอยู่กับลูกที่ระยอง"
        pairing.save()
        Household.objects.filter(pk=household.pk).update(status=Status.MOVED)
    # The Django admin's own log names members: object_repr and inline change messages.
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=str(head.pk),
        object_repr=str(head),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["phone"]}}]),
    )
    LogEntry.objects.create(
        user=admin_user,
        content_type=ContentType.objects.get_for_model(Household),
        object_id=str(household.pk),
        object_repr=household.code,
        action_flag=CHANGE,
        change_message=json.dumps(
            [{"changed": {"name": "สมาชิกครัวเรือน", "object": str(head), "fields": ["phone"]}}],
            ensure_ascii=False,
        ),
    )
    log_access(official_a.user, AccessAction.CASE_OPENED, household=household)
    household.refresh_from_db()
    return household


def statistics(household) -> dict:
    """What the dashboards and reports count about a household."""
    return {
        "household": Household.objects.filter(pk=household.pk)
        .values(
            "code",
            "subdistrict",
            "village_no",
            "status",
            "poverty_level",
            "poverty_level_at_entry",
            "cause",
            "need_health",
            "need_income",
            "annual_income",
            "debts",
            "land_rai",
            "joined_on",
            "consent_given",
            "consent_date",
        )
        .get(),
        "members": list(
            household.members.order_by("pk").values_list(
                "sex",
                "relation",
                "is_head",
                "education",
                "income",
                "has_welfare_card",
                "left_on",
                "birth_date__year",
            )
        ),
        "with_disability": household.members.exclude(disability="").count(),
        "visits": list(
            household.visits.values_list("visited_on", "kind", "official", "income_reported")
        ),
        "aid": list(
            household.aid_records.values_list("category", "given_on", "value", "status", "agency")
        ),
        "pairings": list(
            household.pairings.values_list("official", "started_on", "ended_on", "end_reason")
        ),
        "consents": list(household.consents.values_list("decision", "decided_on", "method")),
    }


def anonymise_through_the_pages(client, household):
    case = reverse("households:detail", args=[household.pk])
    step_one = reverse("privacy:anonymise", args=[household.pk])
    assert step_one in page_of(client.get(case))
    confirm = page_of(client.get(step_one))
    assert "การปกปิดข้อมูลย้อนกลับไม่ได้" in confirm
    return client.post(step_one, {"code": household.code})


def test_anonymising_removes_the_personal_data_from_every_table(client, admin_user, left):
    assert {needle: bool(texts_containing(needle)) for needle in PERSONAL} == dict.fromkeys(
        PERSONAL, True
    )  # the search finds each of them before
    client.force_login(admin_user)

    response = anonymise_through_the_pages(client, left)

    assert response.status_code == 302
    left_over = {needle: texts_containing(needle) for needle in PERSONAL}
    assert left_over == {needle: [] for needle in PERSONAL}


def province_totals() -> dict:
    """Province-wide figures of the kind the dashboards show."""
    return {
        "households": list(
            Household.objects.values("status", "poverty_level", "subdistrict__district")
            .annotate(n=Count("id"), income=Sum("annual_income"))
            .order_by("status", "poverty_level", "subdistrict__district")
        ),
        "members": list(
            Member.objects.values("sex", "relation", "birth_date__year")
            .annotate(n=Count("id"), income=Sum("income"))
            .order_by("sex", "relation", "birth_date__year")
        ),
        "visits": Visit.objects.aggregate(n=Count("id"), last=Max("visited_on")),
        "aid": list(
            AidRecord.objects.values("category", "status")
            .annotate(n=Count("id"), value=Sum("value"))
            .order_by("category", "status")
        ),
    }


def test_anonymising_keeps_every_statistic(client, admin_user, left):
    before, totals = statistics(left), province_totals()
    client.force_login(admin_user)

    anonymise_through_the_pages(client, left)

    assert statistics(left) == before
    assert province_totals() == totals
    head = left.members.get(is_head=True)
    assert head.birth_date == dt.date(1970, 7, 1)  # the year is kept, mid-year
    assert head.disability == privacy.MASKED_PRESENT  # there is one, not what it is
    assert head.national_id is None and head.first_name == privacy.MASKED_NAME


def test_the_act_is_in_the_history_and_the_access_log_without_personal_data(
    client, admin_user, left
):
    client.force_login(admin_user)
    anonymise_through_the_pages(client, left)

    left.refresh_from_db()
    page = page_of(client.get(reverse("households:detail", args=[left.pk])))
    history = text_of(page.split('id="history-title"')[1])
    when = format_be(left.anonymised_at)
    assert f"แก้ไขครัวเรือน โดย {admin_user.get_full_name()}" in history
    assert f"ปกปิดข้อมูลส่วนบุคคลเมื่อ: – → {when}" in history
    assert f"ปกปิดข้อมูลส่วนบุคคลแล้วเมื่อ {format_be(left.anonymised_at, 'short_time')}" in (text_of(page))
    line = AccessLog.objects.get(action=AccessAction.HOUSEHOLD_ANONYMISED)
    assert (line.user, line.household_code) == (admin_user, "KK-LEFT")
    assert line.path == reverse("privacy:anonymise", args=[left.pk])


def test_a_household_still_in_the_programme_is_refused_in_thai(client, admin_user):
    active = f.HouseholdFactory()
    head = f.MemberFactory(household=active, national_id=HEAD_ID)
    client.force_login(admin_user)
    url = reverse("privacy:anonymise", args=[active.pk])

    case = page_of(client.get(reverse("households:detail", args=[active.pk])))
    assert url not in case  # no link for a household still in the programme
    page = text_of(page_of(client.get(url)))
    response = client.post(url, {"code": active.code})

    assert "ครัวเรือนที่ยังอยู่ในโครงการปกปิดข้อมูลไม่ได้" in page
    assert response.status_code == 200
    assert Member.objects.get(pk=head.pk).national_id == HEAD_ID
    assert not AccessLog.objects.filter(action=AccessAction.HOUSEHOLD_ANONYMISED).exists()
    with pytest.raises(privacy.PrivacyError, match="ยังอยู่ในโครงการ"):
        privacy.household_anonymise(household=active, actor=admin_user)


def test_a_household_with_a_buddy_still_looking_after_it_is_refused(client, admin_user):
    household = f.PairingFactory(household__status=Status.GRADUATED).household
    client.force_login(admin_user)
    page = text_of(page_of(client.get(reverse("privacy:anonymise", args=[household.pk]))))
    assert "ยังมีคู่เสี่ยวดูแลอยู่ ต้องสิ้นสุดการจับคู่ก่อน" in page


def test_a_wrong_code_anonymises_nothing(client, admin_user, left):
    client.force_login(admin_user)
    url = reverse("privacy:anonymise", args=[left.pk])

    response = client.post(url, {"code": "KK-OTHER"})

    assert response.status_code == 400
    assert "รหัสไม่ตรงกับครัวเรือนนี้ (พิมพ์ KK-LEFT)" in response.content.decode()
    assert left.members.get(is_head=True).national_id == HEAD_ID
    assert Household.objects.get(pk=left.pk).anonymised_at is None


def test_a_household_is_anonymised_once(client, admin_user, left):
    client.force_login(admin_user)
    anonymise_through_the_pages(client, left)
    url = reverse("privacy:anonymise", args=[left.pk])
    assert "ปกปิดข้อมูลส่วนบุคคลไปแล้วเมื่อ" in text_of(page_of(client.get(url)))
    assert url not in page_of(client.get(reverse("households:detail", args=[left.pk])))


@pytest.mark.parametrize(
    "persona", ["official_a", "coordinator_a", "district_staff", "province_viewer"]
)
def test_only_admins_may_anonymise(request, client, left, persona):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    url = reverse("privacy:anonymise", args=[left.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"code": left.code}).status_code == 404
    assert left.members.get(is_head=True).national_id == HEAD_ID
    case = client.get(reverse("households:detail", args=[left.pk]))
    if case.status_code == 200:
        assert url not in case.content.decode()


def test_anonymised_members_leave_their_ids_free_and_do_not_clash(admin_user, left):
    other = f.HouseholdFactory(status=Status.DECEASED)
    f.MemberFactory(household=other, national_id=f.national_id_for(777003))

    privacy.household_anonymise(household=left, actor=admin_user)
    privacy.household_anonymise(household=other, actor=admin_user)

    assert Member.objects.filter(national_id__isnull=True).count() == 3
    returning = f.MemberFactory(national_id=HEAD_ID)  # the person joins again later
    assert returning.national_id == HEAD_ID


def test_a_member_who_moved_on_to_another_household_keeps_their_record_there(admin_user, left):
    new_home = f.HouseholdFactory(code="KK-NEW")
    child = left.members.get(national_id=CHILD_ID)
    Member.objects.filter(pk=child.pk).update(household=new_home, is_head=True)

    privacy.household_anonymise(household=left, actor=admin_user)

    child.refresh_from_db()
    assert (child.household, child.first_name, child.national_id) == (
        new_home,
        "ดวงใจ",
        CHILD_ID,
    )
    assert left.members.get().first_name == privacy.MASKED_NAME


def test_an_imported_household_leaves_nothing_behind_in_the_import_records_either(
    admin_user, tmp_path, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KUSEAW_IMPORT_PROGRESS_DATABASE = "default"
    path, members = tmp_path / "households.xlsx", tmp_path / "members.xlsx"

    def run_import(rows, member_rows):
        path.write_bytes(households_file(rows=rows))
        members.write_bytes(xlsx({"สมาชิก": [MEMBER_HEADER, *member_rows]}))
        call_command(
            "import_households",
            str(path),
            members=str(members),
            user=admin_user.username,
            stdout=None,
            stderr=None,
        )

    run_import([household_row(1)], [member_row(1, 1)])
    with pytest.raises(CommandError):  # refused whole: the job keeps its row errors
        run_import([household_row(1)], [member_row(1, 1), member_row(1, 2, nid="1234")])
    run_import([household_row(1, phone="0898887777")], [member_row(1, 1)])
    household = Household.objects.get(code="KK00001")
    Household.objects.filter(pk=household.pk).update(status=Status.GRADUATED)
    head, child, typo = household_row(1), member_row(1, 1), member_row(1, 2)
    needles = [head[2], child[2], "0898887777"]
    needles += [
        row[1].split(maxsplit=1)[0].removeprefix(t)
        for row, t in ((head, "นาย"), (child, "เด็กหญิง"), (typo, "เด็กหญิง"))
    ]
    found_before = {n: texts_containing(n) for n in needles}

    privacy.household_anonymise(household=household, actor=admin_user)

    left_over = {n: texts_containing(n) for n in needles}
    assert all(found_before[n] for n in needles[:4]), found_before
    assert left_over == {n: [] for n in needles}, found_before
