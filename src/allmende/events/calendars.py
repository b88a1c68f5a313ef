"""iCalendar (RFC 5545) for events: one event or a network's feed, with a VTIMEZONE for
Europe/Berlin, a stable UID per event, its SEQUENCE and STATUS:CANCELLED when cancelled. The
meeting link of online events is never written: calendars are public."""

import datetime
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.events.models import Event

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Allmende//Veranstaltungen//DE"


def uid_domain() -> str:
    """The host part of every UID: that of ``SITE_URL``, so UIDs do not depend on the
    address a request came in by."""
    return urlsplit(settings.SITE_URL).hostname or "allmende.invalid"


def event_uid(event: Event) -> str:
    return f"{event.uid}@{uid_domain()}"


def event_location(event: Event) -> str:
    """The place as one line: venue, street, postcode and town; "Online" for online events."""
    if event.is_online:
        return _("Online")
    town = " ".join(part for part in (event.postcode, event.city) if part)
    return ", ".join(part for part in (event.venue, event.street, town) if part)


def _vevent(
    event: Event, absolute: Callable[[str], str], stamp: datetime.datetime
) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    # Times in Berlin time with TZID, so clients follow the rules of the VTIMEZONE.
    vevent.add("dtstart", timezone.localtime(event.starts_at, BERLIN))
    vevent.add("dtend", timezone.localtime(event.ends_at, BERLIN))
    vevent.add("last-modified", event.updated_at)
    url = absolute(event.get_absolute_url())
    vevent.add("url", url)
    description = event.description.strip()
    vevent.add("description", f"{description}\n\n{url}" if description else url)
    location = event_location(event)
    if location:
        vevent.add("location", location)
    if event.lat is not None and event.lon is not None and not event.is_online:
        vevent.add("geo", (event.lat, event.lon))
    vevent.add("categories", [event.get_kind_display()])
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    if event.contact_email:
        organizer = icalendar.vCalAddress(f"mailto:{event.contact_email}")
        organizer.params["cn"] = event.contact_name or event.network.name
        vevent.add("organizer", organizer)
    return vevent


def calendar_bytes(events: Iterable[Event], *, name: str, absolute: Callable[[str], str]) -> bytes:
    """An iCalendar file of ``events`` (each with its network loaded) named ``name``;
    ``absolute`` turns a path into a full URL."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now()
    events = list(events)
    for event in events:
        calendar.add_component(_vevent(event, absolute, stamp))
    if events:
        # Only the transitions around the events, so the VTIMEZONE stays short.
        first = min(e.starts_at for e in events).date() - datetime.timedelta(days=366)
        last = max(e.ends_at for e in events).date() + datetime.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    else:
        year = timezone.localdate().year
        calendar.add_component(
            icalendar.Timezone.from_tzid(
                "Europe/Berlin",
                first_date=datetime.date(year - 1, 1, 1),
                last_date=datetime.date(year + 2, 1, 1),
            )
        )
    return calendar.to_ical()
