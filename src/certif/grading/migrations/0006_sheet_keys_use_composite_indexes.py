"""A sheet's candidate and session lose their own indexes: the unique ``sheet_unit`` (candidate
first) and ``sheet_session_unit`` (session first) serve those lookups.

The indexes are dropped by name rather than by ``AlterField``, which on SQLite copies the whole
table into a new one (millions of sheets on a large installation) to change nothing else."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "grading_scoresheet_candidate_id_f75db85c": "candidate_id",
    "grading_scoresheet_session_id_132710a9": "session_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0007_candidate_partner"),
        ("exam_sessions", "0007_examsession_partner"),
        ("grading", "0005_scoresheet_batch"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {name}",
                    f"CREATE INDEX {name} ON grading_scoresheet ({column})",
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="scoresheet",
                    name="candidate",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sheets",
                        to="candidates.candidate",
                        verbose_name="candidat",
                    ),
                ),
                migrations.AlterField(
                    model_name="scoresheet",
                    name="session",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sheets",
                        to="exam_sessions.examsession",
                        verbose_name="session",
                    ),
                ),
            ],
        )
    ]
