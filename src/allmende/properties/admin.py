from django.contrib import admin

from allmende.properties.models import Property, PropertyStatusChange


class PropertyStatusChangeInline(admin.TabularInline):
    model = PropertyStatusChange
    extra = 0
    readonly_fields = ["status", "valid_from", "note", "actor", "created_at"]
    can_delete = False


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin):
    """The status is read-only here: changes go through the timeline so they stay dated and
    attributed."""

    list_display = ["title", "kind", "city", "state", "status", "pipeline_stage", "is_published"]
    list_filter = ["kind", "status", "pipeline_stage", "state", "is_published", "moderation"]
    search_fields = ["title", "city", "street"]
    autocomplete_fields = ["owner_organisation"]
    readonly_fields = ["status", "public_lat", "public_lon"]
    inlines = [PropertyStatusChangeInline]
