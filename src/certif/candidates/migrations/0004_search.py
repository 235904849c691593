from typing import Any

from django.db import migrations

import certif.candidates.models
from certif.domain.search import search_key

SEARCHED = (
    "numero", "birth_name", "usage_name", "first_name", "second_first_name", "third_first_name",
)  # fmt: skip


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    """Existing candidates get their search key, in batches (100,000 candidates: a few seconds)."""
    Candidate = apps.get_model("candidates", "Candidate")
    batch = []
    for candidate in Candidate.objects.only("pk", *SEARCHED).iterator(chunk_size=5000):
        candidate.search = search_key(getattr(candidate, name) for name in SEARCHED)
        batch.append(candidate)
        if len(batch) == 5000:
            Candidate.objects.bulk_update(batch, ["search"])
            batch = []
    Candidate.objects.bulk_update(batch, ["search"])


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0003_nir"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="search",
            field=certif.candidates.models.SearchKeyField(
                default="", editable=False, max_length=512
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
