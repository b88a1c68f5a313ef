"""PostgreSQL: word pairs in the search vector, so that a phrase is found through the index.

A phrase ("gemeinsam planen") needs the positions of its words; the GIN index holds no
positions, so PostgreSQL read and decompressed the vector of every entry that has all the
words (28 000 of 50 000 entries for a common phrase: about 100 ms). The vector now also holds
one lexeme per pair of neighbouring words ("gemeinsam plan", with a space, which no word
lexeme contains), and ``allmende_phrase_tsquery`` looks a phrase up by its pairs: a phrase of
two words is then one index lookup; a longer one is narrowed by its pairs before the
positions are checked. The pairs carry no position, so they change neither phrase matching
nor ranking of the words, and they are kept out of the vocabulary (``SearchTerm``).

Words longer than 100 characters (as in the vocabulary) form no pairs; a phrase with such a
word is checked by positions as before.
"""

from django.db import migrations

# One function without calls of other functions of this database, so that a restore (which
# runs with an empty search path) can compute the column.
VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION allmende_search_vector(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH v AS (
    SELECT setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('german'::regconfig, coalesce(body, '')), 'B') AS v
  ),
  p AS (
    SELECT u.lexeme, pos FROM v, unnest(v.v) u, unnest(u.positions) pos
    WHERE length(u.lexeme) <= 100
  )
  SELECT v.v || coalesce(
    (SELECT array_to_tsvector(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme))
     FROM p a JOIN p b ON b.pos = a.pos + 1),
    ''::tsvector)
  FROM v
$$
"""

# Two words next to each other: their pair alone (exact). More words: the pairs narrow the
# entries down, the phrase checks the positions. No pair (stop words between every two
# words, one word) or a very long word: the phrase alone.
PHRASE_FUNCTION = """
CREATE OR REPLACE FUNCTION allmende_phrase_tsquery(phrase text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH p AS (
    SELECT u.lexeme, pos FROM unnest(to_tsvector('german'::regconfig, phrase)) u,
      unnest(u.positions) pos
  ),
  words AS (SELECT count(*) AS n, coalesce(max(length(lexeme)), 0) AS longest FROM p),
  pairs AS (
    SELECT string_agg(quote_literal(a.lexeme || ' ' || b.lexeme), ' & ') AS query,
      count(*) AS n
    FROM p a JOIN p b ON b.pos = a.pos + 1
  )
  SELECT CASE
    WHEN pairs.n = 0 OR words.longest > 100 THEN phraseto_tsquery('german'::regconfig, phrase)
    WHEN words.n = 2 THEN pairs.query::tsquery
    ELSE pairs.query::tsquery && phraseto_tsquery('german'::regconfig, phrase)
  END
  FROM words, pairs
$$
"""

OLD_VECTOR = (
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(body, '')), 'B')"
)


def _vector_column(expression: str) -> list[str]:
    # The column is generated: its expression changes by dropping and adding it (which
    # drops its GIN index, made again with the small pending list of migration 0007).
    return [
        "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector) "
        "WITH (gin_pending_list_limit = 256)",
        "ANALYZE search_searchentry",
    ]


POSTGRES_FORWARD = [
    VECTOR_FUNCTION,
    PHRASE_FUNCTION,
    *_vector_column("allmende_search_vector(title, body)"),
]
POSTGRES_BACKWARD = [
    *_vector_column(OLD_VECTOR),
    "DROP FUNCTION IF EXISTS allmende_phrase_tsquery(text)",
    "DROP FUNCTION IF EXISTS allmende_search_vector(text, text)",
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
    dependencies = [("search", "0007_small_gin_pending_lists")]

    operations = [migrations.RunPython(forward, backward)]
