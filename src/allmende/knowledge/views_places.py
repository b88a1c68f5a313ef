"""Pages of the example places (Praxisbeispiele, Zukunftsorte): the filtered list, the detail
page, the map with a plain list below it, and the coordinators' editor with photos."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allmende.core.forms import form_add_service_errors
from allmende.core.markdown import render_markdown
from allmende.knowledge import selectors_places, services_places
from allmende.knowledge.forms_places import (
    ExamplePlaceForm,
    ExamplePlacePhotoForm,
    PlaceFilterForm,
    PlaceMapFilterForm,
)
from allmende.knowledge.models import ExamplePlace, ExamplePlacePhoto

PAGE_SIZE = 20


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _place(request: HttpRequest, slug: str) -> ExamplePlace:
    try:
        return selectors_places.place_get(slug=slug, user=request.user)
    except ExamplePlace.DoesNotExist as exc:
        raise Http404 from exc


def _changeable_place(request: HttpRequest, slug: str) -> ExamplePlace:
    """The place if the user may see it (404 otherwise) and edit it (403 otherwise)."""
    place = _place(request, slug)
    if not request.user.has_perm("knowledge.change_content", place):
        raise PermissionDenied
    return place


def place_list(request: HttpRequest) -> HttpResponse:
    form = PlaceFilterForm(request.GET or None)
    places = selectors_places.place_list(filters=form.filters(), user=request.user)
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "can_create": selectors_places.networks_for_place_editing(user=request.user).exists(),
    }
    return render(request, "knowledge/places/place_list.html", context)


def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = _place(request, slug)
    context: dict[str, Any] = {
        "place": place,
        "story": render_markdown(place.story),
        "criteria": list(place.impact_criteria.all()),
        "photos": list(place.photos.all()),
        "can_change": request.user.has_perm("knowledge.change_content", place),
    }
    return render(request, "knowledge/places/place_detail.html", context)


def place_map(request: HttpRequest) -> HttpResponse:
    form = PlaceMapFilterForm(request.GET or None)
    filters = form.filters()
    # The fallback list below the map shows only what the map shows: public places.
    places = selectors_places.place_list(filters=filters, user=AnonymousUser())
    api_query = urlencode(
        [
            (name, value)
            for name, value in (("network", filters.network), ("state", filters.state))
            if value
        ]
    )
    context = {
        "form": form,
        "places": places,
        "geojson_query": api_query,
        "query": _query_without_page(request),
    }
    return render(request, "knowledge/places/place_map.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def place_create(request: HttpRequest) -> HttpResponse:
    networks = selectors_places.networks_for_place_editing(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    form = ExamplePlaceForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        criteria = data.pop("impact_criteria")
        try:
            place = services_places.place_create(
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
                impact_criteria=criteria,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The example place has been saved."))
            return redirect(place.get_absolute_url())
    return render(request, "knowledge/places/place_form.html", {"form": form, "place": None})


@login_required
@require_http_methods(["GET", "POST"])
def place_edit(request: HttpRequest, slug: str) -> HttpResponse:
    place = _changeable_place(request, slug)
    networks = selectors_places.networks_for_place_editing(user=request.user)
    # The form changes its instance while it validates: the service gets a fresh copy so
    # that it can compare the old town with the new one.
    form = ExamplePlaceForm(
        request.POST or None, instance=ExamplePlace.objects.get(pk=place.pk), networks=networks
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        criteria = data.pop("impact_criteria")
        try:
            place = services_places.place_update(
                place=ExamplePlace.objects.get(pk=place.pk),
                actor=request.user,  # type: ignore[arg-type]
                data=data,
                impact_criteria=criteria,
                network=network,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The example place has been saved."))
            return redirect(place.get_absolute_url())
    return render(request, "knowledge/places/place_form.html", {"form": form, "place": place})


@login_required
@require_http_methods(["GET", "POST"])
def place_photo_create(request: HttpRequest, slug: str) -> HttpResponse:
    place = _changeable_place(request, slug)
    form = ExamplePlacePhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_places.place_photo_add(
                place=place,
                actor=request.user,  # type: ignore[arg-type]
                image=data["image"],
                alt_text=data["alt_text"],
                author=data["author"],
                licence=data["licence"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The photo has been added."))
            return redirect(place.get_absolute_url() + "#photos")
    return render(request, "knowledge/places/photo_form.html", {"form": form, "place": place})


@login_required
@require_http_methods(["GET", "POST"])
def place_photo_delete(request: HttpRequest, slug: str, photo_pk: int) -> HttpResponse:
    place = _changeable_place(request, slug)
    photo = get_object_or_404(ExamplePlacePhoto, pk=photo_pk, place=place)
    if request.method == "POST":
        services_places.place_photo_delete(photo=photo, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The photo has been deleted."))
        return redirect(place.get_absolute_url() + "#photos")
    context = {
        "place": place,
        "photo": photo,
        "cancel_url": reverse("knowledge:place_detail", kwargs={"slug": place.slug}) + "#photos",
    }
    return render(request, "knowledge/places/photo_delete.html", context)
