"""German words and sentence patterns of synthetic knowledge content; pure, no Django.

Compound nouns are built from a first part and a head ("Wohnungsbau" + "genossenschaft"), so
that the search has real compounds to split; heads carry gender and plural, so that articles
and adjectives agree. Every function takes a ``random.Random`` and is deterministic for it.

Each item keeps to a topic (``on_topic``): most of its compounds and buildings come from a few
first parts, heads and buildings of its own, the rest from the whole vocabulary. As in a real
collection a word then occurs in some of the texts; drawn evenly from a few dozen heads, every
head would occur in nearly every text.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Noun:
    singular: str
    plural: str
    gender: str  # "m", "f" or "n"


# First parts of compounds, linking "s" included where German wants it.
FIRST_PARTS = [
    "Wohnungsbau",
    "Leerstands",
    "Quartiers",
    "Gemeinwohl",
    "Bürger",
    "Dorf",
    "Kultur",
    "Nachbarschafts",
    "Genossenschafts",
    "Erbbau",
    "Zwischennutzungs",
    "Stadtteil",
    "Orts",
    "Gemeinschafts",
    "Energie",
    "Miet",
    "Eigentümer",
    "Förder",
    "Boden",
    "Jugend",
    "Senioren",
    "Landkreis",
    "Innenstadt",
    "Bahnhofs",
    "Handwerks",
    "Bildungs",
    "Familien",
    "Mehrgenerationen",
    "Umbau",
    "Beteiligungs",
]

HEADS = [
    Noun("genossenschaft", "genossenschaften", "f"),
    Noun("management", "managements", "n"),
    Noun("entwicklung", "entwicklungen", "f"),
    Noun("zentrum", "zentren", "n"),
    Noun("fonds", "fonds", "m"),
    Noun("konzept", "konzepte", "n"),
    Noun("beirat", "beiräte", "m"),
    Noun("werkstatt", "werkstätten", "f"),
    Noun("initiative", "initiativen", "f"),
    Noun("vertrag", "verträge", "m"),
    Noun("projekt", "projekte", "n"),
    Noun("nutzung", "nutzungen", "f"),
    Noun("verein", "vereine", "m"),
    Noun("haus", "häuser", "n"),
    Noun("treff", "treffs", "m"),
    Noun("laden", "läden", "m"),
    Noun("büro", "büros", "n"),
    Noun("planung", "planungen", "f"),
    Noun("strategie", "strategien", "f"),
    Noun("förderung", "förderungen", "f"),
    Noun("programm", "programme", "n"),
    Noun("netzwerk", "netzwerke", "n"),
    Noun("bündnis", "bündnisse", "n"),
    Noun("stiftung", "stiftungen", "f"),
]

BUILDINGS = [
    Noun("Bahnhof", "Bahnhöfe", "m"),
    Noun("Schule", "Schulen", "f"),
    Noun("Kaufhaus", "Kaufhäuser", "n"),
    Noun("Pfarrhaus", "Pfarrhäuser", "n"),
    Noun("Gutshof", "Gutshöfe", "m"),
    Noun("Brauerei", "Brauereien", "f"),
    Noun("Kino", "Kinos", "n"),
    Noun("Postamt", "Postämter", "n"),
    Noun("Fabrik", "Fabriken", "f"),
    Noun("Sparkasse", "Sparkassen", "f"),
    Noun("Gasthof", "Gasthöfe", "m"),
    Noun("Kaserne", "Kasernen", "f"),
    Noun("Mühle", "Mühlen", "f"),
    Noun("Rathaus", "Rathäuser", "n"),
    Noun("Speicher", "Speicher", "m"),
    Noun("Ladenlokal", "Ladenlokale", "n"),
    Noun("Hotel", "Hotels", "n"),
    Noun("Turnhalle", "Turnhallen", "f"),
    Noun("Kirche", "Kirchen", "f"),
    Noun("Vierseithof", "Vierseithöfe", "m"),
]

ACTORS = [
    "die Gemeinde",
    "der Landkreis",
    "eine Initiative aus dem Ort",
    "die Wohnungsbaugenossenschaft",
    "ein junger Verein",
    "die Stadtverwaltung",
    "eine Stiftung",
    "die Nachbarschaft",
    "die Bürgermeisterin",
    "ein Planungsbüro",
    "die Kirchengemeinde",
    "eine Gruppe von Rückkehrerinnen und Rückkehrern",
]

PARTICIPLES = [
    "gegründet",
    "aufgebaut",
    "entwickelt",
    "geplant",
    "erprobt",
    "eingerichtet",
    "finanziert",
    "eröffnet",
    "angestoßen",
]

ADVERBS = [
    "gemeinwohlorientiert",
    "bezahlbar",
    "barrierefrei",
    "nachhaltig",
    "gemeinschaftlich",
    "generationenübergreifend",
    "genossenschaftlich",
    "selbstverwaltet",
    "ökologisch",
    "behutsam",
]

GROUPS = [
    "Familien",
    "ältere Menschen",
    "Jugendliche",
    "Pendlerinnen und Pendler",
    "Kreative",
    "Handwerksbetriebe",
    "Vereine",
    "Zugezogene",
    "Studierende",
    "Alleinerziehende",
]

HEADINGS = [
    "Ausgangslage",
    "Wie alles begann",
    "Finanzierung",
    "Rechtsform und Trägerschaft",
    "Beteiligung",
    "Umbau und Betrieb",
    "Was wir gelernt haben",
    "Nächste Schritte",
    "Stolpersteine",
    "Tipps für die Praxis",
]

SLOGANS = [
    "Gemeinsam planen, gemeinsam tragen",
    "Leerstand ist Möglichkeitsraum",
    "Vom Ich zum Wir",
    "Klein anfangen, groß denken",
    "Räume für alle",
    "Wer mitredet, packt mit an",
    "Boden gut, alles gut",
    "Der Ort gehört denen, die ihn beleben",
]

_DEFINITE = {
    "nom": {"m": "der", "f": "die", "n": "das"},
    "acc": {"m": "den", "f": "die", "n": "das"},
    "dat": {"m": "dem", "f": "der", "n": "dem"},
}
_INDEFINITE = {
    "nom": {"m": "ein", "f": "eine", "n": "ein"},
    "acc": {"m": "einen", "f": "eine", "n": "ein"},
    "dat": {"m": "einem", "f": "einer", "n": "einem"},
}
# "ehemalig" after a definite article: weak endings.
_FORMER = {
    "nom": {"m": "ehemalige", "f": "ehemalige", "n": "ehemalige"},
    "acc": {"m": "ehemaligen", "f": "ehemalige", "n": "ehemalige"},
    "dat": {"m": "ehemaligen", "f": "ehemaligen", "n": "ehemaligen"},
}


# Share of an item's compounds and buildings drawn from its topic.
TOPIC_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class Topic:
    first_parts: tuple[str, ...]
    heads: tuple[Noun, ...]
    buildings: tuple[Noun, ...]


class TopicalRandom(random.Random):
    """The random source of one item, with the item's ``topic``."""

    def __init__(self, seed: int, topic: Topic) -> None:
        super().__init__(seed)
        self.topic = topic


def on_topic(rng: random.Random) -> TopicalRandom:
    """A random source for one item, seeded from ``rng``, with a topic drawn from ``rng``:
    three first parts, three heads and two buildings."""
    topic = Topic(
        tuple(rng.sample(FIRST_PARTS, 3)),
        tuple(rng.sample(HEADS, 3)),
        tuple(rng.sample(BUILDINGS, 2)),
    )
    return TopicalRandom(rng.getrandbits(64), topic)


def _first_part(rng: random.Random) -> str:
    if isinstance(rng, TopicalRandom) and rng.random() < TOPIC_SHARE:
        return rng.choice(rng.topic.first_parts)
    return rng.choice(FIRST_PARTS)


def _head(rng: random.Random) -> Noun:
    if isinstance(rng, TopicalRandom) and rng.random() < TOPIC_SHARE:
        return rng.choice(rng.topic.heads)
    return rng.choice(HEADS)


def building(rng: random.Random) -> Noun:
    """A former building: "Bahnhof", "Schule", … (mostly of the item's topic)."""
    if isinstance(rng, TopicalRandom) and rng.random() < TOPIC_SHARE:
        return rng.choice(rng.topic.buildings)
    return rng.choice(BUILDINGS)


def compound(rng: random.Random) -> Noun:
    """A compound noun such as "Wohnungsbaugenossenschaft" (plural "…genossenschaften"),
    mostly of the item's topic."""
    first = _first_part(rng)
    head = _head(rng)
    return Noun(first + head.singular, first + head.plural, head.gender)


def the(noun: Noun, case: str = "nom") -> str:
    """The noun with its definite article: "die Dorfgenossenschaft"."""
    return f"{_DEFINITE[case][noun.gender]} {noun.singular}"


def a(noun: Noun, case: str = "nom") -> str:
    """The noun with its indefinite article: "einen Bürgerfonds"."""
    return f"{_INDEFINITE[case][noun.gender]} {noun.singular}"


def former(noun: Noun, case: str = "nom") -> str:
    """ "das ehemalige Kaufhaus", "dem ehemaligen Bahnhof"."""
    return f"{_DEFINITE[case][noun.gender]} {_FORMER[case][noun.gender]} {noun.singular}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(rng: random.Random, town: str) -> str:
    """One German sentence about a building project in ``town``."""
    c, c2, b = compound(rng), compound(rng), building(rng)
    patterns = (
        lambda: (
            f"In {town} hat {rng.choice(ACTORS)} {a(c, 'acc')} für {former(b, 'acc')} "
            f"{rng.choice(PARTICIPLES)}."
        ),
        lambda: f"Aus {former(b, 'dat')} wird {a(c, 'nom')} für {rng.choice(GROUPS)}.",
        lambda: (
            f"{_capital(the(c))} zeigt, wie man {rng.choice(ADVERBS)} und mit wenig Geld "
            f"bauen kann."
        ),
        lambda: (
            f"Viele {c.plural} stehen vor der Frage, wie sie {former(b, 'acc')} dauerhaft sichern."
        ),
        lambda: (
            f"Gemeinsam planen {rng.choice(GROUPS)} und {rng.choice(ACTORS)} "
            f"{a(c, 'acc')} in {former(b, 'dat')}."
        ),
        lambda: (
            f"Die Finanzierung stützt sich auf Direktkredite, {c.plural} und Mittel aus "
            f"{a(c2, 'dat')}."
        ),
        lambda: f"Wer {a(c, 'acc')} gründen möchte, sollte die Nachbarschaft früh beteiligen.",
        lambda: (
            f"Seit {rng.randint(1995, 2025)} treffen sich {rng.choice(GROUPS)} in {the(c, 'dat')}."
        ),
        lambda: f"{_capital(rng.choice(ACTORS))} empfiehlt, früh mit {the(c2, 'dat')} zu sprechen.",
        lambda: (
            f"Im Erdgeschoss {_verb_for(b)} {a(c, 'nom')}, darüber entstehen "
            f"{rng.randint(2, 24)} Wohnungen."
        ),
        lambda: (
            f"{_capital(the(c))} und {the(c2)} arbeiten {rng.choice(ADVERBS)} zusammen, "
            f"damit {former(b, 'nom')} nicht länger leer steht."
        ),
        lambda: (
            f"Der Umbau {_genitive(b)} kostete rund {_euros(rng.randint(2, 90) * 50_000)} und "
            "wurde zu einem Drittel in Eigenleistung erbracht."
        ),
    )
    return rng.choice(patterns)()


def _euros(amount: int) -> str:
    """ "1.450.000 Euro": German digit grouping."""
    return f"{amount:,} Euro".replace(",", ".")


def _verb_for(building: Noun) -> str:
    return "öffnet" if building.gender != "f" else "eröffnet"


def _genitive(building: Noun) -> str:
    """ "des ehemaligen Bahnhofs", "der ehemaligen Schule" (genitive -s on m and n)."""
    if building.gender == "f":
        return f"der ehemaligen {building.singular}"
    ending = "" if building.singular.endswith("s") else "s"
    return f"des ehemaligen {building.singular}{ending}"


def paragraph(rng: random.Random, town: str, sentences: tuple[int, int] = (3, 5)) -> str:
    return " ".join(sentence(rng, town) for _ in range(rng.randint(*sentences)))


def markdown_body(rng: random.Random, town: str) -> str:
    """Two to four Markdown sections under headings, now and then with a list."""
    sections = []
    for heading in rng.sample(HEADINGS, rng.randint(2, 4)):
        text = paragraph(rng, town)
        if rng.random() < 0.25:
            items = "\n".join(f"- {compound(rng).singular}" for _ in range(3))
            text = f"{text}\n\n{items}"
        sections.append(f"## {heading}\n\n{text}")
    return "\n\n".join(sections)


def title(rng: random.Random, town: str) -> str:
    c, b = compound(rng), building(rng)
    patterns = (
        lambda: f"{c.singular} in {town}: {_capital(former(b))} lebt wieder",
        lambda: f"Wie {a(c)} gelingt",
        lambda: f"{c.plural} im ländlichen Raum",
        lambda: f"Leitfaden: {c.singular} Schritt für Schritt",
        lambda: f"Aus {former(b, 'dat')} wird {a(c)}",
        lambda: f"Fragen und Antworten zum Thema {c.singular}",
        lambda: f"{c.singular} und {compound(rng).singular}: Erfahrungen aus {town}",
        lambda: f"Gemeinsam planen: {c.plural} in {town}",
    )
    return rng.choice(patterns)()[:200]


def key_point(rng: random.Random) -> str:
    c = compound(rng)
    patterns = (
        lambda: f"{_capital(the(c))} früh einbinden.",
        lambda: f"Mit {c.plural} lassen sich Kosten teilen.",
        lambda: f"Ohne {a(c, 'acc')} fehlt oft der lange Atem.",
        lambda: f"{_capital(rng.choice(GROUPS))} von Anfang an beteiligen.",
        lambda: f"{_capital(rng.choice(ADVERBS))} planen zahlt sich aus.",
    )
    return rng.choice(patterns)()[:200]


def tool_title(rng: random.Random) -> str:
    c = compound(rng)
    patterns = (
        lambda: f"{c.singular} einrichten",
        lambda: f"{_capital(a(c))} für den Ort",
        lambda: f"{c.plural} vernetzen",
        lambda: f"{c.singular}: gemeinsam planen und umsetzen",
    )
    return rng.choice(patterns)()[:200]


def step(rng: random.Random) -> str:
    c = compound(rng)
    patterns = (
        lambda: f"{_capital(rng.choice(ACTORS))} lädt zu einem ersten Treffen ein.",
        lambda: f"Ziele und Rollen für {the(c, 'acc')} vereinbaren.",
        lambda: f"{_capital(rng.choice(GROUPS))} nach ihrem Bedarf fragen.",
        lambda: f"{_capital(a(c, 'acc'))} als Träger gewinnen.",
        lambda: f"Ergebnisse auswerten und {the(c, 'acc')} fortschreiben.",
    )
    return rng.choice(patterns)()[:500]


def place_name(rng: random.Random, town: str) -> tuple[str, Noun, Noun]:
    """A place name, its former building and its new use: ("Bürgerhaus Alte Mühle Ort", …)."""
    b, c = building(rng), compound(rng)
    return f"{c.singular} {town}"[:200], b, c
