"""The set-based writes of an attendance import: a few statements, whatever the file size.

Starts from the staging table (`attendance.imports.staging`), inside the caller's
transaction. Same rules as the ledger (`attendance.services.ledger`), in SQL:

- people by normalised email (a membership's own address, then its account's);
  unknown addresses become `contact` memberships (source `import`), linked to a
  verified account with that address as `membership_contact_add` does; what the file
  says (name, company, job title, country) fills only the *empty* fields of contacts;
- `attended` from source `import` never overwrites a more trusted value (an admin's
  mark) and an equal value writes nothing; an RSVP `going` only where there was none;
- every applied change is an `AttendanceChange` row (source `import`); a change to a
  record that existed before also gets an `AttendanceImportChange` row (the values and
  sources before, for undo). Records the import *created* need none: they carry the
  import's run time as `created_at`, and undo empties them.

Per-row `attendance_changed` signals are *not* sent (100,000 receivers would fire);
the caller sends one `attendance_imported` for the whole import.
"""

# Every f-string below interpolates table names, column lists and CASE expressions built
# from our own models and constants, never input; values always go as query parameters.
# ruff: noqa: S608

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, models

from attendance.errors import AttendanceImportError
from attendance.imports.staging import STAGE
from attendance.models import (
    Attendance,
    AttendanceChange,
    AttendanceImport,
    AttendanceImportChange,
    Source,
)
from attendance.services.ledger import ATTENDED_TRUST
from orgs.models import Membership

TARGET = "attendance_import_target"
PEOPLE = "attendance_import_people"
IMPORT = Source.IMPORT.value


def _table(model: type[models.Model]) -> str:
    return model._meta.db_table


class Param:
    """A value passed as a query parameter (not SQL) in `_insert_sql`'s `given`."""

    def __init__(self, value: Any):
        self.value = value


def _insert_sql(
    model: type[models.Model], given: dict[str, str | Param]
) -> tuple[str, str, dict[str, Any]]:
    """Return (columns, select expressions, named params) for an INSERT ... SELECT into `model`.

    `given` maps column → SQL expression (or a `Param`); every other concrete column gets
    its model default as a parameter, so a field another app adds later cannot break it.
    Placeholders are named `%(c0)s`, `%(c1)s`, ...; add your own names to the dict.
    """
    columns: list[str] = []
    exprs: list[str] = []
    params: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        value = given.get(field.column)
        if isinstance(value, str):
            exprs.append(value)
            continue
        key = f"c{len(params)}"
        exprs.append(f"%({key})s")
        if isinstance(value, Param):
            params[key] = value.value
            continue
        default = field.get_default() if field.has_default() else None
        if default is None and not field.null and field.empty_strings_allowed:
            default = ""
        params[key] = field.get_db_prep_save(default, connection)
    return ", ".join(columns), ", ".join(exprs), params


def _trust(column: str) -> str:
    cases = " ".join(f"WHEN '{source}' THEN {rank}" for source, rank in ATTENDED_TRUST.items())
    return f"(CASE {column} {cases} ELSE 0 END)"


def _bool_text(column: str) -> str:
    return f"(CASE {column} WHEN true THEN 'true' WHEN false THEN 'false' ELSE '' END)"


def people_resolve(*, org_id: int, now: datetime) -> dict[str, int]:
    """Match the file's distinct addresses to memberships, adding unknown ones as contacts.

    Works on a table of distinct addresses (a person appears in many rows of a
    multi-event file), which the attendance statements then join by email.
    """
    membership = _table(Membership)
    with connection.cursor() as c:
        c.execute(f"DROP TABLE IF EXISTS {PEOPLE}")
        c.execute(
            f"""CREATE TEMPORARY TABLE {PEOPLE} ON COMMIT DROP AS
            SELECT DISTINCT ON (email) email, name, company, job_title, country,
                NULL::bigint AS membership_id, false AS new_contact
            FROM {STAGE} ORDER BY email, line"""
        )
        c.execute(f"CREATE UNIQUE INDEX ON {PEOPLE} (email)")
        c.execute(f"ANALYZE {PEOPLE}")
        c.execute(
            f"""UPDATE {PEOPLE} p SET membership_id = m.id FROM {membership} m
            WHERE m.org_id = %s AND m.email <> '' AND lower(m.email) = p.email""",
            [org_id],
        )
        c.execute(
            f"""UPDATE {PEOPLE} p SET membership_id = m.id FROM {membership} m
            JOIN accounts_user u ON u.id = m.user_id
            WHERE p.membership_id IS NULL AND m.org_id = %s AND u.email = p.email""",
            [org_id],
        )
        columns, exprs, params = _insert_sql(
            Membership,
            {
                "org_id": Param(org_id),
                "user_id": "owner.user_id",
                "email": "n.email",
                "name": "left(n.name, 150)",
                "company": "left(n.company, 150)",
                "job_title": "left(n.job_title, 150)",
                "country": "left(n.country, 100)",
                "status": "'contact'",
                "source": "'import'",
                "role": "'member'",
                "joined_at": Param(now),
                "created_at": Param(now),
            },
        )
        c.execute(
            f"""
            WITH ins AS (
                INSERT INTO {membership} ({columns})
                SELECT {exprs} FROM {PEOPLE} n LEFT JOIN LATERAL (
                    SELECT ea.user_id FROM account_emailaddress ea
                    WHERE lower(ea.email) = n.email AND ea.verified
                    AND NOT EXISTS (
                        SELECT 1 FROM {membership} m2
                        WHERE m2.org_id = %(org)s AND m2.user_id = ea.user_id
                    )
                    LIMIT 1
                ) owner ON true
                WHERE n.membership_id IS NULL
                ON CONFLICT DO NOTHING
                RETURNING id, email
            )
            UPDATE {PEOPLE} p SET membership_id = ins.id, new_contact = true
            FROM ins WHERE p.email = ins.email
            """,
            {**params, "org": org_id},
        )
        new_contacts = c.rowcount
        c.execute(
            f"""
            UPDATE {membership} m SET
                name = CASE WHEN m.name = '' THEN left(f.name, 150) ELSE m.name END,
                company = CASE WHEN m.company = '' THEN left(f.company, 150) ELSE m.company END,
                job_title = CASE WHEN m.job_title = '' THEN left(f.job_title, 150)
                    ELSE m.job_title END,
                country = CASE WHEN m.country = '' THEN left(f.country, 100) ELSE m.country END
            FROM {PEOPLE} f
            WHERE m.id = f.membership_id AND NOT f.new_contact
            AND m.status = 'contact' AND m.anonymised_at IS NULL
            AND ((m.name = '' AND f.name <> '') OR (m.company = '' AND f.company <> '')
                 OR (m.job_title = '' AND f.job_title <> '')
                 OR (m.country = '' AND f.country <> ''))
            """
        )
        filled = c.rowcount
    return {"new_contacts": new_contacts, "contacts_filled": filled}


def attendance_apply(
    *, imp: AttendanceImport, now: datetime, actor_id: int | None, past_event_ids: set[int]
) -> dict[str, int]:
    """Write attendance, ledger and undo rows from the resolved staging table."""
    attendance, change, undo = (
        _table(Attendance),
        _table(AttendanceChange),
        _table(AttendanceImportChange),
    )
    past = list(past_event_ids) or [0]
    with connection.cursor() as c:
        # Lock the records we may change, so a check-in at the same moment waits for us.
        c.execute(
            f"""SELECT a.id FROM {attendance} a
            JOIN (SELECT DISTINCT s.event_id, p.membership_id FROM {STAGE} s
                  JOIN {PEOPLE} p ON p.email = s.email WHERE p.membership_id IS NOT NULL) s
            ON a.event_id = s.event_id AND a.membership_id = s.membership_id
            ORDER BY a.id FOR UPDATE OF a"""
        )
        c.execute(f"DROP TABLE IF EXISTS {TARGET}")
        c.execute("SELECT pg_get_serial_sequence(%s, 'id')", [attendance])
        sequence = c.fetchone()[0]
        # One row per (event, person): "attended" wins over "no-show" when a person appears
        # twice (two addresses of one membership). A no-show is only a no-show once the event
        # is over; before that it stays unknown.
        c.execute(
            f"""
            CREATE TEMPORARY TABLE {TARGET} ON COMMIT DROP AS
            SELECT d.*,
                CASE WHEN d.old_id IS NOT NULL THEN d.old_id
                     WHEN d.registered OR d.attended IS NOT NULL OR d.minutes IS NOT NULL
                     THEN nextval(%s::regclass) END AS attendance_id,
                d.attended IS NOT NULL AND d.old_attended IS DISTINCT FROM d.attended
                    AND (d.old_attended IS NULL
                         OR {_trust("d.old_attended_source")} <= {ATTENDED_TRUST[IMPORT]})
                    AS apply_attended,
                d.registered AND d.old_rsvp = 'none' AS apply_rsvp,
                d.minutes IS NOT NULL AND d.old_minutes IS DISTINCT FROM d.minutes
                    AS apply_minutes,
                d.attended IS NOT NULL AND d.old_attended IS NOT NULL
                    AND d.old_attended IS DISTINCT FROM d.attended
                    AND {_trust("d.old_attended_source")} > {ATTENDED_TRUST[IMPORT]}
                    AS outranked,
                d.old_id IS NULL AS created
            FROM (
                SELECT DISTINCT ON (s.event_id, p.membership_id)
                    s.event_id, p.membership_id, s.line, p.new_contact,
                    CASE WHEN s.attended = false AND s.event_id <> ALL(%s) THEN NULL
                         ELSE s.attended END AS attended,
                    s.minutes, s.registered,
                    a.id AS old_id,
                    coalesce(a.rsvp, 'none') AS old_rsvp,
                    coalesce(a.rsvp_source, '') AS old_rsvp_source,
                    a.attended AS old_attended,
                    coalesce(a.attended_source, '') AS old_attended_source,
                    a.minutes_present AS old_minutes
                FROM {STAGE} s
                JOIN {PEOPLE} p ON p.email = s.email
                LEFT JOIN {attendance} a
                    ON a.event_id = s.event_id AND a.membership_id = p.membership_id
                WHERE p.membership_id IS NOT NULL
                ORDER BY s.event_id, p.membership_id, s.attended DESC NULLS LAST, s.line
            ) d
            """,
            [sequence, past],
        )
        columns, exprs, params = _insert_sql(
            Attendance,
            {
                "event_id": "t.event_id",
                "membership_id": "t.membership_id",
                "rsvp": "CASE WHEN t.apply_rsvp THEN 'going' ELSE 'none' END",
                "rsvp_at": "CASE WHEN t.apply_rsvp THEN %(now)s::timestamptz END",
                "rsvp_source": "CASE WHEN t.apply_rsvp THEN 'import' ELSE '' END",
                "attended": "t.attended",
                "attended_source": "CASE WHEN t.attended IS NULL THEN '' ELSE 'import' END",
                "attended_at": "CASE WHEN t.attended IS NOT NULL THEN %(now)s::timestamptz END",
                "minutes_present": "t.minutes",
                "created_at": Param(now),
                "updated_at": Param(now),
            },
        )
        # Ids were taken from the sequence above, so the ledger rows can be written without
        # reading them back. A record someone created meanwhile (an RSVP in the same second)
        # makes the counts differ: roll back and let the admin run it again.
        c.execute(
            f"""
            INSERT INTO {attendance} (id, {columns})
            SELECT t.attendance_id, {exprs} FROM {TARGET} t
            WHERE t.created AND t.attendance_id IS NOT NULL
            ORDER BY t.attendance_id
            ON CONFLICT (event_id, membership_id) DO NOTHING
            """,
            {**params, "now": now},
        )
        created = c.rowcount
        c.execute(f"SELECT count(*) FROM {TARGET} WHERE created AND attendance_id IS NOT NULL")
        if c.fetchone()[0] != created:
            raise AttendanceImportError(
                "Someone recorded attendance for these events at the same moment; nothing was "
                "imported. Upload the file again."
            )
        c.execute(
            f"""
            UPDATE {attendance} a SET
                rsvp = CASE WHEN t.apply_rsvp THEN 'going' ELSE a.rsvp END,
                rsvp_at = CASE WHEN t.apply_rsvp THEN %(now)s ELSE a.rsvp_at END,
                rsvp_source = CASE WHEN t.apply_rsvp THEN 'import' ELSE a.rsvp_source END,
                attended = CASE WHEN t.apply_attended THEN t.attended ELSE a.attended END,
                attended_source = CASE WHEN t.apply_attended THEN 'import'
                    ELSE a.attended_source END,
                attended_at = CASE WHEN t.apply_attended THEN %(now)s ELSE a.attended_at END,
                minutes_present = CASE WHEN t.apply_minutes THEN t.minutes
                    ELSE a.minutes_present END,
                updated_at = %(now)s
            FROM {TARGET} t
            WHERE a.id = t.attendance_id AND NOT t.created
            AND (t.apply_rsvp OR t.apply_attended OR t.apply_minutes)
            """,
            {"now": now},
        )
        updated = c.rowcount
        applied = "t.attendance_id IS NOT NULL"
        columns, exprs, params = _insert_sql(
            AttendanceChange,
            {
                "attendance_id": "t.attendance_id",
                "field": "x.field",
                "old": "x.old",
                "new": "x.new",
                "source": "x.source",
                "actor_id": "CASE WHEN x.applied THEN %(actor)s::bigint END",
                "at": Param(now),
                "applied": "x.applied",
            },
        )
        # An import that overrules a member's own answer keeps that answer as a refused
        # self-report (`applied=False`): the check-in list shows it as a conflict to settle.
        c.execute(
            f"""
            INSERT INTO {change} ({columns})
            SELECT {exprs} FROM {TARGET} t
            CROSS JOIN LATERAL (VALUES
                ('rsvp', t.old_rsvp, 'going', t.apply_rsvp, 'import', true),
                ('attended', {_bool_text("t.old_attended")}, {_bool_text("t.attended")},
                 t.apply_attended, 'import', true),
                ('attended', {_bool_text("t.attended")}, {_bool_text("t.old_attended")},
                 t.apply_attended AND t.old_attended_source = 'self'
                 AND t.old_attended IS NOT NULL, 'self', false)
            ) AS x(field, old, new, applies, source, applied)
            WHERE {applied} AND x.applies
            ORDER BY t.attendance_id
            """,
            {**params, "actor": actor_id},
        )
        ledger_rows = c.rowcount
        columns, exprs, params = _insert_sql(
            AttendanceImportChange,
            {
                "attendance_import_id": Param(imp.pk),
                "attendance_id": "t.attendance_id",
                "created": "t.created",
                "old_rsvp": "t.old_rsvp",
                "old_rsvp_source": "t.old_rsvp_source",
                "new_rsvp": "CASE WHEN t.apply_rsvp THEN 'going' ELSE t.old_rsvp END",
                "old_attended": "t.old_attended",
                "old_attended_source": "t.old_attended_source",
                "new_attended": "CASE WHEN t.apply_attended THEN t.attended "
                "ELSE t.old_attended END",
                "old_minutes": "t.old_minutes",
                "new_minutes": "CASE WHEN t.apply_minutes THEN t.minutes ELSE t.old_minutes END",
            },
        )
        c.execute(
            f"""INSERT INTO {undo} ({columns}) SELECT {exprs} FROM {TARGET} t
            WHERE {applied} AND NOT t.created
            AND (t.apply_rsvp OR t.apply_attended OR t.apply_minutes)
            ON CONFLICT DO NOTHING""",
            params,
        )
        c.execute(
            f"""SELECT count(DISTINCT membership_id),
                count(DISTINCT membership_id) FILTER (WHERE NOT new_contact),
                count(DISTINCT event_id),
                count(*) FILTER (WHERE attended),
                count(*) FILTER (WHERE attended = false),
                count(*) FILTER (WHERE outranked),
                count(*) FILTER (WHERE apply_attended AND old_attended_source = 'self'
                                 AND old_attended IS NOT NULL)
            FROM {TARGET}"""
        )
        people, matched, events, attended, no_shows, outranked, conflicts = c.fetchone()
    return {
        "people": people,
        "matched": matched,
        "events": events,
        "attended": attended,
        "no_shows": no_shows,
        "new_records": created,
        "updated_records": updated,
        "changes": ledger_rows - conflicts,
        "conflicts": conflicts,
        "kept_more_trusted": outranked,
    }


def attendance_undo(
    *, imp: AttendanceImport, now: datetime, actor_id: int | None, run_at: datetime | None
) -> int:
    """Revert what `imp` changed where nobody has changed it since; return ledger rows written.

    Each revert is a ledger row (source `import`, by the admin who undid it). A value
    someone changed after the import (an admin's mark, a self-report) is left alone.
    """
    attendance, change, undo = (
        _table(Attendance),
        _table(AttendanceChange),
        _table(AttendanceImportChange),
    )
    columns, exprs, params = _insert_sql(
        AttendanceChange,
        {
            "attendance_id": "r.id",
            "field": "r.field",
            "old": "r.old",
            "new": "r.new",
            "source": "'import'",
            "actor_id": Param(actor_id),
            "at": Param(now),
            "applied": "true",
        },
    )
    written = 0
    with connection.cursor() as c:
        c.execute(
            f"""
            WITH r AS (
                UPDATE {attendance} a SET attended = u.old_attended,
                    attended_source = u.old_attended_source, attended_at = %(now)s,
                    updated_at = %(now)s
                FROM {undo} u
                WHERE u.attendance_import_id = %(imp)s AND a.id = u.attendance_id
                AND u.old_attended IS DISTINCT FROM u.new_attended
                AND a.attended IS NOT DISTINCT FROM u.new_attended AND a.attended_source = 'import'
                RETURNING a.id, 'attended' AS field, {_bool_text("u.new_attended")} AS old,
                    {_bool_text("u.old_attended")} AS new
            )
            INSERT INTO {change} ({columns}) SELECT {exprs} FROM r
            """,
            {**params, "now": now, "imp": imp.pk},
        )
        written += c.rowcount
        c.execute(
            f"""
            WITH r AS (
                UPDATE {attendance} a SET rsvp = u.old_rsvp, rsvp_source = u.old_rsvp_source,
                    rsvp_at = %(now)s, updated_at = %(now)s
                FROM {undo} u
                WHERE u.attendance_import_id = %(imp)s AND a.id = u.attendance_id
                AND u.old_rsvp <> u.new_rsvp AND a.rsvp = u.new_rsvp AND a.rsvp_source = 'import'
                RETURNING a.id, 'rsvp' AS field, u.new_rsvp AS old, u.old_rsvp AS new
            )
            INSERT INTO {change} ({columns}) SELECT {exprs} FROM r
            """,
            {**params, "now": now, "imp": imp.pk},
        )
        written += c.rowcount
        # The conflicts the import raised (a member's answer it overruled) are moot now.
        c.execute(
            f"""UPDATE {change} SET settled_at = %(now)s, settled_by_id = %(actor)s
            WHERE applied = false AND settled_at IS NULL AND source = 'self' AND at = %(run_at)s
            AND attendance_id IN (
                SELECT attendance_id FROM {undo} WHERE attendance_import_id = %(imp)s
            )""",
            {"now": now, "actor": actor_id, "run_at": run_at, "imp": imp.pk},
        )
        for field, value, source, extra in (
            ("attended", "attended", "attended_source", "attended_at"),
            ("rsvp", "rsvp", "rsvp_source", "rsvp_at"),
        ):
            empty = "NULL" if field == "attended" else "'none'"
            old_text = _bool_text("o.value") if field == "attended" else "o.value"
            new_text = "''" if field == "attended" else "'none'"
            c.execute(
                f"""
                WITH o AS (
                    SELECT a.id, a.{value} AS value FROM {attendance} a
                    WHERE a.event_id = ANY(%(events)s) AND a.created_at = %(run_at)s
                    AND a.{source} = 'import' AND a.{value} IS DISTINCT FROM {empty}
                ), r AS (
                    UPDATE {attendance} a SET {value} = {empty}, {source} = '',
                        {extra} = %(now)s, minutes_present = NULL, updated_at = %(now)s
                    FROM o WHERE a.id = o.id
                    RETURNING a.id, '{field}' AS field, {old_text} AS old, {new_text} AS new
                )
                INSERT INTO {change} ({columns}) SELECT {exprs} FROM r
                """,
                {**params, "now": now, "events": imp.event_ids or [0], "run_at": run_at},
            )
            written += c.rowcount
        c.execute(
            f"""UPDATE {attendance} a SET minutes_present = u.old_minutes
            FROM {undo} u WHERE u.attendance_import_id = %s AND a.id = u.attendance_id
            AND a.minutes_present IS NOT DISTINCT FROM u.new_minutes
            AND u.old_minutes IS DISTINCT FROM u.new_minutes""",
            [imp.pk],
        )
    return written
