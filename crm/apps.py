from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"

    def ready(self) -> None:
        from crm import hooks, panels

        hooks.connect()  # programs, invitations, follow-ups (#14)
        panels.connect()  # timeline sources, org-page admin link (#13)
