"""Drop indexes that a composite index already leads with, and PostgreSQL's pattern index on the
receipt number, without locking the applications for long.

Django's own operations for these state changes drop and re-add the foreign keys (re-checking
every row) and rebuild the unique constraint under an exclusive lock on the applications table.
Here the state changes as those operations say, while the database only loses three indexes
(concurrently on PostgreSQL) and renames the receipt number's unique constraint.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPLICATION = "applications_application"
REVISION = "applications_applicationrevision"
# (table, columns) of each index to drop; on restore, the name Django gave it and its definition.
DROPPED = [
    (APPLICATION, ["call_id"], "applications_application_call_id_ede07de2", '("call_id")'),
    (
        APPLICATION,
        ["receipt_number"],
        "applications_application_receipt_number_33df618d_like",
        '("receipt_number" varchar_pattern_ops)',
    ),
    (REVISION, ["application_id"], "applications_applicationrevision_application_id_060c23e0", '("application_id")'),
]
OLD_UNIQUE = "applications_application_receipt_number_key"
NEW_UNIQUE = "app_receipt_number_unique"


def _plain_indexes(schema_editor, table, columns):
    """Non-unique, non-primary indexes on exactly ``columns`` (found by introspection, not by name)."""
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == columns
    ]


def drop_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, columns, _name, _definition in DROPPED:
        for name in _plain_indexes(schema_editor, table, columns):
            concurrently = "CONCURRENTLY " if postgres else ""
            schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {schema_editor.quote_name(name)}")
    if postgres:
        with schema_editor.connection.cursor() as cursor:
            names = schema_editor.connection.introspection.get_constraints(cursor, APPLICATION)
        if OLD_UNIQUE in names:
            schema_editor.execute(
                f"ALTER TABLE {schema_editor.quote_name(APPLICATION)} "
                f"RENAME CONSTRAINT {schema_editor.quote_name(OLD_UNIQUE)} TO {schema_editor.quote_name(NEW_UNIQUE)}"
            )


def restore_indexes(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table, columns, name, definition in DROPPED:
        if not postgres and "varchar_pattern_ops" in definition:
            continue  # PostgreSQL only
        if not _plain_indexes(schema_editor, table, columns):
            q = schema_editor.quote_name
            schema_editor.execute(f"CREATE INDEX {'CONCURRENTLY ' if postgres else ''}{q(name)} ON {q(table)} {definition}")
    if postgres:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(APPLICATION)} "
            f"RENAME CONSTRAINT {schema_editor.quote_name(NEW_UNIQUE)} TO {schema_editor.quote_name(OLD_UNIQUE)}"
        )


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("accounts", "0001_initial"),
        ("applications", "0002_partner_list"),
        ("calls", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="call",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="calls.call",
                        verbose_name="call",
                    ),
                ),
                migrations.AlterField(
                    model_name="application",
                    name="receipt_number",
                    field=models.CharField(blank=True, max_length=40, null=True, verbose_name="receipt number"),
                ),
                migrations.AlterField(
                    model_name="applicationrevision",
                    name="application",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="applications.application",
                        verbose_name="application",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="application",
                    constraint=models.UniqueConstraint(fields=("receipt_number",), name="app_receipt_number_unique"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, restore_indexes)],
        ),
    ]
