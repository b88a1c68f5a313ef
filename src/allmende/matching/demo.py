"""Demo properties and space needs for ``allmende loaddemo``, chosen so that the matching has
something to show: buildings of the demo municipalities and owners in real places of
``shared/seed-data/facts.json``, and space needs of the demo initiatives around them.

Loading is idempotent: a property is found by its title and owner organisation, a space need
by its title and initiative; unchanged items are not saved again. Writes go through the
services of the properties and needs apps with the demo admin as actor, so that the demo data
passes the same validation as data entered in the forms.
"""

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.db import transaction

from allmende.accounts.models import User
from allmende.core.choices import Condition, TransferModel, Use
from allmende.core.places import place_find
from allmende.matching.models import Recommendation
from allmende.matching.services import recommendations_rebuild
from allmende.matching.signals import recommendations_deferred
from allmende.needs import services as need_services
from allmende.needs.models import SpaceNeed, TimeModel, Visibility
from allmende.networks.demo import load_facts
from allmende.networks.models import Network, Organisation
from allmende.properties import services as property_services
from allmende.properties.models import (
    BuildingType,
    OwnerKind,
    Property,
    PropertyKind,
    PropertyStatus,
    VacancyDegree,
)

ADMIN_EMAIL = "admin@demo.allmende.example"
# Largest shift of a demo building from its town's centre, in degrees (about 700 m), so that
# the buildings of one town do not sit on one point of the map.
JITTER_DEGREES = 0.006

# Each property: owner organisation (by name in facts.json), town, pipeline stage, status
# history (status, since, note; the first entry is the vacancy) and the fields of the form.
PROPERTIES: list[dict[str, Any]] = [
    {
        "owner": "Stadt Angermünde",
        "stage": 2,
        "history": [(PropertyStatus.VACANT, datetime.date(2019, 4, 1), "")],
        "data": {
            "title": "Ehemaliges Kaufhaus am Marktplatz",
            "town": "Angermünde",
            "kind": PropertyKind.VACANT,
            "building_type": BuildingType.COMMERCIAL,
            "description": (
                "Dreigeschossiges Geschäftshaus aus den 1920er-Jahren direkt am Markt. Im "
                "Erdgeschoss große Schaufenster und ein offener Verkaufsraum, darüber Büros "
                "und Lager. Die Stadt sucht eine Gruppe, die das Haus wieder zu einem Ort "
                "macht, an dem man sich trifft, arbeitet und etwas gründet."
            ),
            "usable_area": 900,
            "plot_area": 640,
            "floors": 3,
            "year_built": 1926,
            "condition": Condition.NEEDS_RENOVATION,
            "accessible": True,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Marktplatz 7",
            "postcode": "16278",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_leasehold": True,
            "leasehold_term_years": 99,
            "leasehold_rate_percent": Decimal("3.00"),
            "transfer_rent": True,
            "asking_rent": Decimal("4.50"),
            "suitable_uses": [
                Use.MEETING_PLACE,
                Use.COWORKING,
                Use.FOUNDER_HUB,
                Use.WORKSHOPS,
                Use.SOCIOCULTURE,
            ],
        },
    },
    {
        "owner": "Stadt Angermünde",
        "stage": 3,
        "history": [
            (PropertyStatus.VACANT, datetime.date(2016, 8, 1), ""),
            (
                PropertyStatus.INTERIM_USE,
                datetime.date(2024, 5, 1),
                "Der Dorfverein nutzt die Turnhalle für Sport und Feste.",
            ),
        ],
        "data": {
            "title": "Alte Dorfschule mit Turnhalle",
            "town": "Angermünde",
            "kind": PropertyKind.EXISTING,
            "building_type": BuildingType.PUBLIC,
            "description": (
                "Backsteinschule in einem Ortsteil, seit der Zusammenlegung der Grundschulen "
                "ohne Unterricht. Vier Klassenräume, eine kleine Turnhalle und ein großer "
                "Schulhof mit alten Linden. Geeignet für gemeinschaftliches Wohnen mit einem "
                "offenen Raum für das Dorf."
            ),
            "usable_area": 650,
            "plot_area": 3200,
            "floors": 2,
            "year_built": 1908,
            "condition": Condition.NEEDS_REPAIR,
            "vacancy_degree": VacancyDegree.PARTIAL,
            "street": "Schulweg 2",
            "postcode": "16278",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_sale": True,
            "asking_price": Decimal("85000"),
            "transfer_leasehold": True,
            "leasehold_term_years": 66,
            "leasehold_rate_percent": Decimal("2.50"),
            "suitable_uses": [
                Use.MULTIGENERATIONAL_HOUSING,
                Use.HOUSING,
                Use.MEETING_PLACE,
                Use.EDUCATION,
            ],
        },
    },
    {
        "owner": "Stadt Angermünde",
        "stage": 1,
        "history": [(PropertyStatus.VACANT, datetime.date(2009, 1, 1), "")],
        "data": {
            "title": "Güterschuppen am Bahnhof",
            "town": "Angermünde",
            "kind": PropertyKind.BROWNFIELD,
            "building_type": BuildingType.INDUSTRIAL,
            "description": (
                "Langgestreckter Schuppen aus Ziegeln an der Laderampe, dahinter eine "
                "verwilderte Freifläche. Das Dach ist undicht, die Halle aber trocken genug "
                "für eine Zwischennutzung im Sommer. Die Stadt prüft noch, was hier "
                "langfristig entstehen soll."
            ),
            "usable_area": 380,
            "plot_area": 2100,
            "floors": 1,
            "epoch": "um 1900",
            "condition": Condition.SHELL,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Bahnhofstraße 30",
            "postcode": "16278",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_interim": True,
            "asking_rent": Decimal("1.00"),
            "transfer_leasehold": True,
            "leasehold_term_years": 30,
            "leasehold_rate_percent": Decimal("2.00"),
            "suitable_uses": [Use.WORKSHOPS, Use.CULTURE, Use.OTHER],
        },
    },
    {
        "owner": "Stadt Herzberg (Elster)",
        "stage": 4,
        "history": [(PropertyStatus.VACANT, datetime.date(2018, 10, 1), "")],
        "data": {
            "title": "Bürgerhaus am Markt",
            "town": "Herzberg (Elster)",
            "kind": PropertyKind.VACANT,
            "building_type": BuildingType.HISTORICAL,
            "description": (
                "Denkmalgeschütztes Bürgerhaus mit Saal im ersten Obergeschoss und "
                "Gewölbekeller. Für die Vergabe bereitet die Stadt gerade ein "
                "Konzeptverfahren vor: Gesucht ist eine Nutzung, die die Innenstadt belebt."
            ),
            "usable_area": 1200,
            "plot_area": 900,
            "floors": 3,
            "epoch": "Barock, um 1750",
            "condition": Condition.NEEDS_RENOVATION,
            "listed_building": True,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Markt 12",
            "postcode": "04916",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_rent": True,
            "asking_rent": Decimal("3.80"),
            "transfer_sale": True,
            "asking_price": Decimal("150000"),
            "suitable_uses": [Use.CULTURE, Use.SOCIOCULTURE, Use.MEETING_PLACE, Use.EDUCATION],
        },
    },
    {
        "owner": "Gemeinde Neukirchen/Erzgeb.",
        "stage": 2,
        "history": [(PropertyStatus.VACANT, datetime.date(2012, 3, 1), "")],
        "data": {
            "title": "Ehemalige Strumpffabrik",
            "town": "Neukirchen/Erzgeb.",
            "kind": PropertyKind.BROWNFIELD,
            "building_type": BuildingType.INDUSTRIAL,
            "description": (
                "Fabrikgebäude mit großen Fenstern und tragfähigen Decken, bis in die "
                "Neunzigerjahre in Betrieb. Die Gemeinde möchte hier Werkstätten, kleine "
                "Betriebe und Gründungen zusammenbringen und gibt das Gebäude auch im "
                "Erbbaurecht ab."
            ),
            "usable_area": 2400,
            "plot_area": 5200,
            "floors": 4,
            "year_built": 1912,
            "condition": Condition.NEEDS_RENOVATION,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Fabrikstraße 4",
            "postcode": "09221",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_sale": True,
            "asking_price": Decimal("95000"),
            "transfer_leasehold": True,
            "leasehold_term_years": 50,
            "leasehold_rate_percent": Decimal("2.00"),
            "suitable_uses": [Use.WORKSHOPS, Use.FOUNDER_HUB, Use.COWORKING, Use.COMMERCE],
        },
    },
    {
        "owner": "Stadt Marktleuthen",
        "stage": 5,
        "history": [(PropertyStatus.VACANT, datetime.date(2020, 1, 1), "")],
        "data": {
            "title": "Gasthof mit Tanzsaal",
            "town": "Marktleuthen",
            "kind": PropertyKind.VACANT,
            "building_type": BuildingType.HISTORICAL,
            "description": (
                "Traditionsgasthof mit Gaststube, Fremdenzimmern und einem Tanzsaal für "
                "zweihundert Gäste. Mit einer Genossenschaft aus dem Ort wird gerade über den "
                "Erbbaurechtsvertrag gesprochen; weitere Partner für den Saal sind willkommen."
            ),
            "usable_area": 700,
            "plot_area": 1500,
            "floors": 2,
            "year_built": 1887,
            "condition": Condition.NEEDS_REPAIR,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Hauptstraße 21",
            "postcode": "95168",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_sale": True,
            "asking_price": Decimal("120000"),
            "transfer_leasehold": True,
            "leasehold_term_years": 99,
            "leasehold_rate_percent": Decimal("3.50"),
            "suitable_uses": [Use.MEETING_PLACE, Use.CULTURE, Use.HOUSING],
        },
    },
    {
        "owner": "Landkreis Wunsiedel im Fichtelgebirge",
        "stage": 6,
        "history": [
            (PropertyStatus.VACANT, datetime.date(2021, 7, 1), ""),
            (
                PropertyStatus.INTERIM_USE,
                datetime.date(2025, 3, 1),
                "Pop-up-Laden einer Kreativgruppe, zunächst für ein Jahr.",
            ),
        ],
        "data": {
            "title": "Ladenlokal in der Fußgängerzone",
            "town": "Wunsiedel",
            "kind": PropertyKind.VACANT,
            "building_type": BuildingType.COMMERCIAL,
            "description": (
                "Kleines, gut erhaltenes Ladengeschäft mit Schaufenster und ebenerdigem "
                "Zugang. Der Landkreis vermittelt es für Zwischennutzungen, um zu zeigen, was "
                "in leeren Läden möglich ist."
            ),
            "usable_area": 120,
            "floors": 1,
            "epoch": "1960er-Jahre",
            "condition": Condition.GOOD,
            "accessible": True,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Maximilianstraße 9",
            "postcode": "95632",
            "owner_kind": OwnerKind.PUBLIC,
            "transfer_rent": True,
            "asking_rent": Decimal("5.50"),
            "transfer_interim": True,
            "suitable_uses": [Use.COMMERCE, Use.CULTURE, Use.MEETING_PLACE],
        },
    },
    {
        "owner": "Kulturelle Stadtentwicklung Mannheim",
        "stage": 3,
        "history": [(PropertyStatus.VACANT, datetime.date(2022, 2, 1), "")],
        "data": {
            "title": "Lagerhalle am Hafen",
            "town": "Mannheim",
            "kind": PropertyKind.EXISTING,
            "building_type": BuildingType.INDUSTRIAL,
            "description": (
                "Hohe Halle mit Kranbahn und einem zweigeschossigen Büroanbau. Gesucht werden "
                "Kultur- und Kreativschaffende, die Ateliers, Proberäume und eine offene "
                "Werkstatt gemeinsam betreiben."
            ),
            "usable_area": 1800,
            "plot_area": 4000,
            "floors": 2,
            "year_built": 1954,
            "condition": Condition.NEEDS_REPAIR,
            "accessible": True,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Hafenstraße 40",
            "postcode": "68159",
            "owner_kind": OwnerKind.MUNICIPAL,
            "transfer_rent": True,
            "asking_rent": Decimal("6.00"),
            "transfer_interim": True,
            "suitable_uses": [Use.CULTURE, Use.WORKSHOPS, Use.FOUNDER_HUB, Use.COWORKING],
        },
    },
    {
        "owner": "HOWOGE",
        "stage": 4,
        "history": [(PropertyStatus.VACANT, datetime.date(2023, 9, 1), "")],
        "data": {
            "title": "Gewerbeflächen im Erdgeschoss einer Großsiedlung",
            "town": "Berlin",
            "kind": PropertyKind.EXISTING,
            "building_type": BuildingType.RESIDENTIAL,
            "description": (
                "Zusammenhängende Flächen im Erdgeschoss eines Wohnblocks, früher eine "
                "Bankfiliale und ein Friseur. Barrierefrei, mit Zugang zum Innenhof. Die "
                "Wohnungsgesellschaft wünscht sich einen Treffpunkt für die Nachbarschaft."
            ),
            "usable_area": 300,
            "floors": 1,
            "year_built": 1984,
            "condition": Condition.GOOD,
            "accessible": True,
            "vacancy_degree": VacancyDegree.PARTIAL,
            "street": "Allee der Kosmonauten 120",
            "postcode": "12681",
            "owner_kind": OwnerKind.BUSINESS,
            "transfer_rent": True,
            "asking_rent": Decimal("9.50"),
            "suitable_uses": [Use.MEETING_PLACE, Use.SOCIOCULTURE, Use.CARE, Use.EDUCATION],
        },
    },
    {
        "owner": "degewo AG",
        "stage": 1,
        "sensitive_radius_m": 800,
        "history": [(PropertyStatus.VACANT, datetime.date(2024, 1, 1), "")],
        "data": {
            "title": "Ehemalige Kita im Wohnquartier",
            "town": "Berlin",
            "kind": PropertyKind.VACANT,
            "building_type": BuildingType.PUBLIC,
            "description": (
                "Eingeschossiger Flachbau mit Garten zwischen den Wohnhäusern. Weil das leere "
                "Gebäude schon mehrfach beschädigt wurde, zeigt die Karte nur ungefähr, wo es "
                "liegt. Denkbar sind gemeinschaftliches Wohnen für mehrere Generationen oder "
                "ein Familienzentrum."
            ),
            "usable_area": 520,
            "plot_area": 2600,
            "floors": 1,
            "year_built": 1976,
            "condition": Condition.NEEDS_REPAIR,
            "accessible": True,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Gartenweg 5",
            "postcode": "12627",
            "owner_kind": OwnerKind.BUSINESS,
            "transfer_leasehold": True,
            "leasehold_term_years": 75,
            "leasehold_rate_percent": Decimal("2.00"),
            "transfer_rent": True,
            "asking_rent": Decimal("7.00"),
            "suitable_uses": [
                Use.MULTIGENERATIONAL_HOUSING,
                Use.CARE,
                Use.EDUCATION,
                Use.MEETING_PLACE,
            ],
        },
    },
    {
        "owner": "Stiftung trias",
        "stage": 2,
        "history": [(PropertyStatus.VACANT, datetime.date(2023, 4, 1), "")],
        "data": {
            "title": "Hinterhofwerkstatt im Stuttgarter Westen",
            "town": "Stuttgart",
            "kind": PropertyKind.EXISTING,
            "building_type": BuildingType.COMMERCIAL,
            "description": (
                "Zweigeschossige Werkstatt einer früheren Schreinerei im Hof eines "
                "Wohnblocks, mit Tor zur Straße. Die Stiftung hat das Grundstück erworben, "
                "um es dauerhaft der Spekulation zu entziehen, und gibt es im Erbbaurecht an "
                "eine gemeinwohlorientierte Gruppe."
            ),
            "usable_area": 450,
            "plot_area": 700,
            "floors": 2,
            "year_built": 1931,
            "condition": Condition.NEEDS_REPAIR,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Rotebühlstraße 88",
            "postcode": "70178",
            "owner_kind": OwnerKind.PRIVATE,
            "transfer_leasehold": True,
            "leasehold_term_years": 99,
            "leasehold_rate_percent": Decimal("4.00"),
            "suitable_uses": [Use.WORKSHOPS, Use.MEETING_PLACE, Use.SOCIOCULTURE, Use.CULTURE],
        },
    },
    {
        "owner": "Montag Stiftung Urbane Räume",
        "stage": 1,
        "history": [(PropertyStatus.VACANT, datetime.date(2015, 1, 1), "")],
        "data": {
            "title": "Baulücke in der Nordstadt",
            "town": "Göttingen",
            "kind": PropertyKind.VACANT_LOT,
            "building_type": BuildingType.OTHER,
            "description": (
                "Unbebautes Grundstück zwischen zwei Gründerzeithäusern. Nach dem "
                "Bebauungsplan sind vier Geschosse möglich; die angegebene Nutzfläche ist die "
                "eines solchen Neubaus. Die Stiftung sucht eine Gruppe, die mit ihr baut und "
                "das Erdgeschoss für das Viertel öffnet."
            ),
            "usable_area": 600,
            "plot_area": 380,
            "condition": Condition.SHELL,
            "street": "Weender Landstraße 51",
            "postcode": "37075",
            "owner_kind": OwnerKind.PRIVATE,
            "transfer_leasehold": True,
            "leasehold_term_years": 99,
            "leasehold_rate_percent": Decimal("3.00"),
            "suitable_uses": [
                Use.HOUSING,
                Use.SOCIOCULTURE,
                Use.MEETING_PLACE,
                Use.EDUCATION,
            ],
        },
    },
    {
        "owner": "Montag Stiftung Urbane Räume",
        "stage": 3,
        "history": [(PropertyStatus.VACANT, datetime.date(2024, 10, 1), "")],
        "data": {
            "title": "Ehemaliges Autohaus an der Ausfallstraße",
            "town": "Göttingen",
            "kind": PropertyKind.VACANT,
            "building_type": BuildingType.COMMERCIAL,
            "description": (
                "Verkaufshalle mit Glasfront und angebauter Werkstatt. Bis ein Neubau geplant "
                "ist, steht das Gebäude für mindestens drei Jahre zur Zwischennutzung bereit, "
                "zum Beispiel für Ausstellungen, Proben und Werkstätten."
            ),
            "usable_area": 800,
            "plot_area": 3000,
            "floors": 1,
            "year_built": 1972,
            "condition": Condition.NEEDS_REPAIR,
            "accessible": True,
            "vacancy_degree": VacancyDegree.COMPLETE,
            "street": "Hannoversche Straße 140",
            "postcode": "37077",
            "owner_kind": OwnerKind.PRIVATE,
            "transfer_interim": True,
            "transfer_rent": True,
            "asking_rent": Decimal("3.00"),
            "suitable_uses": [Use.CULTURE, Use.WORKSHOPS, Use.SOCIOCULTURE, Use.COMMERCE],
        },
    },
]

# Each space need: initiative (by name in facts.json), optional network slug for
# network-only visibility, and the fields of the form. A centre is given by town name.
NEEDS: list[dict[str, Any]] = [
    {
        "organisation": "Stadtlücken Stuttgart",
        "data": {
            "title": "Offene Werkstatt und Stadtteilbüro",
            "description": (
                "Wir suchen einen festen Ort in der Stadt, an dem wir bauen, reparieren und "
                "mit Nachbarinnen und Nachbarn Ideen für ungenutzte Flächen entwickeln."
            ),
            "uses": [Use.WORKSHOPS, Use.MEETING_PLACE, Use.SOCIOCULTURE],
            "area_min": 250,
            "area_max": 600,
            "centre_name": "Stuttgart",
            "radius_km": 20,
            "max_rent": Decimal("9.00"),
            "transfer_models": [TransferModel.LEASEHOLD, TransferModel.RENT],
            "time_model": TimeModel.PERMANENT,
            "group_size": 25,
            "legal_form": "eingetragener Verein",
            "self_use_share": 60,
            "renovation_willingness": Condition.NEEDS_RENOVATION,
            "common_good_offer": (
                "Werkstatt und Büro stehen an zwei Tagen in der Woche allen offen: mit "
                "Werkzeugverleih, Reparaturabenden und einer Sprechstunde für Menschen, die "
                "in ihrer Straße etwas verändern wollen."
            ),
        },
    },
    {
        "organisation": "Stadtlücken Stuttgart",
        "data": {
            "title": "Landlabor: Sommerwerkstatt in einer Kleinstadt",
            "description": (
                "Für ein mehrjähriges Austauschprojekt zwischen Großstadt und Land suchen wir "
                "ein Haus in einer Kleinstadt in Brandenburg, das wir gemeinsam mit Menschen "
                "aus dem Ort instand setzen und bespielen."
            ),
            "uses": [Use.WORKSHOPS, Use.MEETING_PLACE, Use.COWORKING],
            "area_min": 400,
            "area_max": 1200,
            "municipalities": ["Angermünde", "Herzberg (Elster)"],
            "radius_km": 10,
            "max_rent": Decimal("5.00"),
            "transfer_models": [
                TransferModel.LEASEHOLD,
                TransferModel.RENT,
                TransferModel.INTERIM,
            ],
            "time_model": TimeModel.FROM_DATE,
            "available_from": datetime.date(2027, 4, 1),
            "group_size": 12,
            "legal_form": "eingetragener Verein",
            "self_use_share": 40,
            "renovation_willingness": Condition.NEEDS_RENOVATION,
            "common_good_offer": (
                "Wir öffnen das Erdgeschoss als Treffpunkt mit Café und Werkbank, laden "
                "Jugendliche zu Bauwochen ein und überlassen die Räume im Winter Vereinen aus "
                "dem Ort."
            ),
        },
    },
    {
        "organisation": "COI Bernburg",
        "data": {
            "title": "Gründungs- und Werkstatthaus in Mitteldeutschland",
            "description": (
                "Junge Handwerksbetriebe, Gründerinnen und eine Fahrradwerkstatt wollen "
                "gemeinsam ein Gewerbegebäude übernehmen und Schritt für Schritt ausbauen."
            ),
            "uses": [Use.WORKSHOPS, Use.FOUNDER_HUB, Use.COWORKING],
            "area_min": 900,
            "area_max": 2500,
            "states": ["Sachsen-Anhalt", "Sachsen"],
            "max_price": Decimal("150000"),
            "max_rent": Decimal("3.50"),
            "transfer_models": [TransferModel.SALE, TransferModel.LEASEHOLD],
            "time_model": TimeModel.PERMANENT,
            "group_size": 18,
            "legal_form": "Genossenschaft in Gründung",
            "self_use_share": 80,
            "renovation_willingness": Condition.SHELL,
            "common_good_offer": (
                "Eine offene Werkstatt für Schulen aus der Umgebung, günstige Mieten für "
                "Gründungen im ersten Jahr und ein monatlicher Markt im Hof."
            ),
        },
    },
    {
        "organisation": "kaz – Göttinger Kommunikations- und Aktionszentrum e.V.",
        "data": {
            "title": "Neues Zuhause für ein Stadtteilzentrum",
            "description": (
                "Unser Verein braucht mehr Platz für Gruppen, Beratung und Veranstaltungen und "
                "möchte ein eigenes Haus bauen oder langfristig übernehmen."
            ),
            "uses": [Use.SOCIOCULTURE, Use.MEETING_PLACE, Use.EDUCATION],
            "area_min": 350,
            "area_max": 800,
            "centre_name": "Göttingen",
            "radius_km": 12,
            "max_rent": Decimal("7.00"),
            "transfer_models": [TransferModel.LEASEHOLD, TransferModel.RENT],
            "time_model": TimeModel.PERMANENT,
            "group_size": 40,
            "legal_form": "eingetragener Verein",
            "self_use_share": 70,
            "renovation_willingness": Condition.SHELL,
            "common_good_offer": (
                "Räume für Selbsthilfegruppen und Initiativen ohne Miete, eine offene "
                "Sozialberatung und ein Saal für Konzerte und Versammlungen im Viertel."
            ),
        },
    },
    {
        "organisation": "schrill Braunschweig",
        "data": {
            "title": "Zwischennutzung für Ausstellungen und Proben",
            "description": (
                "Ein Kollektiv aus Kunst und Musik sucht für zwei bis drei Jahre eine große, "
                "einfache Fläche in der Region."
            ),
            "uses": [Use.CULTURE, Use.WORKSHOPS],
            "area_min": 300,
            "area_max": 900,
            "centre_name": "Braunschweig",
            "radius_km": 110,
            "max_rent": Decimal("4.00"),
            "transfer_models": [TransferModel.INTERIM, TransferModel.RENT],
            "time_model": TimeModel.INTERIM,
            "group_size": 15,
            "legal_form": "Gesellschaft bürgerlichen Rechts",
            "self_use_share": 90,
            "renovation_willingness": Condition.NEEDS_REPAIR,
            "common_good_offer": "Offene Ateliers an jedem ersten Samstag im Monat.",
        },
    },
    {
        "organisation": "Netzwerk Zukunftsorte",
        "network": "starke-orte",
        "data": {
            "title": "Wohnen und Arbeiten für mehrere Generationen im Barnim und in der Uckermark",
            "description": (
                "Eine Gruppe aus Familien, Älteren und Selbstständigen sucht ein größeres "
                "Gebäude auf dem Land, in dem sie wohnen, arbeiten und Gäste empfangen kann."
            ),
            "uses": [Use.MULTIGENERATIONAL_HOUSING, Use.COWORKING, Use.MEETING_PLACE],
            "area_min": 450,
            "area_max": 1200,
            "centre_name": "Prädikow",
            "radius_km": 70,
            "max_price": Decimal("250000"),
            "max_rent": Decimal("7.50"),
            "transfer_models": [TransferModel.SALE, TransferModel.LEASEHOLD],
            "time_model": TimeModel.PERMANENT,
            "group_size": 22,
            "legal_form": "GmbH im Mietshäuser Syndikat",
            "self_use_share": 75,
            "renovation_willingness": Condition.NEEDS_RENOVATION,
            "visibility": Visibility.NETWORK,
            "common_good_offer": (
                "Ein Gemeinschaftsraum für das Dorf, Coworking-Plätze zum Selbstkostenpreis "
                "und Begleitung für andere Gruppen, die auf dem Land ein Haus übernehmen "
                "wollen."
            ),
        },
    },
    {
        "organisation": "STADT ALS CAMPUS – Netzwerk für aktivierende Stadtentwicklung",
        "data": {
            "title": "Lernort in der Großsiedlung",
            "description": (
                "Studierende, Bewohnerinnen und Bewohner wollen gemeinsam einen Raum betreiben, "
                "in dem Nachhilfe, Sprachcafé und Projektwochen stattfinden."
            ),
            "uses": [Use.EDUCATION, Use.MEETING_PLACE],
            "area_min": 150,
            "area_max": 400,
            "centre_name": "Berlin",
            "radius_km": 25,
            "max_rent": Decimal("10.00"),
            "transfer_models": [TransferModel.RENT],
            "time_model": TimeModel.PERMANENT,
            "group_size": 30,
            "legal_form": "eingetragener Verein",
            "self_use_share": 50,
            "accessibility_required": True,
            "renovation_willingness": Condition.NEEDS_REPAIR,
            "common_good_offer": (
                "Kostenlose Lernhilfe für Kinder aus der Siedlung, ein Sprachcafé und Räume "
                "für die Mieterinitiative."
            ),
        },
    },
]


def _town(facts: dict[str, Any], name: str) -> tuple[str, float, float]:
    """State and coordinates of a town: the places list first, then facts.json."""
    place = place_find(name)
    if place is not None:
        return place.state, place.lat, place.lon
    for entry in facts["places"]:
        if entry["name"] == name:
            return entry["state"], entry["lat"], entry["lon"]
    raise LookupError(f"Demo town {name!r} is neither in the places list nor in facts.json.")


def _jitter(key: str) -> tuple[float, float]:
    """A stable shift in [-JITTER_DEGREES, JITTER_DEGREES]² derived from ``key``."""
    digest = hashlib.sha256(key.encode()).digest()
    dlat = int.from_bytes(digest[:4]) / 0xFFFFFFFF * 2 - 1
    dlon = int.from_bytes(digest[4:8]) / 0xFFFFFFFF * 2 - 1
    return round(dlat * JITTER_DEGREES, 5), round(dlon * JITTER_DEGREES, 5)


def _changed(instance: Any, data: dict[str, Any]) -> bool:
    return any(getattr(instance, key) != value for key, value in data.items())


def _property(facts: dict[str, Any], entry: dict[str, Any], admin: User) -> Property:
    owner = Organisation.objects.get(name=entry["owner"])
    data = dict(entry["data"])
    town = data.pop("town")
    state, lat, lon = _town(facts, town)
    dlat, dlon = _jitter(f"{owner.name}/{data['title']}")
    data.update(
        city=town,
        state=state,
        lat=round(lat + dlat, 5),
        lon=round(lon + dlon, 5),
        is_sensitive="sensitive_radius_m" in entry,
        privacy_radius_m=entry.get("sensitive_radius_m", 500),
        vacant_since=entry["history"][0][1],
        is_published=True,
    )
    prop = Property.objects.filter(title=data["title"], owner_organisation=owner).first()
    if prop is None:
        prop = property_services.property_create(organisation=owner, actor=admin, data=data)
    elif _changed(prop, data):
        prop = property_services.property_update(property=prop, actor=admin, data=data)
    if prop.pipeline_stage != entry["stage"]:
        property_services.property_pipeline_move(property=prop, stage=entry["stage"], actor=admin)
    if not prop.status_changes.exists():
        for status, since, note in entry["history"]:
            property_services.property_status_change(
                property=prop, status=status, actor=admin, valid_from=since, note=note
            )
    return prop


def _need(facts: dict[str, Any], entry: dict[str, Any], admin: User) -> SpaceNeed:
    organisation = Organisation.objects.get(name=entry["organisation"])
    data = dict(entry["data"])
    if data.get("centre_name"):
        _state, lat, lon = _town(facts, data["centre_name"])
        data.update(centre_lat=lat, centre_lon=lon)
    if "network" in entry:
        data["network"] = Network.objects.get(slug=entry["network"])
    need = SpaceNeed.objects.filter(title=data["title"], organisation=organisation).first()
    if need is None:
        return need_services.space_need_create(organisation=organisation, actor=admin, data=data)
    if _changed(need, data):
        return need_services.space_need_update(need=need, actor=admin, data=data)
    return need


def demo_matching_load(facts: dict[str, Any] | None = None) -> dict[str, int]:
    """Create or refresh the demo properties and space needs, then recompute every stored
    recommendation. Needs the organisations and the admin login of ``networks.demo.demo_load``.
    Returns the number of demo properties, demo space needs and stored recommendations."""
    facts = facts if facts is not None else load_facts()
    admin = User.objects.get(email=ADMIN_EMAIL)
    # One rebuild at the end instead of a background task per save.
    with transaction.atomic(), recommendations_deferred():
        properties = [_property(facts, entry, admin) for entry in PROPERTIES]
        needs = [_need(facts, entry, admin) for entry in NEEDS]
        recommendations_rebuild()
    return {
        "properties": len(properties),
        "needs": len(needs),
        "recommendations": Recommendation.objects.count(),
    }
