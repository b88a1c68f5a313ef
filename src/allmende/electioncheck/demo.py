"""A demo election check of the Netzwerk Immovielien: questions to four fictional parties about
vacant buildings and common-good development. The parties and all texts are invented for the
demo; no real party's positions are shown."""

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
]

# Positions per thesis (in the order above): 1 agree, 0 neutral, -1 disagree.
PARTIES = [
    (
        "GLP",
        "Gemeinwohl-Liste (Demo)",
        [1, 1, 1, 1, 1, 0],
        "Wir wollen, dass Boden in öffentlicher Hand bleibt und gute Ideen den Zuschlag bekommen.",
    ),
    (
        "BFS",
        "Bündnis für Stadt und Land (Demo)",
        [1, 0, -1, 1, 0, 1],
        "Kommunen brauchen Spielraum; neue Pflichten lehnen wir ab, Beratung begrüßen wir.",
    ),
    (
        "MP",
        "Marktpartei (Demo)",
        [-1, -1, -1, -1, 1, 0],
        "Verkäufe bringen Geld in die Kassen; weniger Regeln helfen auch bei Zwischennutzungen.",
    ),
]
SILENT = ("NWL", "Neue Wählerliste (Demo)", "Hat auf die Fragen des Netzwerks nicht geantwortet.")


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
                "Das Netzwerk hat vier Parteien gefragt, wie sie es mit Leerstand, Boden und "
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
