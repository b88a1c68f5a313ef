from django.contrib import admin

from allmende.needs.models import SpaceNeed


@admin.register(SpaceNeed)
class SpaceNeedAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "area_min", "area_max", "radius_km", "visibility"]
    list_filter = ["visibility", "time_model", "is_active"]
    search_fields = ["title", "organisation__name"]
    autocomplete_fields = ["organisation", "network"]
