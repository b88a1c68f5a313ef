"""PostgreSQL: small pending lists for the search's GIN indexes.

A GIN index collects new entries in an unsorted pending list (up to 4 MB by default) that
every search reads from end to end until a vacuum merges it; right after indexing many
entries that cost more than the search itself. With 256 kB the list is merged by the writes
that fill it; ``search_rebuild`` merges it at its end (``gin_clean_pending_list``).
"""

from django.db import migrations

GIN_INDEXES = ["search_entry_vector", "search_entry_title_vector", "search_term_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in GIN_INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 256)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in GIN_INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_search_terms")]

    operations = [migrations.RunPython(forward, backward)]
