"""Import of properties from a GeoJSON FeatureCollection, and the choice between CSV and
GeoJSON by file name.

A feature's ``properties`` carry the same columns as the CSV import (``transfer.IMPORT_COLUMNS``;
lists such as ``suitable_uses`` may be JSON arrays) and its Point geometry the coordinates. Each
feature is validated by the CSV import's row validation; errors name the feature (counting from
1), the column (``geometry`` for the coordinates) and the problem, and nothing is imported if
there is a single one.
"""

import json
import math
from pathlib import PurePath
from typing import IO, Any

from django.utils.translation import gettext as _

from allmende.networks.models import Organisation
from allmende.properties.transfer import (
    IMPORT_COLUMNS,
    IMPORT_IGNORED_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportResult,
    RowError,
    import_permission_check,
    import_rows,
    properties_import_csv,
)

GEOJSON_SUFFIXES = frozenset({".geojson", ".json"})
# Keys of an export's features that are neither import columns nor ignored export columns.
_EXPORT_EXTRAS = frozenset({"lat", "lon"})


def _cell(value: Any) -> str | None:
    """A JSON value as the text of a CSV cell; ``None`` for objects (not allowed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ";".join(value)
    return None


def _point(geometry: Any) -> tuple[float, float] | str:
    """(lat, lon) of a GeoJSON Point, or the message why the geometry is not one."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return _("The geometry must be a Point (or null for the centre of the town).")
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) not in (2, 3)
        or not all(
            isinstance(c, int | float) and not isinstance(c, bool) and math.isfinite(c)
            for c in coordinates
        )
    ):
        return _("A Point needs its coordinates as [longitude, latitude].")
    lon, lat = float(coordinates[0]), float(coordinates[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _(
            "The coordinates lie outside [-180..180, -90..90]; GeoJSON gives the longitude first."
        )
    return lat, lon


def _feature_row(feature: Any, number: int, result: ImportResult) -> dict[str, str] | None:
    """The feature as a row of text cells (errors of single values in ``result``), or
    ``None`` if it is no feature with a properties object."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        result.errors.append(RowError(number, "", _("This is not a GeoJSON Feature.")))
        return None
    attributes = feature.get("properties") or {}
    if not isinstance(attributes, dict):
        result.errors.append(
            RowError(number, "properties", _("The properties must be a JSON object."))
        )
        return None
    # The row keeps what could be read, so that the row rules report the other columns too.
    row: dict[str, str] = {}
    for name, value in attributes.items():
        if name not in IMPORT_COLUMNS:
            if name not in IMPORT_IGNORED_COLUMNS and name not in _EXPORT_EXTRAS:
                result.errors.append(RowError(number, name, _("This column is unknown.")))
            continue
        text = _cell(value)
        if text is None:
            result.errors.append(
                RowError(number, name, _("Give a text, a number, true/false or a list of texts."))
            )
            continue
        row[name] = text
    geometry = feature.get("geometry")
    if geometry is not None:
        point = _point(geometry)
        if isinstance(point, str):
            result.errors.append(RowError(number, "geometry", point))
            row.pop("lat", None)
            row.pop("lon", None)
        else:
            row["lat"], row["lon"] = repr(point[0]), repr(point[1])
    return row


def _read_features(file: IO[bytes], result: ImportResult) -> list[Any] | None:
    """The file's features, or ``None`` with a file error in ``result``."""
    data = file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        result.errors.append(
            RowError(0, "", _("The file is larger than %(size)s MB.") % {"size": 5})
        )
        return None
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        result.errors.append(RowError(0, "", _("The file is not UTF-8 encoded.")))
        return None
    except json.JSONDecodeError as exc:
        result.errors.append(
            RowError(
                0,
                "",
                _("The file is not valid JSON (line %(line)s, column %(column)s: %(problem)s).")
                % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg},
            )
        )
        return None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        result.errors.append(RowError(0, "", _("The file is not a GeoJSON FeatureCollection.")))
        return None
    features = collection.get("features")
    if not isinstance(features, list):
        result.errors.append(
            RowError(0, "features", _("The FeatureCollection has no list of features."))
        )
        return None
    if len(features) > MAX_IMPORT_ROWS:
        result.errors.append(
            RowError(
                0,
                "",
                _("The file has more than %(count)s features; split it into smaller files.")
                % {"count": MAX_IMPORT_ROWS},
            )
        )
        return None
    if not features:
        result.errors.append(RowError(0, "", _("The FeatureCollection has no features.")))
        return None
    return features


def properties_import_geojson(
    *, file: IO[bytes], organisation: Organisation, actor: Any
) -> ImportResult:
    """Register the features of a GeoJSON FeatureCollection (UTF-8) as properties owned by
    ``organisation``; the actor needs ``properties.add_property`` on it.

    Every feature is validated first, with the CSV import's rules; if any has an error,
    nothing is written and the result lists every error (feature number from 1, column or
    ``geometry``, message). A feature without geometry lies at its town's centre."""
    import_permission_check(organisation=organisation, actor=actor)
    result = ImportResult(unit="feature")
    features = _read_features(file, result)
    if features is None:
        return result
    rows: list[tuple[int, dict[str, str]]] = []
    from_geometry: set[int] = set()
    for number, feature in enumerate(features, start=1):
        row = _feature_row(feature, number, result)
        if row is not None:
            rows.append((number, row))
            if isinstance(feature.get("geometry"), dict):
                from_geometry.add(number)
    import_rows(rows, organisation=organisation, actor=actor, result=result)
    # The coordinates of a feature with a geometry came from there: say so in its errors.
    # One error per feature and column: a value that could not be read is not also "missing".
    errors: dict[tuple[int, str], RowError] = {}
    for error in result.errors:
        if error.row in from_geometry and error.field in ("lat", "lon"):
            error = RowError(error.row, "geometry", error.message)
        errors.setdefault((error.row, error.field), error)
    result.errors = sorted(errors.values(), key=lambda error: error.row)
    return result


def properties_import(
    *, file: IO[bytes], name: str, organisation: Organisation, actor: Any
) -> ImportResult:
    """Import a CSV file, or a GeoJSON file when its name ends in .geojson or .json."""
    if PurePath(name).suffix.lower() in GEOJSON_SUFFIXES:
        return properties_import_geojson(file=file, organisation=organisation, actor=actor)
    return properties_import_csv(file=file, organisation=organisation, actor=actor)
