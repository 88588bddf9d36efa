"""Test settings: the same real Postgres and Redis, mail to Django's locmem outbox."""

import os

from astn.settings.base import *  # noqa: F403
from astn.settings.base import CACHES, DATABASES, REDIS_URL, STATIC_ROOT, redis_db_url

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run jobs in-process: a task called with .delay() runs at once.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Separate Redis databases and test database name, so a test run never touches
# the data of a `make run` sharing the same embedded servers. ASTN_TEST_DB lets
# two test runs share one server at once.
CACHES["default"]["LOCATION"] = redis_db_url(REDIS_URL, 9)
CACHES["default"]["KEY_PREFIX"] = "astn-test-" + os.environ.get("ASTN_TEST_DB", "test_astn")
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ASTN_TEST_DB", "test_astn")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False
ASTN_FETCH_ALLOW_PRIVATE = True  # fake outside servers listen on 127.0.0.1
LUMA_API_BASE_URL = "http://127.0.0.1:9"  # tests point it at their fake server
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
