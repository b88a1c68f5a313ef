"""PostgreSQL: the postings of the search index in a table of their own, kept by triggers.

The GIN index on the entry table yields the row addresses of the matches; the id of every
match then has to be read from that wide table. For a word in a third of 50 000 entries that
is nearly every block of the table, 15–20 ms per list, and a compound word needs several
lists. ``search_posting`` holds one row per word (lexeme) of an entry, with whether the
word is in the title, and its primary key covers every column: the entries of a word, or of
the 50 words containing a part of a compound, are read from the index alone, in order, with
the title matches of a word next to each other.

Statement triggers on the entry table keep it: the postings of inserted entries are added,
those of deleted entries removed, an update replaces the postings of the entries whose
vector changed, and a TRUNCATE (as Django's test flush does) empties the table. A rebuild of
the whole index (``search_rebuild``) turns them off for its transaction and writes all
postings in one statement at its end.

The pairs of neighbouring words (migration 0008, with a space) have their postings too, marked
when the title has the pair: a phrase of two words is the postings of its pair
(``allmende_phrase_pairs``), with its title matches; a longer phrase is still checked by
positions through the GIN index.
"""

from django.db import migrations

# The postings of an entry: each word and pair of words of its vector, and whether the title
# has it (a word: weight A; a pair, which has no weight: a pair of the title's own words, not
# the title's last word with the text's first). Used by the trigger function and the first
# fill alike, so that a row is removed with the flag it was written with.
POSTINGS_FUNCTION = """
CREATE FUNCTION allmende_postings(vector tsvector, title text)
RETURNS TABLE (lexeme text, in_title boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH t AS (
    SELECT u.lexeme, pos FROM unnest(to_tsvector('german'::regconfig, coalesce(title, ''))) u,
      unnest(u.positions) pos
    WHERE length(u.lexeme) <= 100
  ),
  pairs AS (SELECT a.lexeme || ' ' || b.lexeme AS pair FROM t a JOIN t b ON b.pos = a.pos + 1)
  SELECT u.lexeme, CASE WHEN strpos(u.lexeme, ' ') = 0
    THEN coalesce('A' = ANY(u.weights), false)
    ELSE u.lexeme IN (SELECT pr.pair FROM pairs pr) END
  FROM unnest(vector) u
$$
"""
POSTINGS = (
    "SELECT x.lexeme, x.in_title, {alias}.id FROM {table} {alias}, "
    "allmende_postings({alias}.search_vector, {alias}.title) x"
)
DELETE = (
    "DELETE FROM search_posting p USING old_rows o, "
    "allmende_postings(o.search_vector, o.title) x "
    "WHERE p.lexeme = x.lexeme AND p.in_title = x.in_title AND p.entry_id = o.id"
)

# The pair of a phrase of two words (as ``allmende_phrase_tsquery`` looks it up), NULL for
# any other phrase.
PAIRS_FUNCTION = """
CREATE FUNCTION allmende_phrase_pairs(phrase text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH p AS (
    SELECT u.lexeme, pos FROM unnest(to_tsvector('german'::regconfig, phrase)) u,
      unnest(u.positions) pos
  )
  SELECT CASE WHEN count(*) = 2 AND max(length(a.lexeme)) <= 100 THEN
    (SELECT array_agg(x.lexeme || ' ' || y.lexeme) FROM p x JOIN p y ON y.pos = x.pos + 1)
  END
  FROM p a
$$
"""

POSTGRES_FORWARD = [
    PAIRS_FUNCTION,
    POSTINGS_FUNCTION,
    "CREATE TABLE search_posting (lexeme text NOT NULL, in_title boolean NOT NULL, "
    "entry_id bigint NOT NULL, PRIMARY KEY (lexeme, in_title, entry_id))",
    f"""
    CREATE FUNCTION search_posting_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- A rebuild of the whole index writes the postings once at its end.
      IF current_setting('allmende.search_rebuild', true) = 'on' THEN
        RETURN NULL;
      END IF;
      -- Each transition table is named only in the branch of the operation that has it.
      IF TG_OP = 'INSERT' THEN
        INSERT INTO search_posting (lexeme, in_title, entry_id)
        {POSTINGS.format(table="new_rows", alias="n")};
      ELSIF TG_OP = 'DELETE' THEN
        {DELETE};
      ELSIF TG_OP = 'UPDATE' THEN
        {DELETE} AND NOT EXISTS (
          SELECT 1 FROM new_rows n WHERE n.id = o.id AND n.search_vector = o.search_vector
            AND n.title = o.title);
        INSERT INTO search_posting (lexeme, in_title, entry_id)
        {POSTINGS.format(table="new_rows", alias="n")}
        WHERE NOT EXISTS (
          SELECT 1 FROM old_rows o WHERE o.id = n.id AND o.search_vector = n.search_vector
            AND o.title = n.title);
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_posting_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE search_posting;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_posting_insert AFTER INSERT ON search_searchentry "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_posting_keep()",
    "CREATE TRIGGER search_posting_update AFTER UPDATE ON search_searchentry "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_posting_keep()",
    "CREATE TRIGGER search_posting_delete AFTER DELETE ON search_searchentry "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_posting_keep()",
    "CREATE TRIGGER search_posting_empty AFTER TRUNCATE ON search_searchentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_posting_empty()",
    "INSERT INTO search_posting (lexeme, in_title, entry_id) "
    + POSTINGS.format(table="search_searchentry", alias="e")
    + " ORDER BY 1, 2, 3",
    "ANALYZE search_posting",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_posting_insert ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_posting_update ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_posting_delete ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_posting_empty ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_posting_keep()",
    "DROP FUNCTION IF EXISTS search_posting_empty()",
    "DROP FUNCTION IF EXISTS allmende_phrase_pairs(text)",
    "DROP FUNCTION IF EXISTS allmende_postings(tsvector, text)",
    "DROP TABLE IF EXISTS search_posting",
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
    dependencies = [("search", "0009_title_table")]

    operations = [migrations.RunPython(forward, backward)]
