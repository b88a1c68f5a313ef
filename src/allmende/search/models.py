from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The public, searchable text of one object; the backends' indexes point at its id.

    On SQLite two FTS5 tables (``search_fts`` with German stems, ``search_trigram`` for parts
    of compound words) use the entry's id as their rowid; on PostgreSQL GIN indexes on the
    ``german`` text-search vector and on trigrams of title and body (see the migrations).
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

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_entry_unique_object"
            )
        ]
        indexes = [models.Index(fields=["type"], name="search_entry_type")]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"
