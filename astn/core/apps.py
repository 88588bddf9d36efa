from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "astn.core"
    label = "core"
    verbose_name = "ASTN core"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from astn.core.db import apply_session_settings

        connection_created.connect(apply_session_settings, dispatch_uid="astn_db_session")

        from astn.core.scope import install_commit_hooks_outside_scope

        install_commit_hooks_outside_scope()

        from astn.core.schedule import sync_schedule_after_migrate

        # post_migrate is sent per app with models; django-celery-beat's owns the tables.
        post_migrate.connect(
            sync_schedule_after_migrate,
            sender=apps.get_app_config("django_celery_beat"),
            dispatch_uid="astn_sync_schedule",
        )
        from astn.core.sites import sync_site

        post_migrate.connect(
            sync_site, sender=apps.get_app_config("sites"), dispatch_uid="astn_sync_site"
        )
