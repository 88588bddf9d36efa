from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"

    def ready(self) -> None:
        from astn.accounts.export import register_export_section
        from crm import hooks, panels, privacy
        from crm.views import base

        hooks.connect()  # programs, invitations, follow-ups (#14)
        panels.connect()  # timeline sources, org-page admin link (#13)
        register_export_section("crm", privacy.export_for_user)
        base.register_admin_tabs()  # the org-admin tabs every app's admin pages show
