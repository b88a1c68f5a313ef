"""SQLite: the pairs of neighbouring stems of every entry in an FTS5 table of their own.

FTS5 checks a phrase ("gemeinsam planen") by the positions of its words in every entry that
has all of them: at 50 000 entries, 28 000 entries for two common words, 15–30 ms.
``search_fts_pairs`` holds, for title and text, each pair of neighbouring stems as one word
(``gemeinsam-plan``; rowid = entry id, as in ``search_fts``), so that a phrase of two words
is one word there, and a longer one its pairs in a row (n - 1 words checked by position
instead of n). The backend writes it with ``search_fts``; this migration fills it for the
entries already indexed.
"""

from django.db import migrations

from allmende.search.stemming import pair_text

# The hyphen joins the stems of a pair into one word.
DEFINITION = "fts5(title, body, tokenize=\"unicode61 remove_diacritics 2 tokenchars '-'\")"
BATCH = 500


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"CREATE VIRTUAL TABLE search_fts_pairs USING {DEFINITION}")
    entries = apps.get_model("search", "SearchEntry").objects.order_by("pk")
    rows = []
    for pk, title, body in entries.values_list("pk", "title", "body").iterator(BATCH):
        rows.append((pk, pair_text(title), pair_text(body)))
        if len(rows) >= BATCH:
            _insert(schema_editor, rows)
            rows = []
    _insert(schema_editor, rows)


def _insert(schema_editor, rows):
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts_pairs (rowid, title, body) VALUES (%s, %s, %s)", rows
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts_pairs")


class Migration(migrations.Migration):
    dependencies = [("search", "0011_posting_bitmaps")]

    operations = [migrations.RunPython(create, drop)]
