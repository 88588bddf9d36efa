from django.db.models.signals import post_save
from django.dispatch import receiver

from astn.accounts.models import User
from astn.accounts.services import account_settings_ensure


@receiver(post_save, sender=User, dispatch_uid="accounts_user_settings")
def create_account_settings(sender, instance: User, created: bool, **kwargs) -> None:
    """Give every new user (sign-up, createsuperuser, admin) a profile and settings."""
    if created:
        account_settings_ensure(user=instance)
