"""Receivers that keep orgs in step with accounts.

When a person verifies an email address — by confirming it, or because it arrived
verified (sign-up through a trusted path, the admin, demo data) — the contact
memberships carrying that address are linked to their account (DESIGN §4). The
status stays `contact`; the dashboard then asks "You attended events of X — join?".
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.db.models.signals import post_save
from django.dispatch import receiver

from orgs.services import contacts_link_to_user


@receiver(email_confirmed, dispatch_uid="orgs_link_contacts_on_confirm")
def link_contacts_on_email_confirmed(
    sender, request, email_address: EmailAddress, **kwargs
) -> None:
    contacts_link_to_user(user=email_address.user, email=email_address.email)


@receiver(post_save, sender=EmailAddress, dispatch_uid="orgs_link_contacts_on_verified_save")
def link_contacts_on_verified_address(sender, instance: EmailAddress, **kwargs) -> None:
    # Also covers addresses that never go through confirmation (created verified).
    if instance.verified:
        contacts_link_to_user(user=instance.user, email=instance.email)
