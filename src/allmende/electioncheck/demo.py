"""A demo election check of the Netzwerk Immovielien: ten theses on cooperative city
development put to three fictional parties, one of which did not answer. The parties and all
texts are invented for the demo; no real party's positions are shown."""

import datetime

from django.db import transaction

from allmende.electioncheck.models import Election, Party, PartyPosition, Thesis, ThesisBlock
from allmende.networks.models import Network

SLUG = "demo-wahlcheck-landtagswahl"

BLOCKS = [
    (
        "Boden und Gebäude",
        [
            (
                "Konzeptvergabe",
                "Landeseigene Grundstücke sollen nach der Qualität des Konzepts statt zum "
                "Höchstpreis vergeben werden.",
            ),
            (
                "Erbbaurecht",
                "Öffentliche Flächen sollen vorrangig im Erbbaurecht statt durch Verkauf "
                "abgegeben werden.",
            ),
            (
                "Leerstandskataster",
                "Jede Gemeinde soll ein öffentliches Verzeichnis leerstehender Gebäude führen.",
            ),
            (
                "Vorkaufsrecht",
                "Kommunen sollen ihr Vorkaufsrecht nutzen, um Gebäude für gemeinschaftliche "
                "Projekte zu sichern.",
            ),
        ],
    ),
    (
        "Förderung und Beteiligung",
        [
            (
                "Förderfonds",
                "Das Land soll einen Fonds für gemeinwohlorientierte Projektgruppen auflegen, "
                "der Eigenkapital ersetzt.",
            ),
            (
                "Zwischennutzung",
                "Leerstehende Gebäude sollen ohne langes Genehmigungsverfahren zwischengenutzt "
                "werden dürfen.",
            ),
            (
                "Beratungsstelle",
                "Eine landesweite Beratungsstelle soll Initiativen und kleine Kommunen bei "
                "Umbauprojekten begleiten.",
            ),
        ],
    ),
    (
        "Genossenschaften und Nachbarschaft",
        [
            (
                "Genossenschaftsgründung",
                "Neue Wohnungsgenossenschaften sollen in den ersten Jahren beim Prüfverband "
                "finanziell entlastet werden.",
            ),
            (
                "Quartiersräume",
                "Bei jedem größeren Neubau soll ein Raum für die Nachbarschaft eingeplant werden.",
            ),
            (
                "Mietpreisbindung",
                "Wer öffentliche Förderung erhält, soll die Mieten dauerhaft unter dem "
                "örtlichen Durchschnitt halten.",
            ),
        ],
    ),
]

# Positions per thesis (in the order above): 1 agree, 0 neutral, -1 disagree.
PARTIES = [
    (
        "Beispielpartei A",
        "Beispielpartei A (erfunden)",
        [1, 1, 1, 1, 1, 1, 0, 1, 1, 1],
        "Will Boden in öffentlicher Hand halten und gute Konzepte statt hoher Gebote belohnen.",
    ),
    (
        "Beispielpartei B",
        "Beispielpartei B (erfunden)",
        [1, 0, -1, 0, 1, 0, 1, 1, 0, -1],
        "Setzt auf Spielraum für die Kommunen und lehnt neue Pflichten ab; Beratung begrüßt sie.",
    ),
]
SILENT = (
    "Beispielpartei C",
    "Beispielpartei C (erfunden)",
    "Hat auf die Fragen des Netzwerks nicht geantwortet.",
)


@transaction.atomic
def demo_electioncheck_load() -> dict[str, int]:
    """Create the demo election check once (a second load changes nothing)."""
    network = Network.objects.get(slug="immovielien")
    election, created = Election.objects.get_or_create(
        slug=SLUG,
        defaults={
            "network": network,
            "name": "Wahlcheck zur Landtagswahl (Demo)",
            "election_date": datetime.date(2027, 9, 26),
            "description": (
                "Das Netzwerk hat drei Parteien gefragt, wie sie es mit Leerstand, Boden und "
                "gemeinwohlorientierten Projekten halten. Die Parteien dieses Demos sind erfunden."
            ),
            "is_published": True,
        },
    )
    if created:
        theses: list[Thesis] = []
        for block_position, (title, items) in enumerate(BLOCKS, start=1):
            block = ThesisBlock.objects.create(
                election=election, title=title, position=block_position
            )
            for short, text in items:
                theses.append(
                    Thesis.objects.create(
                        election=election,
                        block=block,
                        position=len(theses) + 1,
                        short_title=short,
                        text=text,
                    )
                )
        for position, (short, long, values, stance) in enumerate(PARTIES, start=1):
            party = Party.objects.create(
                election=election,
                short_name=short,
                long_name=long,
                description=stance,
                position=position,
            )
            PartyPosition.objects.bulk_create(
                PartyPosition(
                    party=party,
                    thesis=thesis,
                    value=value,
                    justification=_justification(short, thesis.short_title, value),
                )
                for thesis, value in zip(theses, values, strict=True)
            )
        Party.objects.create(
            election=election,
            short_name=SILENT[0],
            long_name=SILENT[1],
            responded=False,
            note=SILENT[2],
            position=len(PARTIES) + 1,
        )
    return {"theses": election.theses.count(), "parties": election.parties.count()}


def _justification(party: str, topic: str, value: int) -> str:
    if value > 0:
        return f"Die {party} unterstützt das Anliegen „{topic}“ und will es im Landtag einbringen."
    if value < 0:
        return f"Die {party} lehnt das Anliegen „{topic}“ ab."
    return f"Die {party} will das Anliegen „{topic}“ zunächst mit den Kommunen prüfen."
