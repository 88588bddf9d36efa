from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "astn.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from astn.accounts import signals  # noqa: F401 - connects receivers
