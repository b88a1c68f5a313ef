"""Writes on events, series and their documentation. Admins and the coordinators of the
event's network (``events.change_event``) may. Every change that a calendar client should
notice raises the event's ``sequence`` (RFC 5545 SEQUENCE), so that subscribed calendars
replace their copy."""

import importlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.images import image_reencode
from allmende.core.places import place_find
from allmende.core.text import unique_slug
from allmende.events.models import (
    AgendaItem,
    Event,
    EventDocumentation,
    EventFile,
    EventPhoto,
    EventSeries,
)
from allmende.networks.models import Network

EVENT_EDITABLE_FIELDS = (
    "series",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "is_online",
    "venue",
    "street",
    "postcode",
    "city",
    "state",
    "lat",
    "lon",
    "online_url",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "registration_enabled",
    "audience",
    "waiting_list",
    "contact_name",
    "contact_email",
    "is_published",
)
# What the calendars show: a change of one of these raises the sequence.
CALENDAR_FIELDS = (
    "network_id",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "is_online",
    "venue",
    "street",
    "postcode",
    "city",
    "is_published",
    "is_cancelled",
)
SERIES_EDITABLE_FIELDS = ("title", "description")
# Path segments of other pages under /veranstaltungen/ (urls_events.py, urls_registration.py).
RESERVED_SLUGS = frozenset(
    {"neu", "programm", "karte", "reihe", "netzwerk", "dokumentationen", "anmeldung", "abmelden"}
)
PHOTO_MAX_EDGE = 1600
FILE_MAX_BYTES = 20 * 1024 * 1024
# Accepted documentation files by extension, with the first bytes each kind starts with.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".odt": _ZIP,
    ".ods": _ZIP,
    ".odp": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
    ".ppt": _OLE,
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
CANCEL_HOOK = "allmende.events.services_registration"
CANCEL_HOOK_NAME = "registrations_notify_cancelled"


def _require_change(actor: User, obj: Event | EventSeries | Network) -> None:
    if not actor.has_perm("events.change_event", obj):
        raise PermissionDenied(_("You may not edit the events of this network."))


def _slug(title: str, model: type[Event] | type[EventSeries]) -> str:
    def taken(slug: str) -> bool:
        return slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists()

    return unique_slug(title, taken, 80)


def event_validate(event: Event) -> None:
    """Check what the model cannot: the end after the start, the registration window inside
    the event, a town for in-person events; give in-person events coordinates (those entered,
    both or neither, else the centre of the town from the places CSV). Raises
    ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if closes and event.ends_at and closes > event.ends_at:
        errors["registration_closes_at"] = _("Registration must close before the event ends.")
    if opens and event.ends_at and opens >= event.ends_at:
        errors["registration_opens_at"] = _("Registration must open before the event ends.")
    elif opens and closes and opens >= closes:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if not event.is_online and not event.city.strip():
        errors["city"] = _("An event on site needs a town; otherwise tick “online”.")
    has_lat, has_lon = event.lat is not None, event.lon is not None
    if has_lat != has_lon:
        missing = "lon" if has_lat else "lat"
        errors[missing] = _(
            "Give both latitude and longitude, or neither (then the town's centre)."
        )
    if errors:
        raise ValidationError(errors)
    if event.is_online or has_lat:
        return
    found = place_find(event.city, event.state)
    if found is None:
        raise ValidationError(
            {
                "city": _(
                    "This town is not in our list of places; please check its name and state "
                    "or enter latitude and longitude."
                )
            }
        )
    event.lat, event.lon = found.lat, found.lon
    if not event.state:
        event.state = found.state


def _calendar_state(event: Event) -> tuple[Any, ...]:
    return tuple(getattr(event, name) for name in CALENDAR_FIELDS)


@transaction.atomic
def event_create(*, network: Network, actor: User, data: dict[str, Any]) -> Event:
    """Create an event of ``network``; keys of ``data`` outside ``EVENT_EDITABLE_FIELDS`` are
    ignored; the slug comes from the title. Raises ``PermissionDenied`` and
    ``ValidationError``."""
    _require_change(actor, network)
    event = Event(network=network, **{k: v for k, v in data.items() if k in EVENT_EDITABLE_FIELDS})
    if event.series is not None and event.series.network_id != network.pk:
        raise ValidationError({"series": _("The series belongs to another network.")})
    event_validate(event)
    event.slug = _slug(event.title, Event)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_update(
    *, event: Event, actor: User, data: dict[str, Any], network: Network | None = None
) -> Event:
    """Change an event; moving it to another network needs the permission there too. The
    slug (its address) and UID stay; the sequence rises when anything calendars show changed.
    A new town without new coordinates moves the event to that town's centre."""
    _require_change(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = _calendar_state(event)
    if network is not None and network.pk != event.network_id:
        _require_change(actor, network)
        event.network = network
    old_town, old_position = (event.city, event.state), (event.lat, event.lon)
    for key, value in data.items():
        if key in EVENT_EDITABLE_FIELDS:
            setattr(event, key, value)
    if (event.city, event.state) != old_town and (event.lat, event.lon) == old_position:
        event.lat = event.lon = None
    if event.series is not None and event.series.network_id != event.network_id:
        raise ValidationError({"series": _("The series belongs to another network.")})
    event_validate(event)
    if _calendar_state(event) != before:
        event.sequence += 1
    event.full_clean()
    event.save()
    return event


def _cancel_hook() -> Callable[[int], Any] | None:
    """The registration part's notification of participants, if that part is installed."""
    try:
        module = importlib.import_module(CANCEL_HOOK)
    except ImportError:
        return None
    hook = getattr(module, CANCEL_HOOK_NAME, None)
    return hook if callable(hook) else None


@transaction.atomic
def event_cancel(*, event: Event, actor: User) -> Event:
    """Mark the event cancelled and raise its sequence (calendars then show it as cancelled);
    once committed, the registration part tells the participants. Cancelling twice changes
    nothing."""
    _require_change(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return event
    event.is_cancelled = True
    event.sequence += 1
    event.save()
    hook = _cancel_hook()
    if hook is not None:
        event_id = event.pk
        transaction.on_commit(lambda: hook(event_id))
    return event


@transaction.atomic
def series_create(*, network: Network, actor: User, data: dict[str, Any]) -> EventSeries:
    """Create a series of events of ``network``; the slug comes from the title."""
    _require_change(actor, network)
    series = EventSeries(
        network=network, **{k: v for k, v in data.items() if k in SERIES_EDITABLE_FIELDS}
    )
    series.slug = _slug(series.title, EventSeries)
    series.full_clean()
    series.save()
    return series


@transaction.atomic
def series_update(*, series: EventSeries, actor: User, data: dict[str, Any]) -> EventSeries:
    """Change a series' title and description; its slug stays."""
    _require_change(actor, series)
    for key, value in data.items():
        if key in SERIES_EDITABLE_FIELDS:
            setattr(series, key, value)
    series.full_clean()
    series.save()
    return series


@dataclass(frozen=True)
class AgendaEntry:
    time: str
    title: str
    description: str = ""


@transaction.atomic
def documentation_save(
    *,
    event: Event,
    actor: User,
    report: str,
    is_published: bool,
    agenda: Sequence[AgendaEntry] | None = None,
) -> EventDocumentation:
    """Create or change the event's documentation; ``agenda`` (when given) replaces the
    agenda items in that order."""
    _require_change(actor, event)
    documentation, _created = EventDocumentation.objects.get_or_create(
        event=event, defaults={"report": report, "is_published": is_published}
    )
    documentation.report = report
    documentation.is_published = is_published
    documentation.full_clean()
    documentation.save()
    if agenda is not None:
        AgendaItem.objects.filter(event=event).delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(
                event=event,
                time=entry.time,
                title=entry.title,
                description=entry.description,
                position=position,
            )
            for position, entry in enumerate(agenda)
        )
    return documentation


def _next_position(items: Iterable[Any]) -> int:
    last = items.aggregate(last=Max("position"))["last"]  # type: ignore[attr-defined]
    return 0 if last is None else int(last) + 1


def event_file_check(upload: UploadedFile[Any]) -> UploadedFile[Any]:
    """Check a documentation file: at most ``FILE_MAX_BYTES``, a PDF, office document or JPEG
    or PNG image by its extension, and its first bytes must fit that extension. Renames it to
    a random name with the same extension. Raises ``ValidationError``."""
    if upload.size is not None and upload.size > FILE_MAX_BYTES:
        raise ValidationError(
            _("The file may be at most %(size)s.") % {"size": filesizeformat(FILE_MAX_BYTES)},
            code="too_large",
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    signatures = FILE_SIGNATURES.get(suffix)
    if signatures is None:
        raise ValidationError(
            _(
                "Please upload a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) "
                "or a JPEG or PNG image."
            ),
            code="file_type",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("The file's content does not match its type %(suffix)s.") % {"suffix": suffix},
            code="file_content",
        )
    upload.name = f"{secrets.token_urlsafe(18)}{suffix}"
    return upload


@transaction.atomic
def event_file_add(
    *, event: Event, actor: User, upload: UploadedFile[Any], title: str
) -> EventFile:
    """Add a documentation file (checked by ``event_file_check``) after the others."""
    _require_change(actor, event)
    checked = event_file_check(upload)
    item = EventFile(
        event=event,
        title=title,
        file=checked,
        size=checked.size or 0,
        position=_next_position(EventFile.objects.filter(event=event)),
    )
    item.full_clean()
    item.save()
    return item


def event_photo_prepare(upload: UploadedFile[Any]) -> ContentFile[bytes]:
    """Check a photo's size against ``PROPERTY_PHOTO_MAX_BYTES`` and re-encode it (no
    metadata) under a random name. Raises ``ValidationError``."""
    limit: int = settings.PROPERTY_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The photo may be at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    image = image_reencode(upload, max_edge=PHOTO_MAX_EDGE)
    suffix = PurePath(image.name or "").suffix or ".jpg"
    image.name = f"{secrets.token_urlsafe(18)}{suffix}"
    return image


@transaction.atomic
def event_photo_add(
    *,
    event: Event,
    actor: User,
    image: ContentFile[bytes],
    alt_text: str,
    author: str,
    licence: str,
) -> EventPhoto:
    """Add a photo (the output of ``event_photo_prepare``); alt text, author and licence are
    required."""
    _require_change(actor, event)
    photo = EventPhoto(
        event=event,
        image=image,
        alt_text=alt_text,
        author=author,
        licence=licence,
        position=_next_position(EventPhoto.objects.filter(event=event)),
    )
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def event_attachment_delete(*, item: EventFile | EventPhoto, actor: User) -> None:
    """Delete a documentation file or photo and, once committed, its stored file."""
    _require_change(actor, item.event)
    field = item.file if isinstance(item, EventFile) else item.image
    storage, name = field.storage, field.name
    item.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
