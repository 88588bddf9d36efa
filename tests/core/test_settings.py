"""Production settings: refuse to start without secrets; `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process only; a
    # production process must not inherit it (check --deploy rightly refuses it).
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "astn.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env() -> dict[str, str]:
    return {
        "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "astn.example.org",
        "SITE_URL": "https://astn.example.org",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "FIELD_ENCRYPTION_KEY": "5bD8cYq0mV3m1Jr1kX0Yw1sE9nXlq5Uo3Gq2y5tQe1A=",
    }


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_is_one_clear_line_not_a_traceback():
    env = _production_env()
    env["SECRET_KEY"] = ""
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_database_url_is_refused_in_production():
    env = _production_env()
    env["DATABASE_URL"] = ""
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL is required" in result.stderr


def test_production_needs_a_field_encryption_key_and_a_well_formed_one():
    env = _production_env()
    env["FIELD_ENCRYPTION_KEY"] = ""
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is required" in result.stderr
    env["FIELD_ENCRYPTION_KEY"] = "not-a-fernet-key"
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "key 1 of FIELD_ENCRYPTION_KEY is not a Fernet key" in result.stderr
    assert "Traceback" not in result.stderr
