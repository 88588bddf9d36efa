from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"

    def ready(self) -> None:
        from engagement.permissions import ENGAGEMENT_MANAGE
        from orgs.permissions import OrgPermission, permissions

        permissions.register(
            OrgPermission(
                ENGAGEMENT_MANAGE,
                "See engagement levels and rationales, override levels, recompute",
            )
        )
        self._connect_receivers()
        self._register_jobs()
        self._register_privacy()

    def _connect_receivers(self) -> None:
        from django.db.models.signals import post_save

        from astn.accounts.models import PrivacySettings, Profile
        from attendance import signals as attendance_signals
        from engagement import receivers
        from orgs.models import Membership
        from orgs.signals import membership_left

        attendance_signals.attendance_changed.connect(
            receivers.on_attendance_changed, dispatch_uid="engagement.attendance_changed"
        )
        attendance_signals.attendance_feedback_changed.connect(
            receivers.on_feedback_changed, dispatch_uid="engagement.feedback_changed"
        )
        # Sent by attendance imports (#11); absent in older trees, so look it up softly.
        imported = getattr(attendance_signals, "attendance_imported", None)
        if imported is not None:
            imported.connect(
                receivers.on_attendance_imported, dispatch_uid="engagement.attendance_imported"
            )
        membership_left.connect(receivers.on_membership_left, dispatch_uid="engagement.left")
        post_save.connect(
            receivers.on_membership_saved, sender=Membership, dispatch_uid="engagement.joined"
        )
        post_save.connect(
            receivers.on_profile_saved, sender=Profile, dispatch_uid="engagement.profile"
        )
        post_save.connect(
            receivers.on_privacy_saved, sender=PrivacySettings, dispatch_uid="engagement.opt_out"
        )

    def _register_jobs(self) -> None:
        from astn.core import schedule

        schedule.register(
            schedule.Job(
                name="engagement_recompute",
                task="engagement.tasks.engagement_recompute_task",
                when=schedule.Cron(minute="0", hour="3"),
                description="Daily 03:00 UTC: engagement signals and levels for every org; "
                "Claude only where signals changed.",
            )
        )
        schedule.register(
            schedule.Job(
                name="engagement_rollup",
                task="engagement.tasks.engagement_rollup_task",
                when=schedule.Cron(minute="30", hour="2"),
                description="Daily 02:30 UTC: activity older than 90 days → monthly counts.",
            )
        )

    def _register_privacy(self) -> None:
        from astn.accounts.deletion import register_deletion_step
        from astn.accounts.export import register_export_section
        from engagement import privacy

        register_export_section("engagement", privacy.engagement_export_for_user)
        register_deletion_step(
            "engagement",
            privacy.engagement_erase_for_user,
            describe=privacy.engagement_deletion_notes,
        )
