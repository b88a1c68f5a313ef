"""The vocabulary of the search index (``SearchTerm``) with a trigram index, which replaces
SQLite's trigram table over every text (``search_trigram``) and PostgreSQL's trigram indexes
on title and body: parts of compound words are looked up among the distinct words.

SQLite: an FTS5 trigram table over the words, kept by triggers, filled from the existing
index through ``fts5vocab``. PostgreSQL: a pg_trgm GIN index on the words, filled from the
lexemes of the existing vectors, and a GIN index on the ``german`` vector of the title alone
(title matches rank first when a word is too common to rank every match).
"""

from django.db import migrations, models

SQLITE_FORWARD = [
    'CREATE VIRTUAL TABLE search_term_trigram USING fts5(term, tokenize="trigram")',
    "CREATE TRIGGER search_term_insert AFTER INSERT ON search_searchterm BEGIN "
    "INSERT INTO search_term_trigram (rowid, term) VALUES (new.id, new.term); END",
    "CREATE TRIGGER search_term_delete AFTER DELETE ON search_searchterm BEGIN "
    "DELETE FROM search_term_trigram WHERE rowid = old.id; END",
    "CREATE VIRTUAL TABLE temp.search_fts_words USING fts5vocab(main, search_fts, 'row')",
    "INSERT OR IGNORE INTO search_searchterm (term) "
    "SELECT term FROM temp.search_fts_words WHERE length(term) <= 100",
    "DROP TABLE temp.search_fts_words",
    "DROP TABLE IF EXISTS search_trigram",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_term_insert",
    "DROP TRIGGER IF EXISTS search_term_delete",
    "DROP TABLE IF EXISTS search_term_trigram",
    'CREATE VIRTUAL TABLE search_trigram USING fts5(title, body, tokenize="trigram")',
]
POSTGRES_FORWARD = [
    "CREATE INDEX search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)",
    "CREATE INDEX search_entry_title_vector ON search_searchentry "
    "USING gin (to_tsvector('german'::regconfig, title))",
    "INSERT INTO search_searchterm (term) SELECT word FROM "
    "ts_stat('SELECT search_vector FROM search_searchentry') "
    "WHERE length(word) <= 100 ON CONFLICT (term) DO NOTHING",
    "DROP INDEX IF EXISTS search_entry_title_trgm",
    "DROP INDEX IF EXISTS search_entry_body_trgm",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_entry_title_vector",
    "CREATE INDEX search_entry_title_trgm ON search_searchentry USING gin (title gin_trgm_ops)",
    "CREATE INDEX search_entry_body_trgm ON search_searchentry USING gin (body gin_trgm_ops)",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_index_generation")]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.CharField(max_length=100, unique=True, verbose_name="word")),
            ],
            options={"verbose_name": "index word", "verbose_name_plural": "index words"},
        ),
        migrations.RunPython(create, drop),
    ]
