from django.contrib import admin

from allmende.electioncheck.models import Election, Party, PartyPosition, Thesis, ThesisBlock


class ThesisBlockInline(admin.TabularInline):
    model = ThesisBlock
    extra = 0


class ThesisInline(admin.StackedInline):
    model = Thesis
    extra = 0


class PartyPositionInline(admin.TabularInline):
    model = PartyPosition
    extra = 0
    autocomplete_fields = ["thesis"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "election_date", "scale", "is_published"]
    list_filter = ["is_published", "scale", "network"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThesisBlockInline, ThesisInline]


@admin.register(Thesis)
class ThesisAdmin(admin.ModelAdmin):
    list_display = ["short_title", "election", "position"]
    list_filter = ["election"]
    search_fields = ["short_title", "text"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "long_name", "election", "responded"]
    list_filter = ["election", "responded"]
    search_fields = ["short_name", "long_name"]
    inlines = [PartyPositionInline]
