from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from astn.accounts.deletion import register_deletion_step
        from astn.accounts.export import register_export_section
        from orgs import dashboard, muting, receivers  # noqa: F401 - connects receivers

        dashboard.register_panels()
        muting.register()
        register_export_section("memberships", _export_memberships)
        register_deletion_step(
            "memberships", _anonymise_memberships, describe=_describe_memberships
        )


def _export_memberships(user) -> list[dict]:
    from orgs.selectors import membership_export_for_user

    return membership_export_for_user(user=user)


def _anonymise_memberships(user) -> None:
    from orgs.services import memberships_anonymise_for_user

    memberships_anonymise_for_user(user=user)


def _describe_memberships(user) -> list[str]:
    from orgs.selectors import membership_deletion_notes

    return membership_deletion_notes(user=user)
