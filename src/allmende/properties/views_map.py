"""The property map page (Objektkarte): the list's filter form above a Leaflet map that
loads its points and clusters from the GeoJSON endpoint, with a link to the same properties
as a list for people who cannot use the map."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from allmende.properties.forms import PropertyFilterForm


def property_map(request: HttpRequest) -> HttpResponse:
    # The map reads the form's values itself; the page only shows the form and the list link.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "properties/property_map.html",
        {"form": PropertyFilterForm(request.GET or None), "query": query.urlencode()},
    )
