from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self) -> None:
        from astn.accounts.deletion import register_deletion_step
        from astn.accounts.export import register_export_section
        from astn.core import schedule
        from communities import links, panels, privacy

        links.register()
        panels.register()
        from orgs.permissions import OrgPermission, permissions

        permissions.register(
            OrgPermission(
                "communities.manage",
                "Run the org's 1:1 matching communities: settings, rounds, matches",
            )
        )
        register_export_section("communities", privacy.export_for_user)
        register_deletion_step(
            "communities", privacy.erase_for_user, describe=privacy.describe_erasure
        )
        jobs = [
            (
                "rounds_open",
                "communities.tasks.rounds_open_task",
                schedule.Cron(minute="5", hour="*"),
                "Hourly: open this month's round of each active community (on the 1st in its "
                "zone, or late if missed) and invite its members. Idempotent.",
            ),
            (
                "round_reminders",
                "communities.tasks.round_reminders_task",
                schedule.Cron(minute="15", hour="9"),
                "Daily: remind members who have not done the intake, 3 days before the deadline.",
            ),
            (
                "matching",
                "communities.tasks.matching_task",
                schedule.Cron(minute="25", hour="*"),
                "Hourly: match rounds whose match time has come; book slots; send invites.",
            ),
            (
                "match_followup",
                "communities.tasks.match_followup_task",
                schedule.Cron(minute="35", hour="10"),
                "Daily: “Did you meet?” a week after the call; pause members who miss 3 rounds.",
            ),
        ]
        for name, task, when, description in jobs:
            schedule.register(
                schedule.Job(name=name, task=task, when=when, description=description)
            )
