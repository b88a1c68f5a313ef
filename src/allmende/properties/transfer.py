"""Import and export of properties as CSV and GeoJSON.

Exports honour the location privacy of ``properties.view_exact_location``: street, postcode
and exact coordinates only where the user may see them, the public position otherwise; the
column ``location_exact`` says which. Imports validate every row first and write nothing if a
single row has an error.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allmende.core.choices import TransferModel, Use
from allmende.networks.models import Organisation
from allmende.properties.models import Moderation, Property
from allmende.properties.selectors import TRANSFER_FIELDS
from allmende.properties.services import PROPERTY_EDITABLE_FIELDS, property_locate

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000

# Columns of the export, in this order. The location columns are empty where the user may not
# see the exact location.
EXPORT_COLUMNS = (
    "id",
    "title",
    "kind",
    "building_type",
    "description",
    "usable_area",
    "plot_area",
    "floors",
    "year_built",
    "epoch",
    "condition",
    "listed_building",
    "accessible",
    "vacant_since",
    "vacancy_degree",
    "street",
    "postcode",
    "city",
    "state",
    "lat",
    "lon",
    "public_lat",
    "public_lon",
    "location_exact",
    "owner_kind",
    "owner_organisation",
    "transfer_options",
    "leasehold_term_years",
    "leasehold_rate_percent",
    "asking_price",
    "asking_rent",
    "suitable_uses",
    "status",
    "pipeline_stage",
    "is_published",
)
EXACT_COLUMNS = ("street", "postcode", "lat", "lon")

# Columns an import understands; all but the required ones may be missing or empty.
IMPORT_REQUIRED_COLUMNS = ("title", "kind", "city", "state", "owner_kind")
# The editable fields of the services, with the four transfer flags as one list column.
IMPORT_COLUMNS = tuple(
    "transfer_options" if name == "transfer_sale" else name
    for name in PROPERTY_EDITABLE_FIELDS
    if name not in set(TRANSFER_FIELDS.values()) - {"transfer_sale"}
)
IMPORT_COLUMN_HELP = {
    "kind": gettext_lazy("one of: %(values)s"),
    "building_type": gettext_lazy("one of: %(values)s"),
    "condition": gettext_lazy("one of: %(values)s"),
    "vacancy_degree": gettext_lazy("one of: %(values)s"),
    "state": gettext_lazy("the German name of the state, e.g. Sachsen"),
    "owner_kind": gettext_lazy("one of: %(values)s"),
    "transfer_options": gettext_lazy("values separated by ;, from: %(values)s"),
    "suitable_uses": gettext_lazy("values separated by ;, from: %(values)s"),
    "lat": gettext_lazy("decimal number; empty: the centre of the town"),
    "lon": gettext_lazy("decimal number; empty: the centre of the town"),
    "vacant_since": gettext_lazy("date as YYYY-MM-DD or DD.MM.YYYY"),
}
# Columns of an export that an import skips, so that an export can be imported again.
IMPORT_IGNORED_COLUMNS = frozenset(set(EXPORT_COLUMNS) - set(IMPORT_COLUMNS))

TRUE_WORDS = frozenset({"ja", "true", "1", "yes", "wahr", "x"})
FALSE_WORDS = frozenset({"nein", "false", "0", "no", "falsch", ""})


def _model_field(name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", Property._meta.get_field(name))


def _column_values(name: str) -> list[str]:
    if name == "transfer_options":
        return [str(value) for value in TransferModel.values]
    if name == "suitable_uses":
        return [str(value) for value in Use.values]
    model_field = _model_field(name)
    return [str(value) for value, _label in model_field.choices or []]


def import_column_help() -> list[tuple[str, bool, str]]:
    """The import's columns as (name, required, description) for the page and the command."""
    columns = []
    for name in IMPORT_COLUMNS:
        if name in IMPORT_COLUMN_HELP:
            description = str(IMPORT_COLUMN_HELP[name]) % {
                "values": ", ".join(_column_values(name))
            }
        else:
            model_field = _model_field(name)
            description = str(model_field.verbose_name)
            if isinstance(model_field, models.BooleanField):
                description += " " + _("(ja/nein, true/false, 1/0)")
            elif isinstance(model_field, models.DecimalField | models.FloatField):
                description += " " + _("(decimal point or comma)")
        columns.append((name, name in IMPORT_REQUIRED_COLUMNS, description))
    return columns


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of an import: ``row`` counts the header as row 1 (0: the file as a whole),
    ``field`` is the column name (empty if the problem concerns the whole row or file)."""

    row: int
    field: str
    message: str


@dataclass(slots=True)
class ImportResult:
    """``unit`` names what ``RowError.row`` counts: CSV rows or GeoJSON features."""

    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    unit: str = "row"

    @property
    def ok(self) -> bool:
        return not self.errors


# --- export -----------------------------------------------------------------------------------


def _exact_permissions(user: Any, properties: Iterable[Property]) -> dict[int, bool]:
    """Whether the user may see each property's exact location. The rule depends only on the
    sensitivity and the owner organisation, so it is asked once per owner organisation."""
    per_owner: dict[int | None, bool] = {}
    allowed: dict[int, bool] = {}
    for prop in properties:
        if not prop.is_sensitive:
            allowed[prop.pk] = True
            continue
        if prop.owner_organisation_id not in per_owner:
            per_owner[prop.owner_organisation_id] = user.has_perm(
                "properties.view_exact_location", prop
            )
        allowed[prop.pk] = per_owner[prop.owner_organisation_id]
    return allowed


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _record(prop: Property, *, exact: bool) -> dict[str, Any]:
    """A property's export values as Python objects; location columns per ``exact``."""
    record: dict[str, Any] = {
        name: getattr(prop, name)
        for name in EXPORT_COLUMNS
        if name not in {"owner_organisation", "transfer_options", "location_exact"}
    }
    record["id"] = prop.pk
    record["owner_organisation"] = (
        prop.owner_organisation.name if prop.owner_organisation is not None else None
    )
    record["transfer_options"] = ";".join(prop.transfer_models)
    record["suitable_uses"] = ";".join(prop.suitable_uses or [])
    record["location_exact"] = exact
    if not exact:
        for name in EXACT_COLUMNS:
            record[name] = None
    return record


def properties_export_csv(*, queryset: QuerySet[Property], user: Any) -> str:
    """The properties as CSV text (comma-separated, header row); the caller passes a queryset
    the user may see, e.g. from ``selectors.property_list``."""
    properties = list(queryset)
    exact = _exact_permissions(user, properties)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for prop in properties:
        record = _record(prop, exact=exact[prop.pk])
        writer.writerow([_text(record[name]) for name in EXPORT_COLUMNS])
    return buffer.getvalue()


def properties_export_geojson(*, queryset: QuerySet[Property], user: Any) -> dict[str, Any]:
    """The properties as a GeoJSON FeatureCollection: the exact point where the user may see
    it, the public point otherwise (no geometry without coordinates)."""
    properties = list(queryset)
    exact = _exact_permissions(user, properties)
    features = []
    for prop in properties:
        record = _record(prop, exact=exact[prop.pk])
        lat, lon = (prop.lat, prop.lon) if exact[prop.pk] else (prop.public_lat, prop.public_lon)
        geometry = (
            {"type": "Point", "coordinates": [lon, lat]}
            if lat is not None and lon is not None
            else None
        )
        attributes = {
            name: (value.isoformat() if isinstance(value, datetime.date) else value)
            for name, value in record.items()
            if name not in {"id", "lat", "lon"}
        }
        for name in ("leasehold_rate_percent", "asking_price", "asking_rent"):
            if attributes[name] is not None:
                attributes[name] = str(attributes[name])
        features.append(
            {"type": "Feature", "id": prop.pk, "geometry": geometry, "properties": attributes}
        )
    return {"type": "FeatureCollection", "features": features}


# --- import -----------------------------------------------------------------------------------


THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")


def _parse_number(text: str, *, whole: bool = False) -> Decimal:
    """A number written with a decimal point or a German decimal comma ("1.234,5" too). For
    whole numbers, dots between groups of three digits ("1.200") separate thousands."""
    cleaned = text.replace(" ", "")
    if "," in cleaned or (whole and THOUSANDS.fullmatch(cleaned)):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    number = Decimal(cleaned)
    if not number.is_finite():
        raise InvalidOperation
    return number


def _parse_cell(model_field: models.Field[Any, Any], text: str) -> Any:
    """Convert one cell to the model field's type; raises ``ValueError`` with a message."""
    if isinstance(model_field, models.BooleanField):
        word = text.casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Write ja or nein (or true/false, 1/0)."))
    if text == "":
        return None if model_field.null else ""
    if isinstance(model_field, models.IntegerField):
        try:
            number = _parse_number(text, whole=True)
        except InvalidOperation:
            raise ValueError(_("Enter a whole number.")) from None
        if number != number.to_integral_value():
            raise ValueError(_("Enter a whole number."))
        return int(number)
    if isinstance(model_field, models.FloatField):
        try:
            return float(_parse_number(text))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if isinstance(model_field, models.DecimalField):
        try:
            return _parse_number(text, whole=model_field.decimal_places == 0)
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
    if isinstance(model_field, models.DateField):
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(_("Enter a date as YYYY-MM-DD or DD.MM.YYYY."))
    return text


def _parse_list(text: str, allowed: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split a ``;``-separated list; returns the values and the unknown ones."""
    values = [part.strip() for part in text.split(";") if part.strip()]
    allowed_set = set(allowed)
    return values, [value for value in values if value not in allowed_set]


def _check_position(prop: Property, errors: dict[str, str]) -> None:
    """The rules of the constraint ``property_lat_lon_valid`` with a message per column."""
    if "lat" in errors or "lon" in errors:
        return
    if (prop.lat is None) != (prop.lon is None):
        errors["lon" if prop.lon is None else "lat"] = _(
            "Give both latitude and longitude, or neither."
        )
    if prop.lat is not None and not -90 <= prop.lat <= 90:
        errors["lat"] = _("The latitude lies between -90 and 90.")
    if prop.lon is not None and not -180 <= prop.lon <= 180:
        errors["lon"] = _("The longitude lies between -180 and 180.")


def _row_property(
    row: dict[str, str], *, organisation: Organisation, actor: Any
) -> tuple[Property, dict[str, str]]:
    """An unsaved property from one CSV row and the row's errors by column."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in IMPORT_COLUMNS:
        text = (row.get(name) or "").strip()
        if name == "transfer_options":
            options, unknown = _parse_list(text, TransferModel.values)
            if unknown:
                errors[name] = _("Unknown transfer option: %(values)s (allowed: %(allowed)s).") % {
                    "values": ", ".join(unknown),
                    "allowed": ", ".join(TransferModel.values),
                }
            for option, field_name in TRANSFER_FIELDS.items():
                values[field_name] = option in options
            continue
        if name == "suitable_uses":
            uses, unknown = _parse_list(text, Use.values)
            if unknown:
                errors[name] = _("Unknown use: %(values)s (allowed: %(allowed)s).") % {
                    "values": ", ".join(unknown),
                    "allowed": ", ".join(Use.values),
                }
            values[name] = list(dict.fromkeys(uses))
            continue
        model_field = _model_field(name)
        if text == "" and model_field.has_default():
            continue
        try:
            values[name] = _parse_cell(model_field, text)
        except ValueError as exc:
            errors[name] = str(exc)
    prop = Property(
        **values,
        owner_organisation=organisation,
        created_by=actor,
        moderation=Moderation.APPROVED,
    )
    _check_position(prop, errors)
    if "lat" not in errors and "lon" not in errors:
        property_locate(prop)
    try:
        # The owner and the actor were checked once for the whole file; the database's check
        # constraints (position, pipeline stage) are checked above, which is much faster for
        # thousands of rows than Django's query per constraint and row.
        prop.full_clean(
            exclude=[*errors, "owner_organisation", "created_by"], validate_constraints=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name if name != "__all__" else "", " ".join(messages))
    return prop, errors


def _read_rows(file: IO[bytes], result: ImportResult) -> list[dict[str, str]] | None:
    """The file's data rows as dictionaries, or ``None`` with a file error in ``result``."""
    data = file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        result.errors.append(
            RowError(0, "", _("The file is larger than %(size)s MB.") % {"size": 5})
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(
            RowError(0, "", _("The file is not UTF-8 encoded. Save it as “CSV UTF-8” and retry."))
        )
        return None
    if not text.strip() or "\x00" in text:
        result.errors.append(RowError(0, "", _("The file is not a CSV file with a header row.")))
        return None
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [name for name in IMPORT_REQUIRED_COLUMNS if name not in header]
        unknown = [
            name
            for name in header
            if name not in IMPORT_COLUMNS and name not in IMPORT_IGNORED_COLUMNS
        ]
        for name in missing:
            result.errors.append(RowError(1, name, _("This required column is missing.")))
        for name in unknown:
            result.errors.append(RowError(1, name, _("This column is unknown.")))
        if missing or unknown:
            return None
        rows: list[dict[str, str]] = []
        for row in reader:
            if len(rows) >= MAX_IMPORT_ROWS:
                result.errors.append(
                    RowError(
                        0,
                        "",
                        _("The file has more than %(count)s rows; split it into smaller files.")
                        % {"count": MAX_IMPORT_ROWS},
                    )
                )
                return None
            rows.append(row)
    except csv.Error:
        result.errors.append(RowError(0, "", _("The file is not a valid CSV file.")))
        return None
    if not rows:
        result.errors.append(RowError(0, "", _("The file contains no rows below the header.")))
        return None
    return rows


def properties_import_csv(
    *, file: IO[bytes], organisation: Organisation, actor: Any
) -> ImportResult:
    """Register the properties of a CSV file (UTF-8, header row, columns ``IMPORT_COLUMNS``)
    as owned by ``organisation``; the actor needs ``properties.add_property`` on it.

    Every row is validated first; if any row has an error, nothing is written and the result
    lists every error (row number counting the header as row 1, column, message).
    Coordinates default to the town's centre."""
    import_permission_check(organisation=organisation, actor=actor)
    result = ImportResult()
    rows = _read_rows(file, result)
    if rows is None:
        return result
    numbered: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=2):
        if None in row:
            result.errors.append(
                RowError(number, "", _("This row has more cells than the header."))
            )
            continue
        numbered.append((number, row))
    return import_rows(numbered, organisation=organisation, actor=actor, result=result)


def import_permission_check(*, organisation: Organisation, actor: Any) -> None:
    """Raise ``PermissionDenied`` unless the actor may register properties for the owner."""
    if not actor.has_perm("properties.add_property", organisation):
        raise PermissionDenied(_("You may not register properties for this organisation."))


def import_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    organisation: Organisation,
    actor: Any,
    result: ImportResult,
) -> ImportResult:
    """Validate numbered rows of text cells (the CSV's, or a GeoJSON file's features) and
    save them all, or none if ``result`` holds or collects any error."""
    properties: list[Property] = []
    for number, row in rows:
        prop, errors = _row_property(row, organisation=organisation, actor=actor)
        for name, message in errors.items():
            result.errors.append(RowError(number, name, message))
        properties.append(prop)
    if result.errors:
        return result
    # save() rather than bulk_create: it derives the public position, and signals fire.
    with transaction.atomic():
        for prop in properties:
            prop.save()
    result.created = len(properties)
    return result
