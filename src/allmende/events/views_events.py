"""Event pages: the filtered list, the annual programme, the map with its list, the detail
page with schema.org JSON-LD, series, calendars (.ics), documentation, and the coordinators'
editor. Times are shown in Europe/Berlin."""

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import _json_script_escapes  # type: ignore[attr-defined]
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allmende.core.forms import form_add_service_errors
from allmende.core.markdown import render_markdown
from allmende.events import calendars, selectors_events, services_events
from allmende.events.forms_events import (
    AgendaFormSet,
    DocumentationForm,
    EventFileForm,
    EventFilterForm,
    EventForm,
    EventPhotoForm,
    SeriesForm,
)
from allmende.events.models import (
    Event,
    EventAudience,
    EventDocumentation,
    EventFile,
    EventPhoto,
    EventSeries,
)
from allmende.networks.models import Network

BERLIN = ZoneInfo("Europe/Berlin")
PAGE_SIZE = 20
REGISTRATION_PANEL = "events/registration/_panel.html"


# --- Presentation helpers ------------------------------------------------------------------


def event_when(event: Event) -> str:
    """The dates in Berlin time, e.g. "Samstag, 6. März 2027, 10:00–16:00 Uhr" or, over
    several days, "6. März 2027, 10:00 Uhr – 7. März 2027, 14:00 Uhr"."""
    starts = timezone.localtime(event.starts_at, BERLIN)
    ends = timezone.localtime(event.ends_at, BERLIN)
    if starts.date() == ends.date():
        return _("%(date)s, %(start)s–%(end)s o'clock") % {
            "date": date_format(starts, "l, j. F Y"),
            "start": date_format(starts, "H:i"),
            "end": date_format(ends, "H:i"),
        }
    return _("%(start_date)s, %(start)s o'clock – %(end_date)s, %(end)s o'clock") % {
        "start_date": date_format(starts, "l, j. F Y"),
        "start": date_format(starts, "H:i"),
        "end_date": date_format(ends, "l, j. F Y"),
        "end": date_format(ends, "H:i"),
    }


def _with_when(events: Any) -> list[Event]:
    items = list(events)
    for event in items:
        event.when = event_when(event)  # type: ignore[attr-defined]
    return items


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a ``<script type="application/ld+json">``, escaped like ``json_script``."""
    text = json.dumps(data, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(text)  # noqa: S308 - escaped above


def event_json_ld(request: HttpRequest, event: Event) -> dict[str, Any]:
    """schema.org ``Event`` of the page, without the meeting link of online events."""
    location: dict[str, Any]
    if event.is_online:
        location = {"@type": "VirtualLocation", "url": request.build_absolute_uri()}
    else:
        location = {
            "@type": "Place",
            "name": event.venue or event.city,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.street,
                "postalCode": event.postcode,
                "addressLocality": event.city,
                "addressRegion": event.get_state_display(),
                "addressCountry": "DE",
            },
        }
        if event.lat is not None and event.lon is not None:
            location["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.lat,
                "longitude": event.lon,
            }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": timezone.localtime(event.starts_at, BERLIN).isoformat(),
        "endDate": timezone.localtime(event.ends_at, BERLIN).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online
        else "https://schema.org/OfflineEventAttendanceMode",
        "location": location,
        "organizer": {
            "@type": "Organization",
            "name": event.network.name,
            "url": request.build_absolute_uri(event.network.get_absolute_url()),
        },
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "inLanguage": "de",
    }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
    return data


def _registration_panel() -> Any:
    """The registration part's panel for the detail page, if that part is installed."""
    try:
        return select_template([REGISTRATION_PANEL])
    except TemplateDoesNotExist:
        return None


# --- Public pages --------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.filters()
    events = selectors_events.event_list(filters=filters, user=request.user)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_when(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("past", None)
    context = {
        "form": form,
        "page": page,
        "past": filters.past,
        "query": _query_without_page(request),
        "switch_query": query.urlencode(),
        "can_create": selectors_events.networks_for_event_editing(user=request.user).exists(),
        "this_year": timezone.localdate().year,
    }
    return render(request, "events/event_list.html", context)


def programme(request: HttpRequest, year: int) -> HttpResponse:
    if not 1900 <= year <= 2200:
        raise Http404
    events = _with_when(selectors_events.programme_events(year=year))
    months: list[tuple[str, list[Event]]] = []
    for event in events:
        label = date_format(timezone.localtime(event.starts_at, BERLIN), "F Y")
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(event)
    context = {"year": year, "months": months, "previous": year - 1, "next": year + 1}
    return render(request, "events/programme.html", context)


def event_map(request: HttpRequest) -> HttpResponse:
    network = request.GET.get("network", "")[:80]
    events = _with_when(selectors_events.map_events(network=network).select_related("network"))
    context = {
        "events": events,
        "geojson_query": urlencode({"network": network}) if network else "",
        "networks": selectors_events.networks_with_events(),
        "network": network,
    }
    return render(request, "events/event_map.html", context)


def _event(request: HttpRequest, slug: str) -> Event:
    try:
        return selectors_events.event_get(slug=slug, user=request.user)
    except Event.DoesNotExist as exc:
        raise Http404 from exc


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    event.when = event_when(event)  # type: ignore[attr-defined]
    confirmed: int = event.confirmed_count  # type: ignore[attr-defined]
    documentation = EventDocumentation.objects.filter(event=event, is_published=True).first()
    can_change = request.user.has_perm("events.change_event", event)
    context: dict[str, Any] = {
        "event": event,
        "description": render_markdown(event.description),
        "location": calendars.event_location(event),
        "confirmed": confirmed,
        "free_places": None if event.capacity is None else max(event.capacity - confirmed, 0),
        "members_only": event.audience == EventAudience.MEMBERS,
        "documentation": documentation,
        "can_change": can_change,
        "json_ld": _json_ld(event_json_ld(request, event)),
        "registration_panel": _registration_panel(),
    }
    return render(request, "events/event_detail.html", context)


def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        series = selectors_events.series_get(slug=slug)
    except EventSeries.DoesNotExist as exc:
        raise Http404 from exc
    events = _with_when(selectors_events.series_events(series=series, user=request.user))
    now = timezone.now()
    context = {
        "series": series,
        "description": render_markdown(series.description),
        "upcoming": [e for e in events if e.ends_at >= now],
        "past": [e for e in reversed(events) if e.ends_at < now],
        "can_change": request.user.has_perm("events.change_event", series),
    }
    return render(request, "events/series_detail.html", context)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    content = calendars.calendar_bytes(
        [event], name=event.title, absolute=request.build_absolute_uri
    )
    return _ics_response(content, f"{event.slug}.ics")


def network_ics(request: HttpRequest, network_slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=network_slug)
    events = selectors_events.network_feed_events(network=network).select_related("network")
    content = calendars.calendar_bytes(
        events,
        name=_("Events: %(network)s") % {"network": network.name},
        absolute=request.build_absolute_uri,
    )
    return _ics_response(content, f"{network.slug}.ics")


def documentation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    try:
        documentation = selectors_events.documentation_get(event=event, user=request.user)
    except EventDocumentation.DoesNotExist as exc:
        raise Http404 from exc
    event.when = event_when(event)  # type: ignore[attr-defined]
    context = {
        "event": event,
        "documentation": documentation,
        "report": render_markdown(documentation.report),
        "agenda": list(event.agenda_items.all()),
        "files": list(event.files.all()),
        "photos": list(event.photos.all()),
        "can_change": request.user.has_perm("events.change_event", event),
    }
    return render(request, "events/documentation_detail.html", context)


def documentation_list(request: HttpRequest) -> HttpResponse:
    network = request.GET.get("network", "")[:80]
    items = selectors_events.documentation_list(network=network)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for documentation in page.object_list:
        documentation.event.when = event_when(documentation.event)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "networks": Network.objects.filter(events__documentation__is_published=True)
        .distinct()
        .order_by("name"),
        "network": network,
        "query": _query_without_page(request),
    }
    return render(request, "events/documentation_list.html", context)


# --- Editor --------------------------------------------------------------------------------


def _changeable_event(request: HttpRequest, slug: str) -> Event:
    """The event if the user may see it (404 otherwise) and edit it (403 otherwise)."""
    event = _event(request, slug)
    if not request.user.has_perm("events.change_event", event):
        raise PermissionDenied
    return event


def _editable_networks(request: HttpRequest) -> QuerySet[Network]:
    networks = selectors_events.networks_for_event_editing(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    return networks


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    networks = _editable_networks(request)
    form = EventForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        try:
            event = services_events.event_create(
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(event.get_absolute_url())
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _changeable_event(request, slug)
    networks = _editable_networks(request)
    # The form changes its instance while it validates: the service reads a fresh copy.
    form = EventForm(
        request.POST or None, instance=Event.objects.get(pk=event.pk), networks=networks
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        try:
            event = services_events.event_update(
                event=event,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
                network=network,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect(event.get_absolute_url())
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    event = _changeable_event(request, slug)
    if request.method == "POST":
        services_events.event_cancel(event=event, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The event has been cancelled."))
        return redirect(event.get_absolute_url())
    return render(request, "events/event_cancel.html", {"event": event})


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    networks = _editable_networks(request)
    form = SeriesForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        try:
            series = services_events.series_create(
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The series has been saved."))
            return redirect("events:series_detail", slug=series.slug)
    return render(request, "events/series_form.html", {"form": form, "series": None})


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_object_or_404(EventSeries, slug=slug)
    if not request.user.has_perm("events.change_event", series):
        raise PermissionDenied
    form = SeriesForm(request.POST or None, instance=EventSeries.objects.get(pk=series.pk))
    if request.method == "POST" and form.is_valid():
        try:
            series = services_events.series_update(
                series=series,
                actor=request.user,  # type: ignore[arg-type]
                data=dict(form.cleaned_data),
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The series has been saved."))
            return redirect("events:series_detail", slug=series.slug)
    return render(request, "events/series_form.html", {"form": form, "series": series})


@login_required
@require_http_methods(["GET", "POST"])
def documentation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _changeable_event(request, slug)
    documentation = EventDocumentation.objects.filter(event=event).first()
    initial_agenda = [
        {"time": a.time, "title": a.title, "description": a.description}
        for a in event.agenda_items.all()
    ]
    if request.method == "POST":
        form = DocumentationForm(request.POST)
        agenda = AgendaFormSet(request.POST, prefix="agenda")
        if form.is_valid() and agenda.is_valid():
            entries = [
                services_events.AgendaEntry(
                    time=row["time"], title=row["title"], description=row["description"]
                )
                for row in agenda.cleaned_data
                if row and row.get("title")
            ]
            services_events.documentation_save(
                event=event,
                actor=request.user,  # type: ignore[arg-type]
                report=form.cleaned_data["report"],
                is_published=form.cleaned_data["is_published"],
                agenda=entries,
            )
            messages.success(request, _("The documentation has been saved."))
            return redirect("events:documentation_edit", slug=event.slug)
    else:
        form = DocumentationForm(
            initial={
                "report": documentation.report if documentation else "",
                "is_published": documentation.is_published if documentation else False,
            }
        )
        agenda = AgendaFormSet(initial=initial_agenda, prefix="agenda")
    context = {
        "event": event,
        "form": form,
        "agenda": agenda,
        "documentation": documentation,
        "files": list(event.files.all()),
        "photos": list(event.photos.all()),
    }
    return render(request, "events/documentation_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def documentation_file_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = _changeable_event(request, slug)
    form = EventFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_events.event_file_add(
                event=event,
                actor=request.user,  # type: ignore[arg-type]
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The file has been added."))
            return redirect("events:documentation_edit", slug=event.slug)
    context = {"event": event, "form": form, "heading": _("Add a file")}
    return render(request, "events/documentation_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def documentation_photo_add(request: HttpRequest, slug: str) -> HttpResponse:
    event = _changeable_event(request, slug)
    form = EventPhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services_events.event_photo_add(
                event=event,
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
            return redirect("events:documentation_edit", slug=event.slug)
    context = {"event": event, "form": form, "heading": _("Add a photo")}
    return render(request, "events/documentation_upload.html", context)


@login_required
@require_http_methods(["POST"])
def documentation_attachment_delete(
    request: HttpRequest, slug: str, kind: str, pk: int
) -> HttpResponse:
    if kind not in ("datei", "foto"):
        raise Http404
    event = _changeable_event(request, slug)
    model: type[EventFile] | type[EventPhoto] = EventFile if kind == "datei" else EventPhoto
    item = get_object_or_404(model, pk=pk, event=event)
    services_events.event_attachment_delete(item=item, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Deleted."))
    return redirect(reverse("events:documentation_edit", kwargs={"slug": event.slug}))


def programme_this_year(request: HttpRequest) -> HttpResponse:
    return redirect("events:programme", year=timezone.localdate().year)
