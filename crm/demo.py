"""`seed_demo` for crm: the CRM's people (#13), then programs and insights (#14).

Each part is idempotent on its own; see `crm/demo_people.py` and `crm/demo_programs.py`.
"""

from __future__ import annotations


def seed(*, stdout) -> None:
    from crm.demo_people import seed_people
    from crm.demo_programs import seed_programs

    seed_people(stdout=stdout)
    seed_programs(stdout=stdout)
