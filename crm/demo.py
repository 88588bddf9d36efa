"""`seed_demo` for crm: the CRM's people (#13), then programs and insights (#14).

Each part is idempotent on its own; see `crm/demo_people.py` and `crm/demo_programs.py`.
Last, the directory's read model and the dashboard's roll-ups are rebuilt for every
org: the demo writes attendance in bulk, past the signals that keep them.
"""

from __future__ import annotations


def seed(*, stdout) -> None:
    from crm.demo_people import seed_people
    from crm.demo_programs import seed_programs
    from crm.services.stats import member_stats_refresh_all

    seed_people(stdout=stdout)
    seed_programs(stdout=stdout)
    member_stats_refresh_all()
