import django.db.models.deletion
from django.db import migrations, models

# The rule, in one place: a household's open actions (statuses planned and in progress, as
# OPEN_ACTION_STATUSES is at this migration) counted by owner kind, owning agency (for the
# kind agency only) and due date. A household without open actions has no rows.
REFRESH = """
CREATE FUNCTION households_cases_refresh_open_action_figures(ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    -- Wait for any other transaction refreshing these households (the lock the plan
    -- figures take too: households_cases_refresh_plan_figures); the statements below then
    -- read its committed rows (a volatile function's every statement takes a new snapshot),
    -- so two buddies adding actions to one household at once both count.
    SELECT 1 FROM households_cases_planfigures
    WHERE household_id = ANY(ids) ORDER BY household_id FOR UPDATE;
    DELETE FROM households_cases_openactionfigures WHERE household_id = ANY(ids);
    INSERT INTO households_cases_openactionfigures
        (household_id, owner_kind, agency_id, due_on, actions)
    SELECT p.household_id, a.owner_kind,
           CASE WHEN a.owner_kind = 'agency' THEN a.agency_id END, a.due_on, COUNT(*)
    FROM households_cases_problem p
    JOIN households_cases_action a ON a.problem_id = p.id
    WHERE p.household_id = ANY(ids) AND a.status IN ('planned', 'in_progress')
    GROUP BY 1, 2, 3, 4;
$$;
"""

# Statement-level triggers with transition tables: one call per statement, however many
# rows it wrote. An action's household is its problem's. A problem written matters only
# while actions point at it: moved to another household (both refreshed), or deleted or
# inserted before its actions within one transaction (the foreign keys are checked at
# commit). An update refreshes only the rows whose counted columns changed.
TRIGGERS = """
CREATE FUNCTION households_cases_open_action_figures_of_actions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM households_cases_refresh_open_action_figures(ARRAY(
            SELECT DISTINCT p.household_id FROM households_cases_problem p
            WHERE p.id IN (SELECT problem_id FROM new_rows)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM households_cases_refresh_open_action_figures(ARRAY(
            SELECT DISTINCT p.household_id FROM households_cases_problem p
            WHERE p.id IN (SELECT problem_id FROM old_rows)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM households_cases_refresh_open_action_figures(ARRAY(
            SELECT DISTINCT p.household_id FROM households_cases_problem p
            WHERE p.id IN (
                SELECT unnest(ARRAY[n.problem_id, o.problem_id])
                FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.problem_id, n.status, n.owner_kind, n.agency_id, n.due_on)
                      IS DISTINCT FROM
                      (o.problem_id, o.status, o.owner_kind, o.agency_id, o.due_on))));
    ELSE  -- TRUNCATE
        DELETE FROM households_cases_openactionfigures;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION households_cases_open_action_figures_of_problems() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM households_cases_refresh_open_action_figures(ARRAY(
            SELECT DISTINCT n.household_id FROM new_rows n
            WHERE EXISTS (SELECT 1 FROM households_cases_action a WHERE a.problem_id = n.id)));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM households_cases_refresh_open_action_figures(ARRAY(
            SELECT DISTINCT o.household_id FROM old_rows o
            WHERE EXISTS (SELECT 1 FROM households_cases_action a WHERE a.problem_id = o.id)));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM households_cases_refresh_open_action_figures(ARRAY(
            SELECT DISTINCT unnest(ARRAY[n.household_id, o.household_id])
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.household_id IS DISTINCT FROM o.household_id));
    ELSE  -- TRUNCATE (of the actions too: they point at the problems)
        DELETE FROM households_cases_openactionfigures;
    END IF;
    RETURN NULL;
END $$;
"""

TABLES = {
    "households_cases_action": "households_cases_open_action_figures_of_actions",
    "households_cases_problem": "households_cases_open_action_figures_of_problems",
}


def _create_triggers() -> str:
    statements = []
    for table, function in TABLES.items():
        for event, referencing in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            statements.append(
                f"CREATE TRIGGER open_action_figures_{event.lower()} AFTER {event} ON {table}"
                f" REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
            )
        statements.append(
            f"CREATE TRIGGER open_action_figures_truncate AFTER TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        )
    return "\n".join(statements)


def _drop_triggers() -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS open_action_figures_{event} ON {table};"
        for table in TABLES
        for event in ("insert", "update", "delete", "truncate")
    )


FILL = (
    "SELECT households_cases_refresh_open_action_figures("
    "ARRAY(SELECT DISTINCT household_id FROM households_cases_problem));"
)
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS households_cases_open_action_figures_of_problems();
DROP FUNCTION IF EXISTS households_cases_open_action_figures_of_actions();
DROP FUNCTION IF EXISTS households_cases_refresh_open_action_figures(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_agency_need_fields"),
        ("households", "0009_access_log_profile_pdf"),
        ("households_cases", "0004_plan_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenActionFigures",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "owner_kind",
                    models.CharField(
                        choices=[
                            ("agency", "หน่วยงาน"),
                            ("partner", "ภาคีเครือข่าย"),
                            ("household", "ครัวเรือนเอง"),
                        ],
                        max_length=10,
                        verbose_name="ผู้รับผิดชอบ",
                    ),
                ),
                ("due_on", models.DateField(verbose_name="กำหนดเสร็จ")),
                ("actions", models.PositiveIntegerField(verbose_name="กิจกรรมที่ยังไม่เสร็จ")),
                (
                    "agency",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="agencies.agency",
                        verbose_name="หน่วยงาน",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="households.household",
                        verbose_name="ครัวเรือน",
                    ),
                ),
            ],
            options={
                "verbose_name": "ตัวเลขกิจกรรมที่ยังไม่เสร็จ",
                "verbose_name_plural": "ตัวเลขกิจกรรมที่ยังไม่เสร็จ",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("household", "owner_kind", "agency", "due_on"),
                        include=("actions",),
                        name="open_action_figures_once",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.RunSQL(
            REFRESH + TRIGGERS + _create_triggers() + FILL,
            reverse_sql=_drop_triggers() + DROP_FUNCTIONS,
        ),
    ]
