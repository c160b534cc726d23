"""The migrations build exactly the schema the models declare (on SQLite and on PostgreSQL).

The suite's database is built by the real migrations (tests/conftest.py), so a model column
without a migration, or a migration the models do not know, shows up here as a difference.
"""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bdc.extensions import db


def test_the_migrated_schema_matches_the_models(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_migration_chain_has_one_head(ctx):
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads
