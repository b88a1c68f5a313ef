"""Demo events: the real past events of ``shared/seed-data/facts.json`` with a short
documentation each (texts written for the demo), and a few upcoming ones — one full with a
waiting list, one for members only, one online. Idempotent: keyed by slug and e-mail."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from allmende.core.places import place_find
from allmende.events.models import (
    AgendaItem,
    Event,
    EventAudience,
    EventDocumentation,
    EventKind,
    Registration,
    RegistrationStatus,
)
from allmende.networks.demo import load_facts
from allmende.networks.models import Network

BERLIN = ZoneInfo("Europe/Berlin")

KINDS = {
    "Seminar": EventKind.SEMINAR,
    "Workshop": EventKind.WORKSHOP,
    "Inspirationsreise": EventKind.INSPIRATION_TRIP,
    "Netzwerktreffen": EventKind.NETWORK_MEETING,
    "Mitgliederversammlung": EventKind.GENERAL_ASSEMBLY,
    "Werkstattgespräch": EventKind.WORKSHOP_TALK,
    "Konferenz": EventKind.CONFERENCE,
}

# Our own short reports and agendas for the past events, by title in facts.json.
REPORTS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "Konvent 'Immobilien für viele – Gemeinwohl gemeinsam gestalten'": (
        "konvent-immobilien-fuer-viele-2016",
        "Zwei Tage lang trafen sich Menschen aus Initiativen, Stiftungen, Verwaltung und "
        "Politik, um über Häuser für viele zu sprechen. Am Ende stand der Wunsch, dauerhaft "
        "als Netzwerk zusammenzuarbeiten.",
        [
            ("10:00", "Ankommen und Kennenlernen"),
            ("11:00", "Gesprächsrunden in Gruppen"),
            ("15:00", "Gemeinsame Verabredungen"),
        ],
    ),
    "Auftaktveranstaltung Gemeinsam für das Quartier": (
        "auftakt-gemeinsam-fuer-das-quartier-2020",
        "Zum Start des Bündnisses stellten die Partner ihre Ziele für lebendige Quartiere vor "
        "und sammelten erste Themen für die gemeinsame Arbeit.",
        [("13:00", "Begrüßung"), ("13:30", "Vorstellung der Partner"), ("15:00", "Themen sammeln")],
    ),
    "Bilanzveranstaltung 2020": (
        "bilanz-gemeinsam-fuer-das-quartier-2020",
        "Online blickten die Partner auf das erste Jahr zurück: was gelungen ist, was schwer "
        "war und was sie sich für das nächste Jahr vornehmen.",
        [("14:00", "Rückblick"), ("15:00", "Ausblick auf das kommende Jahr")],
    ),
    "Jahresauftakt 2022": (
        "jahresauftakt-gemeinsam-fuer-das-quartier-2022",
        "Über sechzig Partner kamen digital zusammen, tauschten sich in kleinen Runden aus und "
        "legten Schwerpunkte für das Jahr fest.",
        [
            ("10:00", "Begrüßung"),
            ("10:30", "Austausch in kleinen Runden"),
            ("12:00", "Schwerpunkte des Jahres"),
        ],
    ),
    "Inspirationsreise zu Zukunftsorten": (
        "inspirationsreise-zukunftsorte-2023",
        "Die Reise führte zu Orten, an denen leere Gebäude wieder genutzt werden. Zum Abschluss "
        "arbeitete die Gruppe in einem Workshop an Vision und Auftrag des Netzwerks.",
        [
            ("09:00", "Besuch der ersten Orte"),
            ("14:00", "Gespräche mit den Trägern"),
            ("16:00", "Workshop: Vision und Auftrag"),
        ],
    ),
}
# The trip of facts.json names no town; it is placed in a member town of the network.
DEFAULT_PLACE = "Angermünde"


def _place(facts: dict[str, Any], name: str) -> tuple[str, float | None, float | None]:
    for place in facts["places"]:
        if place["name"] == name:
            return place["state"], place["lat"], place["lon"]
    found = place_find(name)
    return (found.state, found.lat, found.lon) if found else ("", None, None)


def _day(date: str) -> datetime.date:
    parts = [int(p) for p in date.split("-")]
    return datetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 15)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BERLIN)


def _past_event(facts: dict[str, Any], entry: dict[str, Any]) -> Event:
    slug, report, agenda = REPORTS[entry["title"]]
    network = Network.objects.get(name=entry["network"])
    day = _day(entry["date"])
    online = bool(entry.get("online"))
    city = "" if online else entry.get("place", DEFAULT_PLACE)
    state, lat, lon = _place(facts, city) if city else ("", None, None)
    kind = KINDS[entry["type"]]
    event, _ = Event.objects.update_or_create(
        slug=slug,
        defaults={
            "network": network,
            "kind": kind,
            "title": entry["title"].replace("'", "„", 1).replace("'", "“", 1),
            "description": report.split(".")[0] + ".",
            "starts_at": _at(day, 10),
            "ends_at": _at(day, 17),
            "is_online": online,
            "city": city,
            "state": state,
            "lat": lat,
            "lon": lon,
            "capacity": None,
            "registration_enabled": False,
            "is_published": True,
        },
    )
    EventDocumentation.objects.update_or_create(
        event=event, defaults={"report": report, "is_published": True}
    )
    AgendaItem.objects.filter(event=event).delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(event=event, time=time, title=title, position=n)
        for n, (time, title) in enumerate(agenda)
    )
    return event


UPCOMING: list[dict[str, Any]] = [
    {
        "slug": "werkstatt-leerstand-aktivieren",
        "network": "immovielien",
        "kind": EventKind.WORKSHOP,
        "title": "Werkstatt: Leerstand aktivieren",
        "description": "Wie findet eine Gruppe ein leeres Haus, und wie überzeugt sie die "
        "Eigentümer? Wir arbeiten an mitgebrachten Fällen.",
        "days": 21,
        "city": "Leipzig",
        "venue": "Stadtteilhaus Ost",
        "capacity": 6,
        "waiting_list": True,
    },
    {
        "slug": "mitgliederversammlung-immovielien",
        "network": "immovielien",
        "kind": EventKind.GENERAL_ASSEMBLY,
        "title": "Mitgliederversammlung",
        "description": "Die jährliche Versammlung der Mitglieder mit Bericht und Wahlen.",
        "days": 45,
        "city": "Berlin",
        "venue": "Nachbarschaftszentrum",
        "capacity": 80,
        "audience": EventAudience.MEMBERS,
    },
    {
        "slug": "online-sprechstunde-quartier",
        "network": "gemeinsam-fuer-das-quartier",
        "kind": EventKind.ONLINE_MEETING,
        "title": "Online-Sprechstunde Quartiersarbeit",
        "description": "Eine offene Stunde für Fragen rund um die Arbeit im Quartier.",
        "days": 10,
        "online": True,
        "online_url": "https://meet.example.org/quartier-sprechstunde",
    },
    {
        "slug": "werkstattgespraech-zukunftsorte",
        "network": "starke-orte",
        "kind": EventKind.WORKSHOP_TALK,
        "title": "Werkstattgespräch Zukunftsorte",
        "description": "Kommunen berichten, wie sie leere Gebäude mit neuen Nutzungen füllen.",
        "days": 60,
        "city": "Wunsiedel",
        "venue": "Rathaus",
        "capacity": 25,
    },
]
WAITING_PEOPLE = ["Jona Warte", "Mika Nachrück"]


def _upcoming_event(facts: dict[str, Any], data: dict[str, Any]) -> Event:
    day = timezone.localdate() + datetime.timedelta(days=data["days"])
    online = data.get("online", False)
    state, lat, lon = _place(facts, data["city"]) if not online else ("", None, None)
    event, _ = Event.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "network": Network.objects.get(slug=data["network"]),
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "starts_at": _at(day, 10),
            "ends_at": _at(day, 16 if not online else 11),
            "is_online": online,
            "venue": data.get("venue", ""),
            "city": data.get("city", ""),
            "state": state,
            "lat": lat,
            "lon": lon,
            "online_url": data.get("online_url", ""),
            "capacity": data.get("capacity"),
            "audience": data.get("audience", EventAudience.PUBLIC),
            "waiting_list": data.get("waiting_list", True),
            "contact_name": "Koordinierungsstelle",
            "contact_email": "veranstaltungen@example.org",
            "is_published": True,
        },
    )
    return event


def _fill(event: Event) -> None:
    """Confirmed registrations up to the capacity and two people on the waiting list."""
    capacity = event.capacity or 0
    people = [(f"Demo-Teilnehmerin {n + 1}", RegistrationStatus.CONFIRMED) for n in range(capacity)]
    people += [(name, RegistrationStatus.WAITLISTED) for name in WAITING_PEOPLE]
    for n, (name, status) in enumerate(people):
        Registration.objects.get_or_create(
            event=event,
            email=f"demo-teilnahme-{n + 1}@example.org",
            defaults={
                "name": name,
                "status": status,
                "consent_at": timezone.now(),
                "created_at": timezone.now() + datetime.timedelta(seconds=n),
            },
        )


@transaction.atomic
def demo_events_load(facts: dict[str, Any] | None = None) -> dict[str, int]:
    """Create or refresh the demo events; returns counts for the command's output."""
    facts = facts if facts is not None else load_facts()
    past = [_past_event(facts, entry) for entry in facts["events"]]
    upcoming = [_upcoming_event(facts, data) for data in UPCOMING]
    _fill(upcoming[0])
    return {
        "past": len(past),
        "upcoming": len(upcoming),
        "registrations": Registration.objects.filter(event__in=upcoming).count(),
    }
