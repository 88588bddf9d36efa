import pytest
from pgvector.django import CosineDistance

from astn.accounts.models import EMBEDDING_DIMENSIONS, Profile
from tests.factories.accounts import UserFactory


def _unit(index: int) -> list[float]:
    vector = [0.0] * EMBEDDING_DIMENSIONS
    vector[index] = 1.0
    return vector


@pytest.mark.django_db
def test_profiles_are_ordered_by_embedding_similarity():
    near, far = UserFactory(), UserFactory()
    Profile.objects.filter(user=near).update(interests_embedding=_unit(0))
    Profile.objects.filter(user=far).update(interests_embedding=_unit(1))

    ranked = Profile.objects.exclude(interests_embedding=None).order_by(
        CosineDistance("interests_embedding", _unit(0))
    )

    assert [p.user_id for p in ranked] == [near.id, far.id]


@pytest.mark.django_db
def test_vector_extension_is_installed_in_the_test_database(django_db_blocker):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        assert cursor.fetchone() is not None
