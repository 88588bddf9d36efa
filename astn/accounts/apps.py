from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "astn.accounts"
    label = "accounts"
    # Not "Accounts": allauth's email addresses already show under that name in the admin.
    verbose_name = "Users and profiles"

    def ready(self) -> None:
        from astn.accounts import signals  # noqa: F401 - connects receivers
