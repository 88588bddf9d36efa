"""`rotate_luma_keys`: stored lu.ma keys move to the new FIELD_ENCRYPTION_KEY (MultiFernet)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from events.crypto import SecretUnreadable, decrypt, encrypt
from orgs.models import Organization
from tests.factories.orgs import OrganizationFactory

pytestmark = pytest.mark.django_db

OLD, NEW, LOST = (Fernet.generate_key().decode() for _ in range(3))


def _key_of(org) -> str:
    return Organization.objects.get(pk=org.pk).luma_api_key_encrypted


def test_rotation_re_encrypts_every_key_so_the_old_key_can_go(settings, capsys):
    settings.FIELD_ENCRYPTION_KEY = OLD
    orgs = [OrganizationFactory(luma_api_key_encrypted=encrypt(f"secret-{i}")) for i in range(3)]
    no_key = OrganizationFactory(luma_api_key_encrypted="")

    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    call_command("rotate_luma_keys")
    assert "Re-encrypted 3" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEY = NEW  # the old key is gone
    assert [decrypt(_key_of(org)) for org in orgs] == ["secret-0", "secret-1", "secret-2"]
    assert _key_of(no_key) == ""


def test_a_key_nobody_can_read_is_left_alone_and_named(settings):
    settings.FIELD_ENCRYPTION_KEY = LOST
    lost = OrganizationFactory(slug="lost-key", luma_api_key_encrypted=encrypt("gone"))
    settings.FIELD_ENCRYPTION_KEY = OLD
    fine = OrganizationFactory(luma_api_key_encrypted=encrypt("fine"))
    before = _key_of(lost)

    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    with pytest.raises(CommandError, match="lost-key"):
        call_command("rotate_luma_keys")
    settings.FIELD_ENCRYPTION_KEY = NEW
    assert decrypt(_key_of(fine)) == "fine"
    assert _key_of(lost) == before
    with pytest.raises(SecretUnreadable):
        decrypt(_key_of(lost))
