"""Keep `crm_memberstats`' directory columns current with Postgres triggers.

Why triggers and not Django signals: the values come from seven tables in four apps, and
several of their writers are bulk (`bulk_create`, `QuerySet.update`, `COPY` in imports,
the Django admin). A statement-level trigger sees every one of them, once per statement,
with the changed rows in a transition table — so an import that creates 10,000 contacts
costs one set-based upsert, not 10,000.

`crm_directory_sync(ids)` is the one definition of a row; the triggers only work out
which memberships a statement touched. `crm.services.stats.member_stats_refresh` calls it
for a whole org every night, which heals anything (a trigger disabled for maintenance).
The rules mirror `crm.selectors.directory.directory_base`; `tests/crm/test_read_model.py`
checks the two agree after writes through every path.
"""

from django.db import migrations

SYNC = r"""
CREATE OR REPLACE FUNCTION crm_directory_sync(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the people's rows first, in id order. A concurrent writer of the same people
    -- holds them until it commits; the upsert below is a new statement with a new
    -- snapshot (READ COMMITTED), so it reads what that writer committed instead of
    -- overwriting it with values computed before (a lost update: two admins tagging the
    -- same person at once each kept only their own tag).
    PERFORM 1 FROM crm_memberstats WHERE membership_id = ANY(ids)
    ORDER BY membership_id FOR UPDATE;
    INSERT INTO crm_memberstats AS s (
        membership_id, org_id, events_attended, last_attended_at, refreshed_at,
        status, role, has_account, sort_name, search, city, career_stage,
        profile_visible, attendance_visible, effective_level, level_overridden, score,
        last_active_at, tag_ids)
    SELECT m.id, m.org_id, 0, NULL, now(),
           m.status, m.role, m.user_id IS NOT NULL,
           lower(coalesce(nullif(u.name, ''), nullif(m.name, ''), m.email)),
           upper(concat_ws(E'\n', u.name, nullif(m.name, u.name), m.email,
                           CASE WHEN coalesce(ps.profile_visible_to_admins, true)
                                THEN p.headline END)),
           CASE WHEN coalesce(ps.profile_visible_to_admins, true)
                THEN nullif(p.city, '') END,
           CASE WHEN coalesce(ps.profile_visible_to_admins, true)
                THEN coalesce(p.career_stage, '') ELSE '' END,
           coalesce(ps.profile_visible_to_admins, true),
           coalesce(ps.attendance_visible_to_admins, true),
           coalesce(o.level, es.level),
           o.id IS NOT NULL,
           es.score,
           es.last_active_at,
           ARRAY(SELECT mt.tag_id FROM crm_membershiptag mt
                 WHERE mt.membership_id = m.id ORDER BY mt.tag_id)
    FROM orgs_membership m
    LEFT JOIN accounts_user u ON u.id = m.user_id
    LEFT JOIN accounts_profile p ON p.user_id = m.user_id
    LEFT JOIN accounts_privacysettings ps ON ps.user_id = m.user_id
    LEFT JOIN engagement_engagementscore es ON es.membership_id = m.id
    LEFT JOIN engagement_engagementoverride o
           ON o.membership_id = m.id AND o.cleared_at IS NULL
    WHERE m.id = ANY(ids)
    ORDER BY m.id
    ON CONFLICT (membership_id) DO UPDATE SET
        status = EXCLUDED.status,
        role = EXCLUDED.role,
        has_account = EXCLUDED.has_account,
        sort_name = EXCLUDED.sort_name,
        search = EXCLUDED.search,
        city = EXCLUDED.city,
        career_stage = EXCLUDED.career_stage,
        profile_visible = EXCLUDED.profile_visible,
        attendance_visible = EXCLUDED.attendance_visible,
        effective_level = EXCLUDED.effective_level,
        level_overridden = EXCLUDED.level_overridden,
        score = EXCLUDED.score,
        last_active_at = EXCLUDED.last_active_at,
        tag_ids = EXCLUDED.tag_ids
    -- An unchanged row is not rewritten (the nightly rebuild touches every row).
    WHERE (s.status, s.role, s.has_account, s.sort_name, s.search, s.city, s.career_stage,
           s.profile_visible, s.attendance_visible, s.effective_level, s.level_overridden,
           s.score, s.last_active_at, s.tag_ids)
          IS DISTINCT FROM
          (EXCLUDED.status, EXCLUDED.role, EXCLUDED.has_account, EXCLUDED.sort_name,
           EXCLUDED.search, EXCLUDED.city, EXCLUDED.career_stage, EXCLUDED.profile_visible,
           EXCLUDED.attendance_visible, EXCLUDED.effective_level, EXCLUDED.level_overridden,
           EXCLUDED.score, EXCLUDED.last_active_at, EXCLUDED.tag_ids);
END $$;
"""

# Each trigger function reads the statement's rows from a transition table named `changed`
# (and, for account updates, `before`).
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION crm_directory_on_membership() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crm_directory_sync(ARRAY(SELECT id FROM changed));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION crm_directory_on_membership_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM crm_memberstats WHERE membership_id IN (SELECT id FROM changed);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION crm_directory_on_membership_ref() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crm_directory_sync(ARRAY(SELECT DISTINCT membership_id FROM changed));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION crm_directory_on_user_ref() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crm_directory_sync(ARRAY(
        SELECT m.id FROM orgs_membership m
        WHERE m.user_id IN (SELECT user_id FROM changed)));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION crm_directory_on_user_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Every sign-in updates `last_login`: only a changed name matters here.
    PERFORM crm_directory_sync(ARRAY(
        SELECT m.id FROM changed n
        JOIN before o ON o.id = n.id
        JOIN orgs_membership m ON m.user_id = n.id
        WHERE n.name IS DISTINCT FROM o.name));
    RETURN NULL;
END $$;
"""

# (table, trigger function, events): one trigger per event, since Postgres allows
# transition tables only on single-event triggers.
TRIGGERS = [
    ("orgs_membership", "crm_directory_on_membership", ("INSERT", "UPDATE")),
    ("orgs_membership", "crm_directory_on_membership_gone", ("DELETE",)),
    ("accounts_profile", "crm_directory_on_user_ref", ("INSERT", "UPDATE", "DELETE")),
    ("accounts_privacysettings", "crm_directory_on_user_ref", ("INSERT", "UPDATE", "DELETE")),
    ("engagement_engagementscore", "crm_directory_on_membership_ref", ("INSERT", "UPDATE", "DELETE")),
    ("engagement_engagementoverride", "crm_directory_on_membership_ref", ("INSERT", "UPDATE", "DELETE")),
    ("crm_membershiptag", "crm_directory_on_membership_ref", ("INSERT", "DELETE")),
]


def _trigger_sql() -> tuple[str, str]:
    create, drop = [], []
    for table, function, events in TRIGGERS:
        for event in events:
            name = f"crm_directory_{table}_{event.lower()}"
            rows = "OLD" if event == "DELETE" else "NEW"
            create.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    create.append(
        "CREATE TRIGGER crm_directory_accounts_user_update AFTER UPDATE ON accounts_user "
        "REFERENCING OLD TABLE AS before NEW TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION crm_directory_on_user_renamed();"
    )
    drop.append("DROP TRIGGER IF EXISTS crm_directory_accounts_user_update ON accounts_user;")
    return "\n".join(create), "\n".join(drop)


CREATE_TRIGGERS, DROP_TRIGGERS = _trigger_sql()

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS crm_directory_on_membership();
DROP FUNCTION IF EXISTS crm_directory_on_membership_gone();
DROP FUNCTION IF EXISTS crm_directory_on_membership_ref();
DROP FUNCTION IF EXISTS crm_directory_on_user_ref();
DROP FUNCTION IF EXISTS crm_directory_on_user_renamed();
DROP FUNCTION IF EXISTS crm_directory_sync(bigint[]);
"""

# Existing memberships: every one gets its row, then its attendance figures.
BACKFILL = """
SELECT crm_directory_sync(ARRAY(SELECT id FROM orgs_membership));
UPDATE crm_memberstats s SET events_attended = agg.n, last_attended_at = agg.last
FROM (
    SELECT a.membership_id, count(*) AS n, max(e.start) AS last
    FROM attendance_attendance a JOIN events_event e ON e.id = a.event_id
    WHERE a.attended GROUP BY a.membership_id
) agg
WHERE agg.membership_id = s.membership_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_directory_read_model"),
        ("accounts", "0001_initial"),
        ("attendance", "0004_lean_ledger_indexes"),
        ("engagement", "0002_engagementscore_last_active_at_and_more"),
        ("orgs", "0003_import_fields"),
    ]

    operations = [
        migrations.RunSQL(SYNC + FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
