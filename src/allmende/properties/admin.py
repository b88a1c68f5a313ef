from django.contrib import admin

from allmende.properties.forms_media import PropertyDocumentForm, PropertyPhotoForm
from allmende.properties.models import (
    Property,
    PropertyDocument,
    PropertyPhoto,
    PropertyStatusChange,
)


class PropertyStatusChangeInline(admin.TabularInline):
    model = PropertyStatusChange
    extra = 0
    readonly_fields = ["status", "valid_from", "note", "actor", "created_at"]
    can_delete = False


class PropertyPhotoInline(admin.StackedInline):
    """Uses the site's form so that photos uploaded here are size-checked and re-encoded too."""

    model = PropertyPhoto
    form = PropertyPhotoForm
    extra = 0
    fields = ["image", "alt_text", "caption", "author", "licence", "position"]


class PropertyDocumentInline(admin.TabularInline):
    """Uses the site's form so that documents uploaded here are checked to be PDFs too."""

    model = PropertyDocument
    form = PropertyDocumentForm
    extra = 0
    fields = ["file", "title", "kind", "is_public", "size_bytes"]
    readonly_fields = ["size_bytes"]


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    """The status is read-only here: changes go through the timeline so they stay dated and
    attributed."""

    list_display = ["title", "kind", "city", "state", "status", "pipeline_stage", "is_published"]
    list_filter = ["kind", "status", "pipeline_stage", "state", "is_published", "moderation"]
    search_fields = ["title", "city", "street"]
    autocomplete_fields = ["owner_organisation"]
    readonly_fields = ["status", "public_lat", "public_lon"]
    inlines = [PropertyStatusChangeInline, PropertyPhotoInline, PropertyDocumentInline]
