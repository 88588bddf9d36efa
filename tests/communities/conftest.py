import pytest

from tests.factories.communities import CommunityFactory


@pytest.fixture
def community(org):
    return CommunityFactory(org=org, name="Coffee Chats", slug="coffee-chats")


@pytest.fixture(autouse=True)
def _hashing_is_not_the_default(settings):
    """Matching tests run on the real default backend (wordllama) unless they say otherwise."""
    settings.EMBEDDINGS_BACKEND = "wordllama"
