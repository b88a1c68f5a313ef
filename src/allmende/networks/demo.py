"""Demo data: the real networks and organisations of ``shared/seed-data/facts.json``, with
descriptions written for Allmende and clearly fictional people. Loading is idempotent: every
object is found by a natural key and updated, never duplicated."""

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allmende.accounts.models import User
from allmende.core.places import district_find, place_find
from allmende.core.text import unique_slug
from allmende.networks.models import (
    ApplicationEvent,
    ApplicationStatus,
    Coordinator,
    Membership,
    MembershipApplication,
    MembershipKind,
    Network,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationRoleKind,
    WorkingGroup,
)

DEMO_PASSWORD = "allmende-demo"  # noqa: S105 - printed for the local demo on purpose

KIND_MAP = {
    "Stiftung": OrganisationKind.FOUNDATION,
    "Netzwerk/Verein": OrganisationKind.INITIATIVE,
    "Verein": OrganisationKind.INITIATIVE,
    "Initiative": OrganisationKind.INITIATIVE,
    "Kommune": OrganisationKind.MUNICIPALITY,
    "Landkreis": OrganisationKind.DISTRICT,
    "Verband": OrganisationKind.ASSOCIATION,
    "Kommunaler Spitzenverband": OrganisationKind.ASSOCIATION,
    "Planungsbüro": OrganisationKind.PLANNING_OFFICE,
    "Wohnungsunternehmen": OrganisationKind.HOUSING_COMPANY,
    "Wohlfahrt": OrganisationKind.WELFARE,
    "Öffentliche Einrichtung": OrganisationKind.PUBLIC_AUTHORITY,
    "Bund/Land": OrganisationKind.PUBLIC_AUTHORITY,
    "Unternehmen": OrganisationKind.COMPANY,
    "Kultur": OrganisationKind.CULTURE,
    "Wissenschaft": OrganisationKind.SCIENCE,
}

NETWORK_TEXTS: dict[str, dict[str, Any]] = {
    "Netzwerk Immovielien": {
        "slug": "immovielien",
        "short_name": "Immovielien",
        "founded_on": date(2018, 1, 1),
        "legal_form": "eingetragener Verein (seit 2018)",
        "member_kinds": [MembershipKind.MEMBER, MembershipKind.SUPPORTING],
        "contact_email": "kontakt@immovielien.example.org",
        "description": (
            "Ein bundesweiter Zusammenschluss aus Zivilgesellschaft, öffentlicher Hand, "
            "Wirtschaft, Wohlfahrt und Wissenschaft. Gemeinsam setzen sich die Mitglieder dafür "
            "ein, dass Gebäude und Grundstücke von vielen für viele entwickelt werden können: "
            "mit Austausch unter den Mitgliedern, gemeinsamen Projekten, Bildungs- und "
            "Beratungsangeboten und politischen Forderungen.\n\n"
            "Hervorgegangen ist das Netzwerk aus einem Konvent in Leipzig im Herbst 2016; seit "
            "Anfang 2017 arbeitet es zusammen, seit 2018 als Verein."
        ),
    },
    "Starke Orte Netzwerk (Kommunen-Netzwerk für Gestaltungsräume)": {
        "slug": "starke-orte",
        "short_name": "Starke Orte",
        "founded_on": date(2023, 1, 1),
        "legal_form": "Netzwerk in Trägerschaft des Netzwerks Zukunftsorte",
        "member_kinds": [MembershipKind.FOUNDING, MembershipKind.MEMBER],
        "contact_email": "starke-orte@zukunftsorte.example.org",
        "description": (
            "Kleine Städte, Gemeinden und Landkreise tauschen sich hier kollegial darüber aus, "
            "wie leerstehende Gebäude zu Orten für Gemeinschaft, Arbeit und Kultur werden. "
            "Bürgermeisterinnen, Bürgermeister und Verwaltungsleute lernen in Werkstätten, "
            "Seminaren und auf Inspirationsreisen voneinander und erhalten Unterstützung bei "
            "der Entwicklung eigener Immobilien.\n\n"
            "Das Netzwerk entstand 2023 als Transferprojekt des Bundesprogramms „Heimat 2.0“."
        ),
    },
    "Gemeinsam für das Quartier": {
        "slug": "gemeinsam-fuer-das-quartier",
        "short_name": "Gemeinsam fürs Quartier",
        "founded_on": date(2020, 2, 20),
        "legal_form": "Vernetzungsinitiative (2020–2025)",
        "member_kinds": [MembershipKind.PARTNER],
        "contact_email": "quartier@dv.example.org",
        "description": (
            "Eine Vernetzungsinitiative, die Wohnungswirtschaft, zivilgesellschaftliche "
            "Initiativen und Kreativszene an einen Tisch bringt, um Quartiere gemeinsam, "
            "aktivierend und am Gemeinwesen orientiert zu entwickeln. In Werkstattgesprächen "
            "zu Quartier, Zentren sowie Kleinstadt und Land, in Stadtlaboren und Online-Treffen "
            "erproben die Partner neue Formen der Zusammenarbeit."
        ),
    },
}

# The coordination office of each network, by the start of its name in facts.json.
COORDINATION = {
    "Netzwerk Immovielien": "Montag Stiftung",
    "Starke Orte Netzwerk (Kommunen-Netzwerk für Gestaltungsräume)": "Netzwerk Zukunftsorte",
    "Gemeinsam für das Quartier": "Deutscher Verband für Wohnungswesen",
}

KIND_DESCRIPTIONS = {
    OrganisationKind.FOUNDATION: (
        "Stiftung, die gemeinwohlorientierte Projekte fördert und begleitet."
    ),
    OrganisationKind.INITIATIVE: (
        "Zivilgesellschaftliche Gruppe, die Räume für ihre Nachbarschaft öffnet."
    ),
    OrganisationKind.MUNICIPALITY: (
        "Kommune, die Leerstand gemeinsam mit engagierten Gruppen neu nutzen will."
    ),
    OrganisationKind.DISTRICT: (
        "Landkreis, der seine Städte und Gemeinden bei der Entwicklung leerstehender "
        "Gebäude unterstützt."
    ),
    OrganisationKind.ASSOCIATION: (
        "Verband, der die Interessen seiner Mitglieder bündelt und in die Debatte einbringt."
    ),
    OrganisationKind.PLANNING_OFFICE: (
        "Büro für Stadtplanung und Architektur mit Erfahrung in Beteiligung."
    ),
    OrganisationKind.HOUSING_COMPANY: (
        "Wohnungsunternehmen, das Quartiere mit ihren Bewohnerinnen und Bewohnern entwickelt."
    ),
    OrganisationKind.WELFARE: (
        "Organisation der Wohlfahrtspflege mit Blick auf soziale Infrastruktur im Quartier."
    ),
    OrganisationKind.PUBLIC_AUTHORITY: (
        "Öffentliche Einrichtung, die Forschung, Förderung oder Beratung beisteuert."
    ),
    OrganisationKind.COMPANY: (
        "Unternehmen, das Gründungen und neue Nutzungen im Bestand unterstützt."
    ),
    OrganisationKind.CULTURE: ("Kultureinrichtung, die Räume für Begegnung und Kunst schafft."),
}

DEMO_PEOPLE = [
    # (e-mail, name, role label)
    ("admin@demo.allmende.example", "Alma Admin", "admin"),
    ("koordination@demo.allmende.example", "Erika Mustermann", "coordinator"),
    ("kommune@demo.allmende.example", "Max Mustermann", "municipality editor"),
    ("initiative@demo.allmende.example", "Lena Beispiel", "initiative editor"),
    ("mitglied@demo.allmende.example", "Paul Probe", "member"),
]


def facts_path() -> Path:
    configured = os.environ.get("ALLMENDE_FACTS")
    if configured:
        return Path(configured)
    return Path(settings.PROJECT_DIR).parent / "shared" / "seed-data" / "facts.json"


def load_facts() -> dict[str, Any]:
    path = facts_path()
    if not path.exists():
        raise FileNotFoundError(
            f"Demo facts not found at {path}; set ALLMENDE_FACTS to the facts.json file."
        )
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _place(facts: dict[str, Any], name: str) -> tuple[str, float | None, float | None]:
    for place in facts["places"]:
        if place["name"] == name:
            return place["state"], place["lat"], place["lon"]
    found = place_find(name)
    if found is not None:
        return found.state, found.lat, found.lon
    return "", None, None


def _organisation(facts: dict[str, Any], entry: dict[str, Any]) -> Organisation:
    kind = KIND_MAP.get(entry["kind"], OrganisationKind.ASSOCIATION)
    state, lat, lon = _place(facts, entry["place"])
    city = entry["place"]
    defaults: dict[str, Any] = {
        "kind": kind,
        "city": city,
        "state": state,
        "lat": lat,
        "lon": lon,
        "description": KIND_DESCRIPTIONS.get(kind, ""),
        "is_active": True,
    }
    organisation = Organisation.objects.filter(name=entry["name"]).first()
    if organisation is None:
        organisation = Organisation(name=entry["name"])
        organisation.slug = unique_slug(
            entry["name"], lambda s: Organisation.objects.filter(slug=s).exists(), 200
        )
    for key, value in defaults.items():
        setattr(organisation, key, value)
    if organisation.is_local_authority:
        place = place_find(city, state)
        if place is not None:
            organisation.population = place.population
            organisation.ags = place.ags
            if kind == OrganisationKind.DISTRICT:
                district = district_find(seat=city, state=state)
                if district is not None:
                    organisation.population, organisation.ags = district.population, district.ags
        organisation.contact_role = (
            "Bürgermeisteramt" if kind == OrganisationKind.MUNICIPALITY else "Kreisentwicklung"
        )
        organisation.vacancy_projects = (
            "Ein leerstehendes Gebäude in der Ortsmitte soll gemeinsam mit einer Gruppe aus "
            "dem Ort zu einem Treffpunkt werden; eine Machbarkeitsstudie läuft."
        )
    organisation.full_clean()
    organisation.save()
    return organisation


def _user(email: str, name: str, *, admin: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
    user.name = name
    user.is_staff = admin
    user.is_superuser = admin
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def demo_load() -> list[tuple[str, str, str]]:
    """Create or refresh the demo data; returns the demo logins (e-mail, password, role)."""
    facts = load_facts()
    organisations = {entry["name"]: _organisation(facts, entry) for entry in facts["organisations"]}

    networks: dict[str, Network] = {}
    for entry in facts["networks"]:
        texts = NETWORK_TEXTS[entry["name"]]
        network, _created = Network.objects.update_or_create(
            slug=texts["slug"],
            defaults={
                "name": entry["name"],
                **{k: v for k, v in texts.items() if k != "slug"},
                "coordination_office": next(
                    org
                    for name, org in organisations.items()
                    if name.startswith(COORDINATION[entry["name"]])
                ),
            },
        )
        networks[entry["name"]] = network

    memberships = facts["network_memberships"]
    gfq = "Gemeinsam für das Quartier"
    starke_orte = "Starke Orte Netzwerk (Kommunen-Netzwerk für Gestaltungsräume)"
    excluded = set(memberships[starke_orte]) | {
        "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR)"
    }
    member_lists: dict[str, list[str]] = {
        gfq: [name for name in organisations if name not in excluded],
        starke_orte: list(memberships[starke_orte]),
        "Netzwerk Immovielien": list(memberships["Netzwerk Immovielien"]),
    }
    founding = set(
        next(n for n in facts["networks"] if n["name"] == starke_orte)["founding_members"]
    )
    for network_name, names in member_lists.items():
        network = networks[network_name]
        for name in names:
            if network_name == starke_orte:
                kind = MembershipKind.FOUNDING if name in founding else MembershipKind.MEMBER
                since = date(2023, 1, 1) if name in founding else date(2024, 3, 1)
            elif network_name == gfq:
                kind, since = MembershipKind.PARTNER, date(2020, 2, 20)
            else:
                kind = (
                    MembershipKind.SUPPORTING if name == "Stiftung trias" else MembershipKind.MEMBER
                )
                since = date(2018, 1, 1)
            Membership.objects.update_or_create(
                network=network,
                organisation=organisations[name],
                defaults={"kind": kind, "since": since, "status": "active"},
            )

    people = {
        role: _user(email, name, admin=(role == "admin")) for email, name, role in DEMO_PEOPLE
    }
    immovielien = networks["Netzwerk Immovielien"]
    for network in networks.values():
        Coordinator.objects.update_or_create(
            user=people["coordinator"],
            network=network,
            defaults={"function": "Koordinierungsstelle"},
        )
    roles = [
        (people["municipality editor"], "Stadt Angermünde", OrganisationRoleKind.EDITOR),
        (people["initiative editor"], "Stadtlücken Stuttgart", OrganisationRoleKind.EDITOR),
        (people["member"], "wohnbund e.V.", OrganisationRoleKind.MEMBER),
    ]
    for user, org_name, role in roles:
        OrganisationRole.objects.update_or_create(
            user=user, organisation=organisations[org_name], defaults={"role": role}
        )

    group, _created = WorkingGroup.objects.update_or_create(
        network=immovielien,
        slug="ag-gutes-geld",
        defaults={
            "name": "AG Gutes Geld",
            "description": (
                "Die Arbeitsgruppe sammelt Wege, gemeinwohlorientierte Immobilienprojekte zu "
                "finanzieren: Direktkredite, Stiftungsmodelle, Erbbaurecht und Förderprogramme."
            ),
        },
    )
    group.members.add(people["member"])

    application, created = MembershipApplication.objects.get_or_create(
        network=networks[starke_orte],
        org_name="Landkreis Diepholz",
        defaults={
            "org_kind": OrganisationKind.DISTRICT,
            "org_city": "Diepholz",
            "org_state": "Niedersachsen",
            "contact_name": "Jonas Beispiel",
            "contact_email": "jonas.beispiel@demo.allmende.example",
            "membership_kind": MembershipKind.MEMBER,
            "stance": "Leerstand ist für uns eine Chance, Ortskerne gemeinsam neu zu beleben.",
            "motivation": "Wir möchten von Kommunen lernen, die schon weiter sind.",
            "expectations": "Kollegialer Austausch und Begleitung bei einem ersten Objekt.",
            "vacancy_projects": "Ein ehemaliges Kaufhaus in einer Kreisstadt steht seit 2021 leer.",
            "privacy_consent_at": timezone.now(),
        },
    )
    if created:
        ApplicationEvent.objects.create(application=application, status=ApplicationStatus.SUBMITTED)

    return [(email, DEMO_PASSWORD, role) for email, _name, role in DEMO_PEOPLE]
