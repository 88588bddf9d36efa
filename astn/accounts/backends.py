"""Authentication backends: Django's and allauth's, loading the signed-in user's profile
with the user.

Every page reads the profile of the person viewing it (their time zone, in
`ViewerTimezoneMiddleware`; their name and avatar in the navbar), so the user is fetched
with it in one query instead of two.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class ProfileUserMixin:
    def get_user(self, user_id):
        user = (
            get_user_model()._default_manager.select_related("profile").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(ProfileUserMixin, DjangoModelBackend):
    """Username (email) and password, for the Django admin's login."""


class AuthenticationBackend(ProfileUserMixin, AllauthBackend):
    """allauth's login by email, and its login by code."""
