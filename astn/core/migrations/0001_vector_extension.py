from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """Create pgvector's `vector` extension; embeddings (profiles, round intakes) need it."""

    initial = True
    dependencies = []
    operations = [VectorExtension()]
