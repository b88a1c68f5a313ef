"""The backend-specific parts, which the model cannot declare for both databases.

SQLite: the FTS5 tables (German stems; trigrams of the stems for parts of compound words).
PostgreSQL: a stored, weighted ``german`` text-search vector with a GIN index, and pg_trgm
GIN indexes on title and body.
"""

from django.db import migrations

SQLITE_TABLES = {
    "search_fts": 'fts5(title, body, tokenize="unicode61 remove_diacritics 2")',
    "search_trigram": 'fts5(title, body, tokenize="trigram")',
}

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector)",
    "CREATE INDEX search_entry_title_trgm ON search_searchentry USING gin (title gin_trgm_ops)",
    "CREATE INDEX search_entry_body_trgm ON search_searchentry USING gin (body gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "DROP INDEX IF EXISTS search_entry_body_trgm",
    "DROP INDEX IF EXISTS search_entry_title_trgm",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table, definition in SQLITE_TABLES.items():
            schema_editor.execute(f"CREATE VIRTUAL TABLE {table} USING {definition}")
    elif vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in SQLITE_TABLES:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
    elif vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
