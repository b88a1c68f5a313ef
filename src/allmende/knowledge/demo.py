"""Demo content of the knowledge platform: a toolbox with the code prefixes and the entry W 007
of ``shared/seed-data/facts.json`` (``toolbox_entry_example``) plus further tools, facet
vocabularies, topics, articles for both audiences, example places on real towns, impact
criteria, a publication with a PDF rendered at load time, a signed position and news.

All texts are written for Allmende. Loading is idempotent: every object is found by a natural
key (slug, toolbox + code, name) and updated, never duplicated. Needs the networks and
organisations of ``networks.demo.demo_load``. The search index is rebuilt at the end.
"""

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from allmende.accounts.models import User
from allmende.knowledge.models import (
    Article,
    Audience,
    CodePrefix,
    ExamplePlace,
    Facet,
    FacetTerm,
    ImpactCriterion,
    LinkKind,
    News,
    Phase,
    Position,
    PositionKind,
    PositionSignature,
    Publication,
    PublicationKind,
    StepPhase,
    Tool,
    Toolbox,
    ToolExample,
    ToolLink,
    ToolStep,
    Topic,
    tool_code,
)
from allmende.networks.demo import DEMO_PASSWORD, load_facts
from allmende.networks.models import Network, Organisation, OrganisationRole, OrganisationRoleKind
from allmende.search.services import search_rebuild

TOOLBOX_SLUG = "werkzeugkasten-multilokales-leben"
TOOLBOX_NETWORK = "starke-orte"

# The facet names of facts.json (German, as printed in the toolbox) → the model's facets.
FACET_NAMES: dict[str, Facet] = {
    "Strategie": Facet.STRATEGY,
    "Zielgruppe": Facet.TARGET_GROUP,
    "Räumliche Ebene": Facet.SPATIAL_LEVEL,
    "Projektart": Facet.PROJECT_TYPE,
    "Handlungsfeld": Facet.FIELD,
    "Projektträger": Facet.CARRIER,
    "Projektpartner": Facet.PARTNER,
}

# Terms added to the vocabulary of W 007's facets, so that the further tools have a choice.
EXTRA_TERMS: dict[Facet, list[str]] = {
    Facet.STRATEGY: [
        "Leerstand aktivieren",
        "Ortskerne stärken",
        "Engagement vor Ort fördern",
    ],
    Facet.TARGET_GROUP: ["Pendler*innen", "Rückkehrer*innen", "Familien", "Ältere Menschen"],
    Facet.SPATIAL_LEVEL: ["kommunal", "Ortsteil", "Quartier"],
    Facet.PROJECT_TYPE: ["investiv", "kommunikativ", "beratend"],
    Facet.FIELD: ["Arbeiten", "Mobilität", "Kultur und Freizeit", "Daseinsvorsorge"],
    Facet.CARRIER: ["Vereine und Initiativen", "Unternehmen", "Wohnungsunternehmen"],
    Facet.PARTNER: ["Zivilgesellschaft", "Kammern und Verbände", "Hochschulen", "Kommunen"],
}

TOPICS = [
    "Beteiligung",
    "Erbbaurecht",
    "Finanzierung",
    "Gemeinschaftliches Wohnen",
    "Konzeptvergabe",
    "Leerstand",
    "Rechtsform",
    "Zwischennutzung",
]

IMPACT_CRITERIA = [
    ("Gemeinwohl vor Rendite", "Überschüsse bleiben im Projekt oder fließen in den Ort."),
    ("Offen für die Nachbarschaft", "Räume und Angebote stehen allen Menschen im Ort offen."),
    ("Bezahlbare Räume", "Mieten und Nutzungsentgelte liegen unter dem örtlichen Markt."),
    ("Selbstverwaltung", "Die Nutzerinnen und Nutzer entscheiden gemeinsam über das Haus."),
    ("Ressourcenschonend umgebaut", "Bestand erhalten, Baustoffe wiederverwendet."),
    ("Dauerhaft gesichert", "Erbbaurecht, Stiftung oder Genossenschaft schützen vor Verkauf."),
]


@dataclass(frozen=True)
class DemoTool:
    prefix: str
    number: int
    title: str
    slogan: str
    summary: str
    steps: dict[StepPhase, list[str]]
    effects: str
    terms: dict[Facet, list[str]]
    links: list[tuple[str, LinkKind]] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)


def _w007(facts: dict[str, Any]) -> DemoTool:
    """W 007 as facts.json describes it; the steps and the summary in our own German words."""
    entry = facts["toolbox_entry_example"]
    prefix, number = entry["code"].split(" ")
    return DemoTool(
        prefix=prefix,
        number=int(number),
        title=entry["title"],
        slogan="Wohnen endet nicht an der Gemeindegrenze",
        summary=(
            "Der Landkreis bittet seine Städte und Gemeinden und die Wohnungswirtschaft an einen "
            "Tisch und gründet mit ihnen ein regionales Bündnis für Wohnen. Die Partner stimmen "
            "das Angebot an Wohnungen untereinander ab und stoßen konkrete Vorhaben an – zum "
            "Beispiel kleinere Wohnungen für Neuzugezogene und für ältere Menschen, die allein "
            "leben."
        ),
        steps={
            StepPhase.BEFORE: ["Den Wohnraumbedarf in der Region erheben (vgl. W 002)."],
            StepPhase.DURING: [
                "Der Landkreis lädt alle Interessierten zu einer ersten Informationsrunde ein.",
                "Die Partner verständigen sich auf Ziele, Aufgaben und Rollen im Bündnis.",
                "Wer mag, schreibt gemeinsam ein Leitbild für das Wohnen in der Region.",
            ],
        },
        effects=(
            "Kommunen planen Wohnungsbau nicht mehr gegeneinander, sondern ergänzen sich. "
            "Zuziehende und Menschen mit zwei Wohnorten finden leichter passende Wohnungen."
        ),
        terms={FACET_NAMES[name]: list(terms) for name, terms in entry["facets"].items()},
        links=[(code, LinkKind.RELATED) for code in entry["related"]],
        examples=[
            (
                "Wohnraumrunde im Landkreis",
                "Zweimal im Jahr treffen sich Bauämter, Genossenschaften und private "
                "Vermieterinnen, um Bauvorhaben und Leerstände abzugleichen.",
            )
        ],
    )


FURTHER_TOOLS = [
    DemoTool(
        prefix="W",
        number=2,
        title="Wohnraumbedarf ermitteln: Wer sucht welche Wohnung?",
        slogan="Erst zählen, dann bauen",
        summary=(
            "Eine Bedarfsanalyse zeigt, welche Wohnungen in der Region fehlen und wer sie sucht: "
            "Familien, Alleinlebende, Menschen mit zwei Wohnsitzen, Rückkehrerinnen und "
            "Rückkehrer. Sie verbindet Statistik mit Gesprächen vor Ort."
        ),
        steps={
            StepPhase.BEFORE: [
                "Vorhandene Daten zu Bevölkerung, Leerstand und Wohnungsbestand sammeln.",
                "Fragen festlegen, die die Analyse beantworten soll.",
            ],
            StepPhase.DURING: [
                "Umfrage unter Haushalten, Arbeitgebern und Maklerbüros durchführen.",
                "Ergebnisse in einer Werkstatt mit Kommunen und Wohnungswirtschaft besprechen.",
            ],
            StepPhase.AFTER: ["Die Analyse alle drei bis fünf Jahre fortschreiben."],
        },
        effects="Entscheidungen über Wohnungsbau beruhen auf belastbaren Zahlen.",
        terms={
            Facet.STRATEGY: ["Attraktive Lebensbedingungen für Multilokale schaffen"],
            Facet.TARGET_GROUP: ["Incomings", "Familien", "Ältere Menschen"],
            Facet.SPATIAL_LEVEL: ["regional", "kommunal"],
            Facet.PROJECT_TYPE: ["analytisch"],
            Facet.FIELD: ["Wohnen"],
            Facet.CARRIER: ["Landkreis", "Kommunen"],
            Facet.PARTNER: ["Wohnungswirtschaft", "Hochschulen"],
        },
    ),
    DemoTool(
        prefix="W",
        number=4,
        title="Probewohnen: das Landleben auf Zeit ausprobieren",
        slogan="Erst wohnen, dann entscheiden",
        summary=(
            "Eine Gemeinde richtet möblierte Wohnungen ein, in denen Interessierte einige Wochen "
            "lang leben und arbeiten können. So lernen sie Ort, Nachbarschaft und Angebote "
            "kennen, bevor sie umziehen. Die Wohnungen können aus dem Bündnis für Wohnen "
            "hervorgehen (vgl. W 007)."
        ),
        steps={
            StepPhase.BEFORE: ["Geeignete leerstehende Wohnungen finden und herrichten."],
            StepPhase.DURING: [
                "Das Angebot in Städten der Umgebung und online bekannt machen.",
                "Gäste mit Patinnen und Paten aus dem Ort zusammenbringen.",
            ],
            StepPhase.AFTER: ["Nachfragen, wer geblieben ist und warum."],
        },
        effects="Zuzug wird wahrscheinlicher, weil Vorbehalte im Alltag geprüft werden können.",
        terms={
            Facet.STRATEGY: ["Multilokale sesshaft machen", "Leerstand aktivieren"],
            Facet.TARGET_GROUP: ["Incomings", "Rückkehrer*innen", "Familien"],
            Facet.SPATIAL_LEVEL: ["kommunal", "Ortsteil"],
            Facet.PROJECT_TYPE: ["investiv", "kommunikativ"],
            Facet.FIELD: ["Wohnen"],
            Facet.CARRIER: ["Kommunen", "Vereine und Initiativen"],
            Facet.PARTNER: ["Vermieter*innen", "Zivilgesellschaft"],
        },
        links=[("W 007", LinkKind.PREREQUISITE)],
    ),
    DemoTool(
        prefix="X",
        number=1,
        title="Leerstandskataster: wissen, was leer steht",
        slogan="Ohne Überblick keine Strategie",
        summary=(
            "Die Kommune erfasst leerstehende und bald frei werdende Gebäude in einer laufend "
            "gepflegten Übersicht – mit Zustand, Eigentumsverhältnissen und Ansprechpersonen. "
            "Das Kataster ist die Grundlage für Bedarfsanalysen (vgl. W 002) und für Gespräche "
            "mit Eigentümerinnen und Eigentümern."
        ),
        steps={
            StepPhase.BEFORE: ["Klären, welche Daten erhoben und wie sie geschützt werden."],
            StepPhase.DURING: [
                "Ortsbegehungen mit Ortsvorsteherinnen und Ortsvorstehern machen.",
                "Eigentümerinnen und Eigentümer anschreiben und ihre Pläne erfragen.",
            ],
            StepPhase.AFTER: ["Das Kataster jährlich aktualisieren."],
        },
        effects="Leerstand wird früh sichtbar, und Nachnutzungen lassen sich gezielt anbahnen.",
        terms={
            Facet.STRATEGY: ["Leerstand aktivieren", "Ortskerne stärken"],
            Facet.TARGET_GROUP: ["Incomings", "Outgoings"],
            Facet.SPATIAL_LEVEL: ["kommunal", "Ortsteil"],
            Facet.PROJECT_TYPE: ["analytisch", "organisatorisch"],
            Facet.FIELD: ["Wohnen", "Daseinsvorsorge"],
            Facet.CARRIER: ["Kommunen"],
            Facet.PARTNER: ["Grundstücks- und Gebäudeeigentümer*innen"],
        },
        links=[("W 002", LinkKind.FOLLOW_UP)],
    ),
    DemoTool(
        prefix="X",
        number=3,
        title="Ankommenslotsin: eine Ansprechperson für Neue",
        slogan="Ein Gesicht für alle Fragen",
        summary=(
            "Eine Person in der Verwaltung oder bei einem Verein ist erste Anlaufstelle für "
            "Menschen, die zuziehen oder nur zeitweise im Ort leben. Sie vermittelt Wohnungen, "
            "Kita-Plätze, Vereine und Kontakte und kennt die Angebote aus dem Probewohnen "
            "(vgl. W 004)."
        ),
        steps={
            StepPhase.BEFORE: ["Aufgaben beschreiben und die Finanzierung der Stelle klären."],
            StepPhase.DURING: [
                "Sprechzeiten im Ort und ein Willkommenspaket anbieten.",
                "Ein Netz aus Vereinen, Betrieben und Nachbarschaft knüpfen.",
            ],
        },
        effects="Neue finden schneller Anschluss und bleiben eher.",
        terms={
            Facet.STRATEGY: ["Multilokale sesshaft machen"],
            Facet.TARGET_GROUP: ["Incomings", "Pendler*innen"],
            Facet.SPATIAL_LEVEL: ["kommunal"],
            Facet.PROJECT_TYPE: ["beratend", "vernetzend"],
            Facet.FIELD: ["Wohnen", "Arbeiten"],
            Facet.CARRIER: ["Kommunen", "Vereine und Initiativen"],
            Facet.PARTNER: ["Zivilgesellschaft", "Kammern und Verbände"],
        },
        links=[("W 004", LinkKind.RELATED)],
    ),
    DemoTool(
        prefix="BE",
        number=1,
        title="Dorfgespräch: gemeinsam über leere Häuser reden",
        slogan="Wer mitredet, packt auch mit an",
        summary=(
            "In offenen Abendrunden sprechen Einwohnerinnen und Einwohner über leerstehende "
            "Gebäude in ihrem Ort, sammeln Ideen und finden Menschen, die sich kümmern wollen. "
            "Die Ergebnisse fließen in das regionale Bündnis ein (vgl. W 007)."
        ),
        steps={
            StepPhase.BEFORE: ["Einen gut erreichbaren, barrierefreien Treffpunkt wählen."],
            StepPhase.DURING: [
                "Gebäude gemeinsam begehen und Fotos und Geschichten sammeln.",
                "Ideen an Stellwänden festhalten und nach Unterstützung fragen.",
            ],
            StepPhase.AFTER: ["Ergebnisse im Gemeindeblatt und online veröffentlichen."],
        },
        effects="Aus Klagen über Leerstand werden Vorschläge und erste Gruppen.",
        terms={
            Facet.STRATEGY: ["Engagement vor Ort fördern", "Leerstand aktivieren"],
            Facet.TARGET_GROUP: ["Outgoings", "Ältere Menschen", "Familien"],
            Facet.SPATIAL_LEVEL: ["Ortsteil", "Quartier"],
            Facet.PROJECT_TYPE: ["kommunikativ"],
            Facet.FIELD: ["Kultur und Freizeit", "Wohnen"],
            Facet.CARRIER: ["Vereine und Initiativen", "Kommunen"],
            Facet.PARTNER: ["Zivilgesellschaft"],
        },
        links=[("W 007", LinkKind.FOLLOW_UP)],
    ),
    DemoTool(
        prefix="BE",
        number=2,
        title="Zwischennutzung durch Vereine: Räume auf Probe",
        slogan="Licht an im leeren Laden",
        summary=(
            "Eigentümerinnen überlassen Vereinen und Initiativen leere Erdgeschosse für einige "
            "Monate gegen die Nebenkosten. Die Nutzung zeigt, was im Haus möglich ist, und "
            "bringt Leben in den Ortskern."
        ),
        steps={
            StepPhase.BEFORE: ["Einen Mustervertrag für Zwischennutzungen bereitstellen."],
            StepPhase.DURING: [
                "Räume und Gruppen über eine Börse zusammenbringen.",
                "Versicherung und Brandschutz gemeinsam klären.",
            ],
            StepPhase.AFTER: ["Mit den Beteiligten über eine dauerhafte Nutzung sprechen."],
        },
        effects="Leerstand wird sichtbar genutzt, und aus Zwischennutzungen entstehen Projekte.",
        terms={
            Facet.STRATEGY: ["Leerstand aktivieren", "Ortskerne stärken"],
            Facet.TARGET_GROUP: ["Outgoings", "Familien"],
            Facet.SPATIAL_LEVEL: ["Ortsteil", "Quartier"],
            Facet.PROJECT_TYPE: ["organisatorisch"],
            Facet.FIELD: ["Kultur und Freizeit"],
            Facet.CARRIER: ["Vereine und Initiativen"],
            Facet.PARTNER: ["Grundstücks- und Gebäudeeigentümer*innen", "Zivilgesellschaft"],
        },
        links=[("X 001", LinkKind.PREREQUISITE)],
    ),
    DemoTool(
        prefix="U",
        number=1,
        title="Gemeinschaftsbüro im Ortskern",
        slogan="Arbeiten, wo man wohnt",
        summary=(
            "Ein leerstehendes Ladenlokal wird zum Gemeinschaftsbüro mit schnellem Internet, "
            "Besprechungsraum und Kaffeeküche. Wer sonst täglich pendelt, arbeitet an einigen "
            "Tagen im Ort. Gute Partner sind die Betriebe aus dem Bündnis für Wohnen (vgl. W 007)."
        ),
        steps={
            StepPhase.BEFORE: ["Bedarf bei Pendlerinnen, Pendlern und Betrieben erfragen."],
            StepPhase.DURING: [
                "Räume herrichten und ein einfaches Buchungssystem einrichten.",
                "Einen Trägerverein oder eine kleine Genossenschaft gründen.",
            ],
            StepPhase.AFTER: ["Auslastung auswerten und Angebote anpassen."],
        },
        effects="Weniger Pendelverkehr, mehr Leben im Ortskern tagsüber.",
        terms={
            Facet.STRATEGY: ["Attraktive Lebensbedingungen für Multilokale schaffen"],
            Facet.TARGET_GROUP: ["Pendler*innen", "Incomings"],
            Facet.SPATIAL_LEVEL: ["kommunal"],
            Facet.PROJECT_TYPE: ["investiv", "vernetzend"],
            Facet.FIELD: ["Arbeiten"],
            Facet.CARRIER: ["Unternehmen", "Vereine und Initiativen"],
            Facet.PARTNER: ["Kammern und Verbände", "Kommunen"],
        },
        links=[("W 007", LinkKind.RELATED)],
    ),
]


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    network: str
    title: str
    key_points: tuple[str, str, str]
    body: str
    audience: Audience
    phase: Phase
    topics: list[str]
    author: str
    published: datetime.date
    tools: list[str] = field(default_factory=list)


ARTICLES = [
    DemoArticle(
        slug="gruppe-finden-haus-finden",
        network="immovielien",
        title="Erst die Gruppe, dann das Haus: wie Projekte anfangen",
        key_points=(
            "Eine klare gemeinsame Idee trägt weiter als ein schnell gefundenes Gebäude.",
            "Leerstand lässt sich über Kommune, Nachbarschaft und Kataster aufspüren.",
            "Früh über Geld und Zeit reden erspart später Streit.",
        ),
        body=(
            "Viele Gruppen verlieben sich zuerst in ein Haus. Besser ist es, vorher zu wissen, "
            "**wer** zusammen **was** vorhat.\n\n"
            "## Die Idee schärfen\n\n"
            "Schreibt in wenigen Sätzen auf, wofür euer Projekt steht: Wohnen für mehrere "
            "Generationen, Werkstätten, ein Treffpunkt für den Ort? Diese Beschreibung hilft "
            "bei jedem Gespräch mit Eigentümern und Verwaltung.\n\n"
            "## Gebäude suchen\n\n"
            "- Fragt bei der Gemeinde nach einem Leerstandskataster.\n"
            "- Sprecht mit Menschen im Ort: Sie wissen, welches Haus seit Jahren leer steht.\n"
            "- Schaut auf Plattformen wie dieser nach freien Objekten.\n\n"
            "## Realistisch planen\n\n"
            "Vom ersten Treffen bis zum Einzug vergehen oft drei bis fünf Jahre. Plant Zeit "
            "und Kraft dafür ein – und feiert die kleinen Schritte."
        ),
        audience=Audience.INITIATIVES,
        phase=Phase.SEARCH,
        topics=["Gemeinschaftliches Wohnen", "Leerstand"],
        author="wohnbund e.V.",
        published=datetime.date(2025, 3, 12),
        tools=["X 001"],
    ),
    DemoArticle(
        slug="rechtsform-waehlen",
        network="immovielien",
        title="Verein, Genossenschaft oder GmbH? Die passende Rechtsform wählen",
        key_points=(
            "Die Rechtsform folgt dem Ziel des Projekts, nicht umgekehrt.",
            "Genossenschaften verbinden Mitbestimmung mit solider Prüfung.",
            "Mehrere Rechtsformen lassen sich kombinieren, etwa Verein und GmbH.",
        ),
        body=(
            "Wer ein Haus gemeinsam kaufen oder pachten will, braucht eine Rechtsform, die "
            "Verträge schließen und Kredite aufnehmen kann.\n\n"
            "## Eingetragener Verein\n\n"
            "Schnell gegründet und gut für gemeinnützige Zwecke. Für große Immobilienkredite ist "
            "er allein oft zu schwach.\n\n"
            "## Genossenschaft\n\n"
            "Jedes Mitglied hat eine Stimme, egal wie viele Anteile es hält. Der Prüfverband "
            "schaut regelmäßig auf die Zahlen – das schafft Vertrauen bei Banken.\n\n"
            "## GmbH im Verbund\n\n"
            "Eine Haus-GmbH, an der ein Hausverein und eine Dachorganisation beteiligt sind, "
            "schützt das Gebäude dauerhaft vor dem Weiterverkauf.\n\n"
            "Lasst euch beraten, bevor ihr gründet: Ein Wechsel der Rechtsform kostet später "
            "viel Geld."
        ),
        audience=Audience.INITIATIVES,
        phase=Phase.FOUND,
        topics=["Rechtsform", "Finanzierung"],
        author="Stiftung trias",
        published=datetime.date(2025, 5, 7),
    ),
    DemoArticle(
        slug="direktkredite",
        network="immovielien",
        title="Direktkredite: wenn viele Menschen ein Haus mitfinanzieren",
        key_points=(
            "Direktkredite ersetzen fehlendes Eigenkapital gegenüber der Bank.",
            "Das Vermögensanlagengesetz setzt Grenzen, die man kennen muss.",
            "Eine gute Übersicht der Kredite ist Pflicht, nicht Kür.",
        ),
        body=(
            "Banken verlangen für einen Hauskauf meist 20 bis 30 Prozent Eigenkapital. Viele "
            "Projekte sammeln diesen Anteil über **Direktkredite** von Freundinnen, Nachbarn "
            "und Unterstützern.\n\n"
            "## So funktioniert es\n\n"
            "1. Die Projektgesellschaft schließt mit jeder Person einen Kreditvertrag.\n"
            "2. Die Kredite sind nachrangig: Die Bank wird zuerst bedient.\n"
            "3. Zinsen liegen meist zwischen null und zwei Prozent.\n\n"
            "## Worauf achten?\n\n"
            "Haltet die Regeln für Schwarmfinanzierungen ein, informiert ehrlich über Risiken "
            "und führt eine saubere Liste aller Verträge und Laufzeiten."
        ),
        audience=Audience.INITIATIVES,
        phase=Phase.BUILD,
        topics=["Finanzierung"],
        author="Montag Stiftung Urbane Räume",
        published=datetime.date(2025, 9, 18),
    ),
    DemoArticle(
        slug="selbstverwaltung-im-alltag",
        network="gemeinsam-fuer-das-quartier",
        title="Selbst verwalten: wie ein Haus im Alltag gut läuft",
        key_points=(
            "Klare Zuständigkeiten entlasten das Plenum.",
            "Ein Rücklagenplan schützt vor bösen Überraschungen.",
            "Offene Angebote halten die Verbindung zur Nachbarschaft.",
        ),
        body=(
            "Nach dem Einzug beginnt die längste Phase eines Projekts: der Betrieb.\n\n"
            "## Arbeitsgruppen statt Dauerplenum\n\n"
            "Bildet kleine Gruppen für Finanzen, Instandhaltung und Veranstaltungen. Das Plenum "
            "entscheidet nur noch über Grundsätzliches.\n\n"
            "## Rücklagen bilden\n\n"
            "Dach, Heizung und Fenster altern. Legt jeden Monat einen festen Betrag zurück und "
            "prüft einmal im Jahr, ob er reicht.\n\n"
            "## Offen bleiben\n\n"
            "Ein Café am Sonntag, eine Werkstatt für alle oder ein Raum für die Kita nebenan: "
            "So bleibt das Haus ein Ort für das ganze *Quartier*."
        ),
        audience=Audience.INITIATIVES,
        phase=Phase.OPERATE,
        topics=["Beteiligung", "Gemeinschaftliches Wohnen"],
        author="Netzwerk Zukunftsorte",
        published=datetime.date(2026, 1, 22),
    ),
    DemoArticle(
        slug="leerstand-erfassen",
        network="starke-orte",
        title="Leerstand erfassen: der erste Schritt für Kommunen",
        key_points=(
            "Eine Übersicht über leere Gebäude ist die Grundlage jeder Strategie.",
            "Ortskundige Menschen wissen mehr als jede Statistik.",
            "Eigentümerinnen und Eigentümer früh und persönlich ansprechen.",
        ),
        body=(
            "Wer Leerstand in Chancen verwandeln will, muss wissen, wo er ist.\n\n"
            "## Daten zusammentragen\n\n"
            "Verbrauchsdaten der Stadtwerke, Meldedaten und Hinweise aus dem Bauamt geben erste "
            "Anhaltspunkte. Vollständig wird das Bild erst mit einem Rundgang durch jeden "
            "Ortsteil.\n\n"
            "## Ins Gespräch kommen\n\n"
            "Viele Eigentümer haben keinen Plan für ihr Gebäude – aber sie sind offen für "
            "Ideen. Ein freundlicher Brief der Bürgermeisterin wirkt oft Wunder.\n\n"
            "## Dranbleiben\n\n"
            "Ein Leerstandskataster veraltet schnell. Bestimmt eine Person, die es pflegt."
        ),
        audience=Audience.OWNERS,
        phase=Phase.STEP_1,
        topics=["Leerstand"],
        author="Stadt Angermünde",
        published=datetime.date(2025, 11, 4),
        tools=["X 001", "W 002"],
    ),
    DemoArticle(
        slug="konzeptvergabe-statt-hoechstgebot",
        network="starke-orte",
        title="Konzeptvergabe: das beste Konzept statt des höchsten Preises",
        key_points=(
            "Bei der Konzeptvergabe zählt vor allem, was auf dem Grundstück entsteht.",
            "Transparente Kriterien machen die Entscheidung nachvollziehbar.",
            "Auch kleine Gemeinden können das Verfahren schlank durchführen.",
        ),
        body=(
            "Verkauft eine Gemeinde ihr Gebäude an den Meistbietenden, hat sie danach kaum "
            "Einfluss auf die Nutzung. Bei der **Konzeptvergabe** ist das anders.\n\n"
            "## Kriterien festlegen\n\n"
            "Die Gemeinde bestimmt vorab, was ihr wichtig ist: bezahlbare Wohnungen, offene "
            "Räume für den Ort, ökologischer Umbau. Der Preis kann fest sein oder nur gering "
            "gewichtet werden.\n\n"
            "## Verfahren\n\n"
            "- Ausschreibung mit Exposé und Bewertungsbogen\n"
            "- Rückfragen und Besichtigung\n"
            "- Bewertung durch ein Gremium, Entscheidung im Gemeinderat\n\n"
            "Auf dieser Plattform lassen sich solche Verfahren Schritt für Schritt durchführen."
        ),
        audience=Audience.OWNERS,
        phase=Phase.STEP_4,
        topics=["Konzeptvergabe", "Erbbaurecht"],
        author="Stadt Herzberg (Elster)",
        published=datetime.date(2026, 2, 16),
    ),
    DemoArticle(
        slug="erbbaurecht-verstaendlich",
        network="immovielien",
        title="Erbbaurecht verständlich: Boden behalten, Nutzung ermöglichen",
        key_points=(
            "Der Boden bleibt Eigentum der Gemeinde oder Stiftung.",
            "Die Nutzer zahlen einen jährlichen Erbbauzins statt eines Kaufpreises.",
            "Der Vertrag kann das Gemeinwohl für Jahrzehnte sichern.",
        ),
        body=(
            "Beim Erbbaurecht erhält eine Gruppe das Recht, ein Gebäude auf fremdem Grund zu "
            "besitzen und zu nutzen – meist für 60 bis 99 Jahre.\n\n"
            "## Vorteile für Initiativen\n\n"
            "Der hohe Kaufpreis für das Grundstück entfällt. Das senkt den Kapitalbedarf "
            "erheblich.\n\n"
            "## Vorteile für Kommunen und Eigentümer\n\n"
            "Der Boden bleibt im eigenen Besitz, und im Vertrag lassen sich Ziele festhalten: "
            "bezahlbare Mieten, offene Räume, ein Vorkaufsrecht.\n\n"
            "## Stolpersteine\n\n"
            "Ein zu hoher Erbbauzins macht Projekte unwirtschaftlich. Verhandelt ihn gemeinsam "
            "und mit Blick auf die Wirkung für den Ort."
        ),
        audience=Audience.BOTH,
        phase=Phase.STEP_5,
        topics=["Erbbaurecht", "Finanzierung"],
        author="Stiftung trias",
        published=datetime.date(2026, 4, 9),
    ),
]


@dataclass(frozen=True)
class DemoPlace:
    slug: str
    network: str
    name: str
    town: str
    former_use: str
    new_use: str
    carrier_name: str
    year: int
    story: str
    criteria: list[str]
    published: datetime.date
    carrier_organisation: str = ""


PLACES = [
    DemoPlace(
        slug="alte-post-angermuende",
        network="starke-orte",
        name="Alte Post Angermünde",
        town="Angermünde",
        former_use="Postamt",
        new_use="Gemeinschaftsbüro, Nachbarschaftscafé und zwei Wohnungen",
        carrier_name="",
        carrier_organisation="Stadt Angermünde",
        year=2021,
        story=(
            "Zwanzig Jahre stand das Postamt am Markt leer. Die Stadt kaufte es zurück und "
            "vergab es im Erbbaurecht an einen Verein aus dem Ort.\n\n"
            "Heute arbeiten im Schalterraum Menschen, die früher nach Berlin pendelten. "
            "Im Hof gibt es sonntags Kuchen, oben wohnen zwei Familien."
        ),
        criteria=["Offen für die Nachbarschaft", "Dauerhaft gesichert", "Bezahlbare Räume"],
        published=datetime.date(2025, 6, 1),
    ),
    DemoPlace(
        slug="kulturbahnhof-herzberg",
        network="starke-orte",
        name="Kulturbahnhof Herzberg",
        town="Herzberg (Elster)",
        former_use="Empfangsgebäude des Bahnhofs",
        new_use="Werkstätten, Proberäume und ein kleiner Saal",
        carrier_name="Bahnhofsfreunde Herzberg (Demo)",
        year=2022,
        story=(
            "Junge Leute aus Herzberg suchten Räume zum Proben und Werkeln. Der leere Bahnhof "
            "bot genug Platz. Mit viel Eigenleistung und einer Förderung des Landes wurde aus "
            "der Wartehalle ein Saal für Konzerte und Versammlungen."
        ),
        criteria=["Selbstverwaltung", "Ressourcenschonend umgebaut"],
        published=datetime.date(2025, 8, 20),
    ),
    DemoPlace(
        slug="dorfschule-neukirchen",
        network="starke-orte",
        name="Dorfschule Neukirchen",
        town="Neukirchen/Erzgeb.",
        former_use="Grundschule",
        new_use="Dorfgemeinschaftshaus mit Wohnungen für ältere Menschen",
        carrier_name="Genossenschaft Schulhaus (Demo)",
        year=2020,
        story=(
            "Als die Schule schloss, gründeten Eltern und Großeltern eine Genossenschaft. Im "
            "Erdgeschoss trifft sich das Dorf, in den ehemaligen Klassenzimmern entstanden sechs "
            "barrierearme Wohnungen."
        ),
        criteria=["Gemeinwohl vor Rendite", "Bezahlbare Räume", "Selbstverwaltung"],
        published=datetime.date(2025, 10, 3),
    ),
    DemoPlace(
        slug="kaufhaus-wunsiedel",
        network="starke-orte",
        name="Kaufhaus am Markt Wunsiedel",
        town="Wunsiedel",
        former_use="Kaufhaus",
        new_use="Bibliothek, Volkshochschule und Läden auf Zeit",
        carrier_name="Landkreis Wunsiedel im Fichtelgebirge",
        year=2023,
        story=(
            "Das leere Kaufhaus prägte den Marktplatz. Landkreis und Stadt entwickelten es "
            "gemeinsam zu einem Haus der Bildung. Im Erdgeschoss probieren Gründerinnen ihre "
            "Geschäftsideen in Läden auf Zeit aus."
        ),
        criteria=["Offen für die Nachbarschaft", "Ressourcenschonend umgebaut"],
        published=datetime.date(2026, 3, 14),
    ),
    DemoPlace(
        slug="speicher-marktleuthen",
        network="starke-orte",
        name="Kornspeicher Marktleuthen",
        town="Marktleuthen",
        former_use="Getreidespeicher",
        new_use="Jugendtreff und Werkstatt für Reparaturen",
        carrier_name="Speicherverein Marktleuthen (Demo)",
        year=2024,
        story=(
            "Jugendliche wünschten sich einen eigenen Ort. Der Speicher an der Eger wurde mit "
            "Holz aus dem Abbruch eines Nachbargebäudes ausgebaut und wird heute von den "
            "Jugendlichen selbst verwaltet."
        ),
        criteria=["Selbstverwaltung", "Ressourcenschonend umgebaut", "Offen für die Nachbarschaft"],
        published=datetime.date(2026, 5, 2),
    ),
]

PUBLICATION: dict[str, Any] = {
    "slug": "leitfaden-vom-leerstand-zum-gemeinschaftsort",
    "network": "starke-orte",
    "title": "Vom Leerstand zum Gemeinschaftsort – ein Leitfaden für kleine Kommunen",
    "kind": PublicationKind.GUIDE,
    "issued_on": datetime.date(2026, 6, 1),
    "cover_text": (
        "Der Leitfaden führt in sechs Schritten von der Bestandsaufnahme bis zur Begleitung "
        "eines neuen Gemeinschaftsorts. Er richtet sich an Bürgermeisterinnen, Bürgermeister "
        "und Verwaltungen kleiner Städte und Gemeinden."
    ),
    "sections": [
        ("Schritt 1: Bestand aufnehmen", "Welche Gebäude stehen leer, wem gehören sie?"),
        ("Schritt 2: Ziele klären", "Was braucht der Ort, was soll das Gebäude leisten?"),
        ("Schritt 3: Partner finden", "Gruppen, Vereine und Betriebe, die mitmachen wollen."),
        ("Schritt 4: Vergeben", "Konzeptvergabe oder Erbbaurecht statt Höchstgebot."),
        ("Schritt 5: Vertrag schließen", "Ziele festschreiben, Übergabe gut vorbereiten."),
        ("Schritt 6: Begleiten", "Ansprechbar bleiben und Erfolge sichtbar machen."),
    ],
}

POSITION: dict[str, Any] = {
    "slug": "boden-fuer-das-gemeinwohl",
    "network": "immovielien",
    "title": "Boden für das Gemeinwohl: unsere Forderungen an Bund, Länder und Kommunen",
    "kind": PositionKind.DEMANDS,
    "dated": datetime.date(2026, 4, 28),
    "text": (
        "Grund und Boden lassen sich nicht vermehren. Wer über ihn verfügt, entscheidet mit "
        "darüber, wie wir in Städten und Dörfern zusammenleben.\n\n"
        "Wir fordern:\n\n"
        "1. **Öffentliche Grundstücke nicht mehr zum Höchstpreis verkaufen**, sondern nach "
        "Konzept oder im Erbbaurecht vergeben.\n"
        "2. **Einen Bodenfonds** in jedem Land, der Kommunen beim Ankauf leerstehender Gebäude "
        "hilft.\n"
        "3. **Beratung für Initiativen** dauerhaft fördern, damit gute Ideen nicht an "
        "fehlendem Wissen scheitern.\n"
        "4. **Gemeinwohlorientierte Eigentümer steuerlich entlasten**, wenn sie auf Rendite "
        "verzichten."
    ),
    "signer": "Netzwerk Zukunftsorte",
}
SIGNER_EMAIL = "zukunftsorte@demo.allmende.example"
SIGNER_NAME = "Zora Zukunft"

NEWS: list[dict[str, Any]] = [
    {
        "slug": "werkzeugkasten-online",
        "network": "starke-orte",
        "title": "Werkzeugkasten für multilokales Leben jetzt online",
        "lead": "Acht erprobte Ideen für Kommunen, in denen Menschen an mehreren Orten leben.",
        "body": (
            "Ab sofort steht der Werkzeugkasten allen Mitgliedskommunen offen. Jedes Werkzeug "
            "beschreibt Vorlauf, Umsetzung und Wirkung und lässt sich nach Zielgruppe, "
            "Handlungsfeld und Träger filtern. Den Anfang macht das regionale Bündnis für "
            "Wohnen (W 007)."
        ),
        "published": datetime.date(2026, 6, 10),
    },
    {
        "slug": "fachtag-erbbaurecht",
        "network": "immovielien",
        "title": "Fachtag Erbbaurecht in Leipzig",
        "lead": "Kommunen, Stiftungen und Initiativen tauschen Erfahrungen mit Erbbaurechten aus.",
        "body": (
            "Beim Fachtag stellen drei Projekte ihre Verträge vor und berichten, wie sie den "
            "Erbbauzins verhandelt haben. Am Nachmittag gibt es Werkstätten zu Heimfall, "
            "Vorkaufsrechten und Finanzierung. Die Teilnahme ist kostenlos."
        ),
        "published": datetime.date(2026, 7, 2),
    },
    {
        "slug": "stadtlabor-quartier",
        "network": "gemeinsam-fuer-das-quartier",
        "title": "Stadtlabor: Erdgeschosse gemeinsam beleben",
        "lead": "Wohnungsunternehmen und Kreative erproben neue Nutzungen für leere Läden.",
        "body": (
            "Im nächsten Stadtlabor geht es um leere Erdgeschosse in Großsiedlungen. "
            "Wohnungsunternehmen bringen Räume mit, Initiativen ihre Ideen. Gemeinsam entstehen "
            "Vereinbarungen für Zwischennutzungen, die später dauerhaft werden können."
        ),
        "published": datetime.date(2026, 8, 19),
    },
]


def _moment(day: datetime.date) -> datetime.datetime:
    """Nine o'clock UTC of a day: fixed, so that reloading changes nothing."""
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


def term_slug(name: str) -> str:
    """The slug of a facet term ("Vermieter*innen" → "vermieterinnen")."""
    return slugify(name.replace("*", ""))[:120]


def facet_vocabulary(facts: dict[str, Any]) -> dict[Facet, list[str]]:
    """The terms per facet: those of W 007 in facts.json first, then ours."""
    vocabulary: dict[Facet, list[str]] = {facet: [] for facet in Facet}
    for name, terms in facts["toolbox_entry_example"]["facets"].items():
        vocabulary[FACET_NAMES[name]].extend(terms)
    for facet, terms in EXTRA_TERMS.items():
        vocabulary[facet].extend(t for t in terms if t not in vocabulary[facet])
    return vocabulary


def topics_ensure() -> dict[str, Topic]:
    """The demo topics, created when missing; keyed by name."""
    topics = {}
    for name in TOPICS:
        topic, _created = Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        topics[name] = topic
    return topics


def impact_criteria_ensure() -> dict[str, ImpactCriterion]:
    """The demo impact criteria, created or updated; keyed by name."""
    criteria = {}
    for name, description in IMPACT_CRITERIA:
        criterion, _created = ImpactCriterion.objects.update_or_create(
            name=name, defaults={"description": description}
        )
        criteria[name] = criterion
    return criteria


def _toolbox(facts: dict[str, Any]) -> tuple[Toolbox, dict[str, CodePrefix]]:
    entry = facts["toolbox_entry_example"]
    toolbox, _created = Toolbox.objects.update_or_create(
        slug=TOOLBOX_SLUG,
        defaults={
            "network": Network.objects.get(slug=TOOLBOX_NETWORK),
            "name": "Werkzeugkasten Multilokales Leben",
            "description": (
                "Erprobte Ideen für Städte, Gemeinden und Landkreise, in denen viele Menschen "
                "an mehr als einem Ort leben: zum Wohnen, Arbeiten und Mitmachen. Jedes "
                "Werkzeug hat einen Code, etwa **W 007**, und lässt sich nach sieben Merkmalen "
                "filtern."
            ),
            "source": entry["source_toolbox"][:300],
        },
    )
    prefixes = {}
    for prefix, label in entry["code_prefixes"].items():
        code_prefix, _created = CodePrefix.objects.update_or_create(
            toolbox=toolbox, prefix=prefix, defaults={"label": label}
        )
        prefixes[prefix] = code_prefix
    return toolbox, prefixes


def _terms(toolbox: Toolbox, facts: dict[str, Any]) -> dict[tuple[Facet, str], FacetTerm]:
    terms = {}
    for facet, names in facet_vocabulary(facts).items():
        for position, name in enumerate(names):
            term, _created = FacetTerm.objects.update_or_create(
                toolbox=toolbox,
                facet=facet,
                slug=term_slug(name),
                defaults={"name": name, "position": position},
            )
            terms[(facet, name)] = term
    return terms


def _tool(
    data: DemoTool,
    toolbox: Toolbox,
    prefixes: dict[str, CodePrefix],
    terms: dict[tuple[Facet, str], FacetTerm],
    published_at: datetime.datetime,
) -> Tool:
    tool = Tool.objects.filter(toolbox=toolbox, prefix=prefixes[data.prefix], number=data.number)
    instance = tool.first() or Tool(
        toolbox=toolbox, prefix=prefixes[data.prefix], number=data.number
    )
    instance.title = data.title
    instance.slogan = data.slogan
    instance.summary = data.summary
    instance.effects = data.effects
    instance.is_published = True
    instance.published_at = published_at
    instance.save()
    instance.terms.set(
        [terms[(facet, name)] for facet, names in data.terms.items() for name in names]
    )
    wanted = [
        (phase, position, text)
        for phase, texts in data.steps.items()
        for position, text in enumerate(texts)
    ]
    for phase, position, text in wanted:
        ToolStep.objects.update_or_create(
            tool=instance, phase=phase, position=position, defaults={"text": text}
        )
    keep = {(phase.value, position) for phase, position, _text in wanted}
    for step in instance.steps.all():
        if (step.phase, step.position) not in keep:
            step.delete()
    for position, (title, description) in enumerate(data.examples):
        ToolExample.objects.update_or_create(
            tool=instance, title=title, defaults={"description": description, "position": position}
        )
    return instance


def _links(data: DemoTool, tools: dict[str, Tool]) -> None:
    source = tools[tool_code(data.prefix, data.number)]
    for code, kind in data.links:
        ToolLink.objects.update_or_create(
            source=source, target=tools[code], defaults={"kind": kind}
        )


def _publication_pdf(data: dict[str, Any]) -> bytes:
    """A small guide as a real PDF, rendered by WeasyPrint."""
    sections = "".join(
        f"<h2>{escape(heading)}</h2><p>{escape(text)}</p>" for heading, text in data["sections"]
    )
    html = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(data['title'])}</title>"
        "<style>@page { size: A5; margin: 18mm } body { font-family: sans-serif; "
        "font-size: 10pt; line-height: 1.4 } h1 { font-size: 16pt } h2 { font-size: 12pt }"
        "</style></head><body>"
        f"<h1>{escape(data['title'])}</h1><p>{escape(data['cover_text'])}</p>{sections}"
        "</body></html>"
    )
    # WeasyPrint reports each step at INFO level, which would clutter loaddemo's output.
    progress_log = logging.getLogger("weasyprint.progress")
    level = progress_log.level
    progress_log.setLevel(logging.WARNING)
    try:
        # Imported here: WeasyPrint loads Pango and fonts (and logs its stylesheets on import),
        # which only this step needs.
        import weasyprint

        pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    finally:
        progress_log.setLevel(level)
    return pdf


def _publication(data: dict[str, Any]) -> Publication:
    publication = Publication.objects.filter(slug=data["slug"]).first()
    if publication is None:
        publication = Publication(slug=data["slug"])
    publication.network = Network.objects.get(slug=data["network"])
    for key in ("title", "kind", "cover_text", "issued_on"):
        setattr(publication, key, data[key])
    publication.is_published = True
    publication.published_at = _moment(data["issued_on"])
    # The PDF is rendered once; reloading keeps the stored file.
    stored = publication.file.name or ""
    if not stored or not publication.file.storage.exists(stored):
        pdf = _publication_pdf(data)
        publication.file.save(f"{data['slug']}.pdf", ContentFile(pdf), save=False)
        publication.file_size = len(pdf)
    publication.save()
    return publication


def _position(data: dict[str, Any]) -> Position:
    position, _created = Position.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "network": Network.objects.get(slug=data["network"]),
            "title": data["title"],
            "kind": data["kind"],
            "text": data["text"],
            "dated": data["dated"],
            "signing_open": True,
            "is_published": True,
            "published_at": _moment(data["dated"]),
        },
    )
    signer = Organisation.objects.get(name=data["signer"])
    # The signature is confirmed by an editor of the organisation (the same demo login the
    # procedures demo gives it).
    editor = User.objects.filter(email=SIGNER_EMAIL).first()
    if editor is None:
        editor = User(email=SIGNER_EMAIL, name=SIGNER_NAME)
        editor.set_password(DEMO_PASSWORD)
        editor.save()
    OrganisationRole.objects.get_or_create(
        user=editor, organisation=signer, defaults={"role": OrganisationRoleKind.EDITOR}
    )
    PositionSignature.objects.update_or_create(
        position=position,
        organisation=signer,
        defaults={"confirmed_by": editor, "signed_at": _moment(data["dated"])},
    )
    return position


@transaction.atomic
def demo_knowledge_load(facts: dict[str, Any] | None = None) -> dict[str, int]:
    """Create or refresh the demo knowledge content and rebuild the search index. Needs the
    networks and organisations of ``networks.demo.demo_load``. Returns the numbers of demo
    tools, articles, example places, publications, positions and news items."""
    facts = facts if facts is not None else load_facts()
    topics = topics_ensure()
    criteria = impact_criteria_ensure()
    toolbox, prefixes = _toolbox(facts)
    terms = _terms(toolbox, facts)

    tool_data = [_w007(facts), *FURTHER_TOOLS]
    tools: dict[str, Tool] = {}
    for index, data in enumerate(tool_data):
        published_at = _moment(datetime.date(2026, 6, 1) + datetime.timedelta(days=index))
        tool = _tool(data, toolbox, prefixes, terms, published_at)
        tools[tool.code] = tool
    for data in tool_data:
        _links(data, tools)

    organisations = {o.name: o for o in Organisation.objects.all()}
    for article_data in ARTICLES:
        article, _created = Article.objects.update_or_create(
            slug=article_data.slug,
            defaults={
                "network": Network.objects.get(slug=article_data.network),
                "title": article_data.title,
                "key_point_1": article_data.key_points[0],
                "key_point_2": article_data.key_points[1],
                "key_point_3": article_data.key_points[2],
                "body": article_data.body,
                "audience": article_data.audience,
                "phase": article_data.phase,
                "author_organisation": organisations.get(article_data.author),
                "is_published": True,
                "published_at": _moment(article_data.published),
            },
        )
        article.topics.set([topics[name] for name in article_data.topics])
        article.related_tools.set([tools[code] for code in article_data.tools])

    towns = {place["name"]: place for place in facts["places"]}
    for place_data in PLACES:
        town = towns[place_data.town]
        place, _created = ExamplePlace.objects.update_or_create(
            slug=place_data.slug,
            defaults={
                "network": Network.objects.get(slug=place_data.network),
                "name": place_data.name,
                "city": place_data.town,
                "state": town["state"],
                "lat": town["lat"],
                "lon": town["lon"],
                "former_use": place_data.former_use,
                "new_use": place_data.new_use,
                "carrier_organisation": organisations.get(place_data.carrier_organisation),
                "carrier_name": place_data.carrier_name,
                "year": place_data.year,
                "story": place_data.story,
                "is_published": True,
                "published_at": _moment(place_data.published),
            },
        )
        place.impact_criteria.set([criteria[name] for name in place_data.criteria])

    _publication(PUBLICATION)
    _position(POSITION)
    for news_data in NEWS:
        News.objects.update_or_create(
            slug=news_data["slug"],
            defaults={
                "network": Network.objects.get(slug=news_data["network"]),
                "title": news_data["title"],
                "lead": news_data["lead"],
                "body": news_data["body"],
                "is_published": True,
                "published_at": _moment(news_data["published"]),
            },
        )
    # M2M changes (topics, terms, criteria) come after the saves that indexed the objects.
    search_rebuild()
    return {
        "tools": len(tools),
        "articles": len(ARTICLES),
        "places": len(PLACES),
        "publications": 1,
        "positions": 1,
        "news": len(NEWS),
    }
