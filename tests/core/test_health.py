import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, tmp_path):
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"unix://{tmp_path}/nothing-listens-here.sock",
        }
    }
    with override_settings(CACHES=broken):  # Django resets its cache handlers on change
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "error"
    assert response.json()["database"] == "ok"
