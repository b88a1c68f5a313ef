"""PostgreSQL: the postings of common words also as bitmaps over the entry ids.

Reading the postings of a word from ``search_posting`` costs about 0.2 µs per entry in the
executor, and as much again to hand the ids over as text: the 55 words that contain
"genossenschaft" have 37 000 postings at 50 000 entries, about 18 ms. ``search_postbits``
holds, for every word with many postings, two bitmaps over the entry ids (bit n set: entry
n has the word; ``plain`` without it in the title, ``titled`` with it). The bitmaps of all
words have the same length, so the lists of 55 words are one ``bit_or`` in C, about 1 ms,
and the result goes over as one string of 0s and 1s.

``search_posting`` stays the complete index: the bitmaps are a second form of the lists of
the words chosen when they were filled. ``allmende_postbits_fill()`` (run by this migration
and by every rebuild of the index) chooses the words with at least ``capacity / 256``
postings (a bitmap of ``capacity`` bits is then no larger than their rows in the index) and
writes their bitmaps; statement triggers on ``search_posting`` keep the bitmaps of the chosen
words current on every insert and delete (an entry changed is deleted and inserted there),
and empty them with the postings. A word that becomes common later is read from its rows
until the next rebuild. When an entry id is at or beyond the bitmaps' length, every bitmap is
lengthened by a multiple of 65 536 bits first.

Concurrent writers lock the bitmaps they change in the order of their words, so two of them
never wait for each other in a circle.

An entry whose text changes now keeps the postings the old and the new text share, and only
the others are deleted and inserted (adding a sentence rewrote all its 300 postings, and with
them every bitmap of its words, twice: 77 ms; the same save now touches a few).
"""

from importlib import import_module

from django.db import migrations

# The postings of the changed entries (vector or title) in old_rows / new_rows.
CHANGED = (
    "SELECT x.lexeme, x.in_title, {alias}.id FROM {table} {alias}, "
    "allmende_postings({alias}.search_vector, {alias}.title) x "
    "WHERE NOT EXISTS (SELECT 1 FROM {other} y WHERE y.id = {alias}.id "
    "AND y.search_vector = {alias}.search_vector AND y.title = {alias}.title)"
)
OLD = CHANGED.format(table="old_rows", alias="o", other="new_rows")
NEW = CHANGED.format(table="new_rows", alias="n", other="old_rows")
# As in migration 0010, but an update deletes and inserts only the postings that differ.
KEEP_POSTINGS = f"""
CREATE OR REPLACE FUNCTION search_posting_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A rebuild of the whole index writes the postings once at its end.
  IF current_setting('allmende.search_rebuild', true) = 'on' THEN
    RETURN NULL;
  END IF;
  -- Each transition table is named only in the branch of the operation that has it.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO search_posting (lexeme, in_title, entry_id)
    SELECT x.lexeme, x.in_title, n.id FROM new_rows n,
      allmende_postings(n.search_vector, n.title) x;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM search_posting p USING old_rows o,
      allmende_postings(o.search_vector, o.title) x
    WHERE p.lexeme = x.lexeme AND p.in_title = x.in_title AND p.entry_id = o.id;
  ELSIF TG_OP = 'UPDATE' THEN
    DELETE FROM search_posting p USING ({OLD} EXCEPT {NEW}) d(lexeme, in_title, id)
    WHERE p.lexeme = d.lexeme AND p.in_title = d.in_title AND p.entry_id = d.id;
    INSERT INTO search_posting (lexeme, in_title, entry_id) {NEW} EXCEPT {OLD};
  END IF;
  RETURN NULL;
END $$
"""

BLOCK_BITS = 65_536

POSTGRES_FORWARD = [
    "CREATE TABLE search_postbits (lexeme text PRIMARY KEY, plain varbit NOT NULL, "
    "titled varbit NOT NULL)",
    # A bitmap of ``length`` bits with the bits of ``ids`` set (ids outside it left out).
    """
    CREATE FUNCTION allmende_bits_of(ids bigint[], length integer) RETURNS varbit
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT rpad(coalesce(string_agg(repeat('0', (i - coalesce(before, -1) - 1)::integer)
        || '1', '' ORDER BY i), ''), length, '0')::varbit
      FROM (SELECT i, lag(i) OVER (ORDER BY i) AS before
            FROM (SELECT DISTINCT i FROM unnest(ids) i WHERE i >= 0 AND i < length) s) t
    $$
    """,
    # ``bits`` with the bits of ``ids`` set to ``setting`` (1 or 0); ids beyond its length
    # are left out (the caller lengthens the bitmaps first when it sets bits).
    """
    CREATE FUNCTION allmende_bits_set(bits varbit, ids bigint[], setting integer)
    RETURNS varbit LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
      id bigint;
      mask varbit;
    BEGIN
      IF ids IS NULL THEN
        RETURN bits;
      END IF;
      IF cardinality(ids) <= 256 THEN
        FOREACH id IN ARRAY ids LOOP
          IF id >= 0 AND id < length(bits) THEN
            bits := set_bit(bits, id::integer, setting);
          END IF;
        END LOOP;
        RETURN bits;
      END IF;
      mask := allmende_bits_of(ids, length(bits));
      IF setting = 1 THEN
        RETURN bits | mask;
      END IF;
      RETURN bits & ~mask;
    END $$
    """,
    # Set (1) or clear (0) the bits of these postings (parallel arrays) in the bitmaps of
    # their words, where the word has bitmaps.
    f"""
    CREATE FUNCTION allmende_postbits_change(lexemes text[], titles boolean[], ids bigint[],
      setting integer) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      capacity integer;
      needed bigint;
    BEGIN
      IF lexemes IS NULL OR cardinality(lexemes) = 0 THEN
        RETURN;
      END IF;
      IF setting = 1 THEN
        SELECT length(plain) INTO capacity FROM search_postbits LIMIT 1;
        needed := (SELECT max(i) FROM unnest(ids) i) + 1;
        IF needed > capacity THEN
          PERFORM 1 FROM search_postbits ORDER BY lexeme FOR UPDATE;
          capacity := ((needed + {BLOCK_BITS - 1}) / {BLOCK_BITS}) * {BLOCK_BITS};
          UPDATE search_postbits
          SET plain = plain || repeat('0', greatest(capacity - length(plain), 0))::varbit,
              titled = titled || repeat('0', greatest(capacity - length(titled), 0))::varbit
          WHERE length(plain) < capacity;
        END IF;
      END IF;
      PERFORM 1 FROM search_postbits WHERE lexeme = ANY(lexemes) ORDER BY lexeme FOR UPDATE;
      UPDATE search_postbits b
      SET plain = allmende_bits_set(b.plain, d.plain, setting),
          titled = allmende_bits_set(b.titled, d.titled, setting)
      FROM (
        SELECT x.lexeme, array_agg(x.id) FILTER (WHERE NOT x.title) AS plain,
          array_agg(x.id) FILTER (WHERE x.title) AS titled
        FROM unnest(lexemes, titles, ids) x(lexeme, title, id) GROUP BY x.lexeme
      ) d
      WHERE b.lexeme = d.lexeme;
    END $$
    """,
    # Choose the words (at least ``threshold`` postings; by default capacity / 256) and write
    # their bitmaps, all of the same length: the entry ids rounded up to a block.
    f"""
    CREATE FUNCTION allmende_postbits_fill(threshold bigint DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      capacity integer;
      written integer;
    BEGIN
      DELETE FROM search_postbits;
      capacity := ((coalesce((SELECT max(id) FROM search_searchentry), 0) + {BLOCK_BITS})
        / {BLOCK_BITS}) * {BLOCK_BITS};
      INSERT INTO search_postbits (lexeme, plain, titled)
      SELECT p.lexeme,
        allmende_bits_of(array_agg(p.entry_id) FILTER (WHERE NOT p.in_title), capacity),
        allmende_bits_of(array_agg(p.entry_id) FILTER (WHERE p.in_title), capacity)
      FROM search_posting p GROUP BY p.lexeme
      HAVING count(*) >= coalesce(threshold, capacity / 256);
      GET DIAGNOSTICS written = ROW_COUNT;
      RETURN written;
    END $$
    """,
    """
    CREATE FUNCTION search_postbits_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      lexemes text[];
      titles boolean[];
      ids bigint[];
    BEGIN
      -- A rebuild of the whole index fills the bitmaps once at its end.
      IF current_setting('allmende.search_rebuild', true) = 'on' THEN
        RETURN NULL;
      END IF;
      -- Each transition table is named only in the branch of the operation that has it.
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(p.lexeme), array_agg(p.in_title), array_agg(p.entry_id)
        INTO lexemes, titles, ids
        FROM new_postings p WHERE p.lexeme IN (SELECT b.lexeme FROM search_postbits b);
        PERFORM allmende_postbits_change(lexemes, titles, ids, 1);
      ELSE
        SELECT array_agg(p.lexeme), array_agg(p.in_title), array_agg(p.entry_id)
        INTO lexemes, titles, ids
        FROM old_postings p WHERE p.lexeme IN (SELECT b.lexeme FROM search_postbits b);
        PERFORM allmende_postbits_change(lexemes, titles, ids, 0);
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_postbits_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE search_postbits;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_postbits_insert AFTER INSERT ON search_posting "
    "REFERENCING NEW TABLE AS new_postings "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_postbits_keep()",
    "CREATE TRIGGER search_postbits_delete AFTER DELETE ON search_posting "
    "REFERENCING OLD TABLE AS old_postings "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_postbits_keep()",
    "CREATE TRIGGER search_postbits_empty AFTER TRUNCATE ON search_posting "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_postbits_empty()",
    KEEP_POSTINGS,
    "SELECT allmende_postbits_fill()",
    "ANALYZE search_postbits",
]
POSTGRES_BACKWARD = [
    # Migration 0010's function again.
    next(
        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        for statement in import_module("allmende.search.migrations.0010_postings").POSTGRES_FORWARD
        if "search_posting_keep()" in statement
    ),
    "DROP TRIGGER IF EXISTS search_postbits_insert ON search_posting",
    "DROP TRIGGER IF EXISTS search_postbits_delete ON search_posting",
    "DROP TRIGGER IF EXISTS search_postbits_empty ON search_posting",
    "DROP FUNCTION IF EXISTS search_postbits_keep()",
    "DROP FUNCTION IF EXISTS search_postbits_empty()",
    "DROP FUNCTION IF EXISTS allmende_postbits_fill(bigint)",
    "DROP FUNCTION IF EXISTS allmende_postbits_change(text[], boolean[], bigint[], integer)",
    "DROP FUNCTION IF EXISTS allmende_bits_set(varbit, bigint[], integer)",
    "DROP FUNCTION IF EXISTS allmende_bits_of(bigint[], integer)",
    "DROP TABLE IF EXISTS search_postbits",
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
    dependencies = [("search", "0010_postings")]

    operations = [migrations.RunPython(forward, backward)]
