"""Full-text search over the platform's public content: one interface, two backends.

Content types register themselves with :func:`allmende.search.registry.register`; the index is
kept current by signals and can be rebuilt with ``manage.py rebuild_search_index``. Reads go
through :func:`allmende.search.selectors.search`, writes through ``services``.
"""
