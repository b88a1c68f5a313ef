"""PostgreSQL: the title vectors in a narrow table of their own, kept by triggers.

Title matches order the results when a word is too common to rank every match, and rank the
matches inside compound words. They were found through a GIN index on the ``german`` vector of
the entry table's title; each match then had to be read from that wide table (for 7 900 title
matches of a common phrase about 5 000 of its 9 000 blocks, 8–11 ms). ``search_title`` holds
only the entry id and the title's vector (about 900 blocks for 50 000 entries).

Triggers on the entry table keep it: a row per entry written on insert and on a change of the
title, removed with the entry, emptied when the entry table is truncated (as Django's test
flush does).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE TABLE search_title (entry_id bigint PRIMARY KEY, vector tsvector NOT NULL)",
    """
    CREATE FUNCTION search_title_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM search_title WHERE entry_id = OLD.id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO search_title (entry_id, vector)
        VALUES (NEW.id, to_tsvector('german'::regconfig, coalesce(NEW.title, '')));
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_title_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE search_title;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_title_keep AFTER INSERT OR UPDATE OF id, title OR DELETE "
    "ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_title_keep()",
    "CREATE TRIGGER search_title_empty AFTER TRUNCATE ON search_searchentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_title_empty()",
    "INSERT INTO search_title (entry_id, vector) "
    "SELECT id, to_tsvector('german'::regconfig, coalesce(title, '')) FROM search_searchentry",
    "CREATE INDEX search_title_vector ON search_title USING gin (vector) "
    "WITH (gin_pending_list_limit = 256)",
    "ANALYZE search_title",
    "DROP INDEX IF EXISTS search_entry_title_vector",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS search_entry_title_vector ON search_searchentry "
    "USING gin (to_tsvector('german'::regconfig, title)) WITH (gin_pending_list_limit = 256)",
    "DROP TRIGGER IF EXISTS search_title_keep ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_title_empty ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_title_keep()",
    "DROP FUNCTION IF EXISTS search_title_empty()",
    "DROP TABLE IF EXISTS search_title",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0008_phrase_pairs")]

    operations = [migrations.RunPython(forward, backward)]
