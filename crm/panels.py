"""What the CRM pages (#13) plug into: crm's own timeline sources, an "Admin dashboard"
button on the org page for the org's admins (`orgs.extensions`, so `orgs` never imports crm),
the receivers that keep `MemberStats` current and its nightly rebuild.

Called once from `CrmConfig.ready()`.
"""

from __future__ import annotations

from django.urls import reverse

from orgs.extensions import OrgPagePanel, org_page_panels


def _admin_link(request, org, membership) -> dict | None:
    if membership is None or not membership.is_admin:
        return None
    return {"url": reverse("crm:dashboard", kwargs={"slug": org.slug})}


def connect() -> None:
    from astn.core import schedule
    from crm import receivers
    from crm.selectors.timeline import register_builtin_sources

    register_builtin_sources()
    receivers.connect()
    schedule.register(
        schedule.Job(
            name="crm_member_stats",
            task="crm.tasks.member_stats_refresh_task",
            when=schedule.Cron(minute="30", hour="3"),
            description="Nightly: rebuild the directory's read model (MemberStats) from "
            "the truth, healing anything a signal or a trigger missed.",
        )
    )
    schedule.register(
        schedule.Job(
            name="crm_interest_vectors",
            task="crm.tasks.interest_vectors_refresh_task",
            when=schedule.Every(minutes=60),
            description="Hourly: embed changed member interests and upcoming event topics "
            "for 'whom to invite' (only text that changed).",
        )
    )
    org_page_panels.register(
        OrgPagePanel(
            name="crm-admin-link",
            order=5,
            slot="actions",
            template="crm/partials/_org_admin_link.html",
            context=_admin_link,
        )
    )
