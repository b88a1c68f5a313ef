from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The public, searchable text of one object; the backends' indexes point at its id.

    On SQLite the FTS5 table ``search_fts`` (German stems) uses the entry's id as its rowid; on
    PostgreSQL a GIN index on the ``german`` text-search vector (see the migrations). Parts of
    compound words are found through ``SearchTerm``, the vocabulary of that index.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    type = models.CharField(_("type"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=300)
    facets = models.JSONField(_("facets"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="de")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # The content's own date (publication, issue, date of a position), for "newest first".
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_entry_unique_object"
            )
        ]
        indexes = [
            models.Index(fields=["type"], name="search_entry_type"),
            models.Index(fields=["date"], name="search_entry_date"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"


class SearchFacet(models.Model):
    """One facet value of an entry (``network=stadtluecken``), normalised out of the entry's
    ``facets`` so that filters and counts are index lookups and ``GROUP BY`` over the
    matching entries instead of JSON read in Python."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facet_values")
    facet = models.CharField(_("facet"), max_length=40)
    value = models.CharField(_("value"), max_length=120)

    class Meta:
        verbose_name = _("facet value")
        verbose_name_plural = _("facet values")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "facet", "value"], name="search_facet_unique_value"
            )
        ]
        indexes = [models.Index(fields=["facet", "value", "entry"], name="search_facet_lookup")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchWord(models.Model):
    """A word of an indexed title, for "did you mean …?" when a search finds nothing.
    Words of deleted entries stay until the next rebuild; a suggestion is only ever a hint."""

    word = models.CharField(_("word"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


class SearchTerm(models.Model):
    """One distinct word of the search index as the index holds it (a German stem on SQLite,
    a ``german`` lexeme on PostgreSQL), with a trigram index (an FTS5 trigram table kept by
    triggers on SQLite, pg_trgm on PostgreSQL). A part of a compound word ("genossenschaft")
    is looked up here first ("wohnungsbaugenossenschaft", …) and the words found are then
    searched in the full-text index: a few thousand distinct words instead of every text.
    Words of deleted entries stay until the next rebuild; they only cost a lookup."""

    term = models.CharField(_("word"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("index word")
        verbose_name_plural = _("index words")

    def __str__(self) -> str:
        return self.term


class SearchIndexState(models.Model):
    """One row: ``generation``, a random number that database triggers replace on every
    change of the facet rows, so that a process can tell with one cheap read whether its
    in-memory copy of the facet table (``allmende.search.facettable``) is still current.
    Random rather than counted: after a rolled-back write the number goes back to one whose
    rows are the same again, never to a number a different state had."""

    generation = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index states")

    def __str__(self) -> str:
        return str(self.generation)
