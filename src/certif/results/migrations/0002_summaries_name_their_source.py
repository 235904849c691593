"""Stored summaries gain ``"source": "engine"`` (issue 11: every standing says whether the rules
or a jury decided it); the full decisions (``data``) do not change."""

import json
from typing import Any

from django.db import migrations

BATCH = 2000


def _with_source(summary: dict[str, Any]) -> dict[str, Any]:
    blocks = {code: {**block, "source": "engine"} for code, block in summary["blocks"].items()}
    return {"certified": summary["certified"], "source": "engine", "blocks": blocks}


def _update(schema_editor: Any, table: str, rows: list[tuple[str, int]]) -> None:
    # Written compact, as the results service writes them (its SQLite filters rely on it).
    connection = schema_editor.connection
    param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET summary = {param} WHERE id = %s", rows)


def add_sources(apps: Any, schema_editor: Any) -> None:
    CandidateResult = apps.get_model("results", "CandidateResult")
    table = schema_editor.connection.ops.quote_name(CandidateResult._meta.db_table)
    pending: list[tuple[str, int]] = []
    for pk, summary in CandidateResult.objects.values_list("pk", "summary").iterator(
        chunk_size=BATCH
    ):
        if isinstance(summary, str):
            summary = json.loads(summary)
        if summary.get("source") == "engine":
            continue
        text = json.dumps(_with_source(summary), ensure_ascii=False, separators=(",", ":"))
        pending.append((text, pk))
        if len(pending) >= BATCH:
            _update(schema_editor, table, pending)
            pending = []
    if pending:
        _update(schema_editor, table, pending)


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]

    operations = [migrations.RunPython(add_sources, migrations.RunPython.noop, elidable=True)]
