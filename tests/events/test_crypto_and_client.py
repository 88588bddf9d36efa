import time
from email.utils import format_datetime

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from events.crypto import SecretUnreadable, decrypt, encrypt, mask
from events.luma import LumaAuthError, LumaClient, LumaError, retry_after_seconds


def test_secrets_round_trip_and_are_not_stored_in_clear():
    token = encrypt("luma-secret-abcd")
    assert "luma-secret" not in token
    assert decrypt(token) == "luma-secret-abcd"
    assert encrypt("") == ""
    assert decrypt("") == ""
    assert mask("luma-secret-abcd") == "••••abcd"


def test_a_configured_key_can_be_rotated(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    token = encrypt("the-key")
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert decrypt(token) == "the-key"
    settings.FIELD_ENCRYPTION_KEY = new
    with pytest.raises(SecretUnreadable, match="Enter it again"):
        decrypt(token)


def test_the_derived_key_survives_a_secret_key_rotation_with_fallbacks(settings):
    token = encrypt("the-key")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test"
    assert decrypt(token) == "the-key"


@pytest.mark.parametrize(
    ("header", "expected"), [("3", 3.0), ("", None), ("soon", None), (None, None)]
)
def test_retry_after_in_seconds(header, expected):
    assert retry_after_seconds(header) == expected


def test_retry_after_as_an_http_date():
    later = timezone.now() + timezone.timedelta(seconds=30)
    assert 25 <= retry_after_seconds(format_datetime(later, usegmt=True)) <= 31


def test_a_huge_retry_after_is_capped(fake_luma):
    fake_luma.add_event()
    fake_luma.rate_limit(times=1, retry_after="3600")
    waits = []
    client = LumaClient(api_key=fake_luma.api_key, max_retry_after=0.2, sleep=waits.append)
    assert len(list(client.iter_events())) == 1
    assert waits == [0.2]


def test_403_is_an_auth_error_and_not_retried(fake_luma):
    fake_luma.fail(status=403, times=5)
    client = LumaClient(api_key=fake_luma.api_key, sleep=lambda s: None)
    with pytest.raises(LumaAuthError):
        list(client.iter_events())
    assert client.requests_made == 1


def test_other_4xx_is_an_error_without_retries(fake_luma):
    fake_luma.fail(status=400, times=5)
    client = LumaClient(api_key=fake_luma.api_key, sleep=lambda s: None)
    with pytest.raises(LumaError, match="answered 400"):
        list(client.iter_events())
    assert client.requests_made == 1


def test_an_unreachable_luma_is_retried_then_a_clear_error():
    client = LumaClient(api_key="k", base_url="http://127.0.0.1:9", sleep=lambda s: None)
    began = time.monotonic()
    with pytest.raises(LumaError, match=r"Could not connect to lu\.ma; gave up after 4 tries"):
        list(client.iter_events())
    assert client.requests_made == 4
    assert time.monotonic() - began < 5


def test_guests_are_paginated(fake_luma):
    entry = fake_luma.add_event()
    for n in range(5):
        fake_luma.add_guest(entry["api_id"], approval_status="approved" if n % 2 else "waitlist")
    guests = list(LumaClient(api_key=fake_luma.api_key).iter_guests(event_api_id=entry["api_id"]))
    assert len(guests) == 5
    assert {g["guest"]["approval_status"] for g in guests} == {"approved", "waitlist"}
    assert all(g["api_id"] == g["guest"]["api_id"] for g in guests)
