"""What synthetic rows are made of: distributions and German words and phrases.

These are data, like the demo data, not user-interface text: they are stored in German and not
translated.
"""

from allmende.core.choices import Condition, Use
from allmende.networks.models import OrganisationKind
from allmende.properties.models import BuildingType, OwnerKind, PropertyKind

PROPERTY_KINDS = [
    (PropertyKind.VACANT, 0.55),
    (PropertyKind.EXISTING, 0.20),
    (PropertyKind.BROWNFIELD, 0.15),
    (PropertyKind.VACANT_LOT, 0.10),
]
BUILDING_TYPES = list(BuildingType)
# Building type given the kind, in the order of BUILDING_TYPES; vacant lots have none.
BUILDING_TYPE_WEIGHTS = {
    PropertyKind.VACANT: [0.30, 0.30, 0.08, 0.10, 0.12, 0.05, 0.05],
    PropertyKind.EXISTING: [0.40, 0.25, 0.05, 0.10, 0.10, 0.05, 0.05],
    PropertyKind.BROWNFIELD: [0.00, 0.15, 0.55, 0.05, 0.05, 0.15, 0.05],
    PropertyKind.VACANT_LOT: [1.0, 0, 0, 0, 0, 0, 0],  # ignored: lots get no building type
}
TITLE_NOUNS = {
    BuildingType.RESIDENTIAL: [
        "Mehrfamilienhaus",
        "Wohnhaus",
        "Stadtvilla",
        "Wohn- und Geschäftshaus",
    ],
    BuildingType.COMMERCIAL: ["Ladenlokal", "Bürogebäude", "Kaufhaus", "Gaststätte", "Hotel"],
    BuildingType.INDUSTRIAL: ["Fabrikhalle", "Werkstattgebäude", "Lagerhalle", "Alte Brauerei"],
    BuildingType.HISTORICAL: ["Fachwerkhaus", "Gutshaus", "Alte Mühle", "Herrenhaus"],
    BuildingType.PUBLIC: ["Ehemalige Schule", "Altes Rathaus", "Ehemaliges Postamt", "Bahnhof"],
    BuildingType.AGRICULTURAL: ["Vierseithof", "Scheune", "Bauernhof", "Alte Gärtnerei"],
    BuildingType.OTHER: ["Ehemaliges Kino", "Kirche", "Ehemaliges Schwimmbad", "Kulturhaus"],
}
LOT_NOUNS = ["Baulücke", "Unbebautes Grundstück", "Freie Fläche"]
STREETS = [
    "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße",
    "Kirchstraße", "Lindenstraße", "Waldstraße", "Ringstraße", "Mühlenweg", "Marktplatz",
    "Poststraße", "Friedhofstraße", "Am Anger", "Wiesenweg", "Rosenstraße", "Brunnenstraße",
    "Mittelstraße", "Feldstraße", "Industriestraße", "Goethestraße", "Schillerstraße",
    "Jahnstraße", "Am Hafen",
]  # fmt: skip
# (first year, last year, name, weight)
EPOCHS = [
    (1600, 1869, "vor der Gründerzeit", 0.08),
    (1870, 1918, "Gründerzeit", 0.22),
    (1919, 1945, "Zwischenkriegszeit", 0.15),
    (1946, 1975, "Nachkriegsmoderne", 0.33),
    (1976, 1999, "Spätmoderne", 0.15),
    (2000, 2020, "nach 2000", 0.07),
]
CONDITIONS = [
    (Condition.GOOD, 0.15),
    (Condition.NEEDS_REPAIR, 0.40),
    (Condition.NEEDS_RENOVATION, 0.30),
    (Condition.SHELL, 0.15),
]
FLOORS = [(1, 0.20), (2, 0.30), (3, 0.25), (4, 0.13), (5, 0.08), (6, 0.04)]
USES = list(Use)
# Probability that a property of a building type (last row: vacant lots) suits each use, in
# the order of USES: multigenerational housing, meeting place, socioculture, coworking,
# workshops, founder hub, housing, commerce, culture, education, care, other.
USE_PROBABILITIES = {
    BuildingType.RESIDENTIAL: [0.5, 0.2, 0.1, 0.15, 0.05, 0.05, 0.8, 0.1, 0.1, 0.1, 0.3, 0.05],
    BuildingType.COMMERCIAL: [0.1, 0.4, 0.3, 0.5, 0.2, 0.4, 0.2, 0.6, 0.3, 0.2, 0.1, 0.05],
    BuildingType.INDUSTRIAL: [0.05, 0.2, 0.4, 0.3, 0.7, 0.4, 0.1, 0.2, 0.5, 0.1, 0.0, 0.1],
    BuildingType.HISTORICAL: [0.3, 0.4, 0.4, 0.2, 0.2, 0.1, 0.4, 0.1, 0.5, 0.2, 0.1, 0.05],
    BuildingType.PUBLIC: [0.3, 0.5, 0.5, 0.3, 0.3, 0.3, 0.2, 0.05, 0.4, 0.5, 0.3, 0.05],
    BuildingType.AGRICULTURAL: [0.3, 0.2, 0.2, 0.05, 0.4, 0.05, 0.3, 0.05, 0.2, 0.2, 0.1, 0.2],
    BuildingType.OTHER: [0.1, 0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1, 0.6, 0.3, 0.1, 0.2],
    "": [0.4, 0.1, 0.1, 0.05, 0.2, 0.1, 0.6, 0.2, 0.1, 0.1, 0.1, 0.2],
}
# Uses an initiative looks for (its first use is the main one), same order as USES.
NEED_USE_WEIGHTS = [0.12, 0.12, 0.14, 0.08, 0.10, 0.05, 0.12, 0.03, 0.10, 0.07, 0.05, 0.02]
NEED_TITLES = {
    Use.MULTIGENERATIONAL_HOUSING: "Haus für Mehrgenerationenwohnen",
    Use.MEETING_PLACE: "Räume für einen Nachbarschaftstreff",
    Use.SOCIOCULTURE: "Ort für ein soziokulturelles Zentrum",
    Use.COWORKING: "Fläche für einen Coworking-Space",
    Use.WORKSHOPS: "Halle für offene Werkstätten",
    Use.FOUNDER_HUB: "Räume für einen Gründer-Hub",
    Use.HOUSING: "Gebäude für ein gemeinschaftliches Wohnprojekt",
    Use.COMMERCE: "Ladenfläche für einen Gemeinschaftsladen",
    Use.CULTURE: "Räume für Kunst und Kultur",
    Use.EDUCATION: "Räume für Bildungsarbeit",
    Use.CARE: "Räume für ein Pflege- und Sorgeprojekt",
    Use.OTHER: "Räume für ein gemeinwohlorientiertes Projekt",
}
COMMON_GOOD_OFFERS = [
    "Offenes Café für die Nachbarschaft an zwei Tagen pro Woche.",
    "Kostenlose Raumnutzung für Vereine aus dem Viertel.",
    "Repair-Café einmal im Monat.",
    "Hausaufgabenhilfe für Kinder aus der Nachbarschaft.",
    "Kulturprogramm mit Lesungen, Konzerten und Ausstellungen.",
    "Gemeinschaftsgarten, offen für alle.",
    "Beratung für Menschen, die ein Wohnprojekt gründen wollen.",
    "Bezahlbare Ateliers für junge Künstlerinnen und Künstler.",
    "Mittagstisch für ältere Menschen.",
    "Offene Werkstatt mit Kursen zu Holz- und Metallarbeit.",
    "Sprachcafé für Zugezogene.",
    "Räume für Selbsthilfegruppen.",
    "Tauschbörse und Leihladen für Werkzeuge.",
    "Proberäume für Bands aus der Region.",
    "Bildungsangebote zu Klimaschutz und Energie.",
    "Treffpunkt für Jugendliche mit betreuten Öffnungszeiten.",
    "Erhalt und Öffnung eines ortsbildprägenden Gebäudes.",
    "Günstige Gewerbeflächen für Gründerinnen und Gründer aus dem Ort.",
]
INITIATIVE_PREFIXES = [
    "Nachbarschaftsverein", "Kulturkollektiv", "Wohnprojekt", "Genossenschaft Gemeinsam",
    "Bürgerinitiative", "Offene Werkstatt", "Kunstverein", "Mehrgenerationen-Initiative",
    "Jugendinitiative", "Soziokultur", "Dorfladen-Initiative", "Zukunftswerkstatt",
]  # fmt: skip
LEGAL_FORMS = ["eingetragener Verein", "Genossenschaft", "gGmbH", "GbR", "Stiftung"]
SURNAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Koch"]
# (organisation kind, property owner kind, weight, name pattern)
OWNER_KINDS = [
    (OrganisationKind.MUNICIPALITY, OwnerKind.MUNICIPAL, 0.40, "Liegenschaftsamt {city}"),
    (OrganisationKind.HOUSING_COMPANY, OwnerKind.BUSINESS, 0.20, "Wohnungsbau {city}"),
    (OrganisationKind.COMPANY, OwnerKind.BUSINESS, 0.25, "{surname} Immobilien {city}"),
    (OrganisationKind.PUBLIC_AUTHORITY, OwnerKind.PUBLIC, 0.10, "Landesliegenschaften {state}"),
    (OrganisationKind.FOUNDATION, OwnerKind.PRIVATE, 0.05, "Stiftung {surname}"),
]
# Share of properties owned by private persons, without an owner organisation.
PRIVATE_OWNER_SHARE = 0.35
SYNTHETIC_NOTE = "Synthetische Testdaten (allmende generate, Seed {seed})."
SYNTHETIC_SUFFIX = " (synthetisch)"
