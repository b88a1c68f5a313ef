"""Django admin for the operators: events with their registrations, agenda, files and photos;
series and documentation."""

from django.contrib import admin

from allmende.events.models import (
    AgendaItem,
    Event,
    EventDocumentation,
    EventFile,
    EventPhoto,
    EventSeries,
    Registration,
)


class AgendaItemInline(admin.TabularInline[AgendaItem, Event]):
    model = AgendaItem
    extra = 0


class EventFileInline(admin.TabularInline[EventFile, Event]):
    model = EventFile
    extra = 0
    readonly_fields = ("size",)


class EventPhotoInline(admin.TabularInline[EventPhoto, Event]):
    model = EventPhoto
    extra = 0


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin[EventSeries]):
    list_display = ("title", "network")
    list_filter = ("network",)
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = (
        "title",
        "network",
        "kind",
        "starts_at",
        "city",
        "is_online",
        "is_published",
        "is_cancelled",
    )
    list_filter = ("network", "kind", "is_published", "is_cancelled", "is_online", "audience")
    search_fields = ("title", "city", "venue")
    date_hierarchy = "starts_at"
    list_select_related = ("network",)
    readonly_fields = ("uid", "sequence", "created_at", "updated_at")
    raw_id_fields = ("series",)
    inlines = (AgendaItemInline, EventFileInline, EventPhotoInline)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    list_display = ("name", "email", "event", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "email", "event__title")
    list_select_related = ("event",)
    raw_id_fields = ("event", "user")


@admin.register(EventDocumentation)
class EventDocumentationAdmin(admin.ModelAdmin[EventDocumentation]):
    list_display = ("event", "is_published", "updated_at")
    list_filter = ("is_published",)
    search_fields = ("event__title",)
    list_select_related = ("event",)
    raw_id_fields = ("event",)


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin[AgendaItem]):
    list_display = ("title", "event", "time", "position")
    search_fields = ("title", "event__title")
    raw_id_fields = ("event",)


@admin.register(EventFile)
class EventFileAdmin(admin.ModelAdmin[EventFile]):
    list_display = ("title", "event", "size")
    search_fields = ("title", "event__title")
    raw_id_fields = ("event",)
    readonly_fields = ("size",)


@admin.register(EventPhoto)
class EventPhotoAdmin(admin.ModelAdmin[EventPhoto]):
    list_display = ("alt_text", "event", "author", "licence")
    search_fields = ("alt_text", "author", "event__title")
    raw_id_fields = ("event",)
