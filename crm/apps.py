from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"

    def ready(self) -> None:
        from crm import hooks

        hooks.connect()  # programs, invitations, follow-ups (#14)
