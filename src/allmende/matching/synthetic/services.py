"""Storing and removing synthetic data (``allmende generate``)."""

import datetime
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connections, router, transaction
from django.db.models import CASCADE, DO_NOTHING, SET_NULL, Model, ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.core.places import Place
from allmende.core.progress import ProgressCallback
from allmende.matching.models import Recommendation
from allmende.matching.synthetic.columns import (
    SLUG_PREFIX,
    Columns,
    OrganisationColumns,
    initiative_columns,
    need_columns,
    owner_columns,
    place_weights,
    populated_places,
    property_columns,
)
from allmende.matching.synthetic.vocabulary import SYNTHETIC_NOTE
from allmende.needs.models import SpaceNeed, Visibility
from allmende.networks.models import Organisation
from allmende.networks.selectors import organisation_map_invalidate
from allmende.properties.models import Moderation, Property, PropertyStatus

BATCH_SIZE = 5_000
# Modest numbers of organisations: one owner per 40 properties, one initiative per 4 needs.
PROPERTIES_PER_OWNER = 40
NEEDS_PER_INITIATIVE = 4
MAX_OWNERS = 2_500
MAX_INITIATIVES = 2_500


class SyntheticDataExists(ValueError):
    """Synthetic data of this seed is already stored; the message is fit for the user."""


@dataclass(frozen=True, slots=True)
class SyntheticResult:
    """What ``synthetic_generate`` stored, and how long it took."""

    seed: int
    organisations: int
    properties: int
    needs: int
    seconds: float


def _silent(label: str, done: int, total: int) -> None:
    """A ProgressCallback that shows nothing."""


def synthetic_organisation_counts(*, properties: int, needs: int) -> tuple[int, int]:
    """How many owner organisations and initiatives go with the given numbers of rows."""
    owners = min(MAX_OWNERS, -(-properties // PROPERTIES_PER_OWNER))
    initiatives = min(MAX_INITIATIVES, -(-needs // NEEDS_PER_INITIATIVE))
    return owners, initiatives


def synthetic_generate(
    *,
    properties: int,
    needs: int,
    seed: int,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> SyntheticResult:
    """Store ``properties`` synthetic properties and ``needs`` space needs with their owner
    organisations and initiatives, all marked ``is_synthetic``, in one transaction.

    Places are drawn in proportion to their population. Properties are published, approved and
    vacant; needs are active and public. The same seed and counts give the same data (dates
    count from today). Raises ValueError for negative numbers and SyntheticDataExists when data
    of this seed is stored already. ``progress(label, done, total)`` is called per batch.
    """
    if properties < 0 or needs < 0:
        raise ValueError(_("The numbers of properties and needs must not be negative."))
    if seed < 0:
        raise ValueError(_("The seed must not be negative."))
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.monotonic()
    report = progress or _silent
    owner_count, initiative_count = synthetic_organisation_counts(
        properties=properties, needs=needs
    )
    first_slugs = [f"{SLUG_PREFIX}-eigentuemer-1-{seed}", f"{SLUG_PREFIX}-initiative-1-{seed}"]
    if Organisation.objects.filter(slug__in=first_slugs).exists():
        raise SyntheticDataExists(
            _(
                "Synthetic data with the seed %(seed)s exists already. Remove it first "
                "(allmende generate --remove) or choose another seed."
            )
            % {"seed": seed}
        )

    places = populated_places()
    weights = place_weights(places)
    # One stream per part: the needs of a seed do not depend on the number of properties.
    owner_rng, property_rng, initiative_rng, need_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )
    today = timezone.localdate()
    owners, owner_kinds = owner_columns(owner_rng, places, weights, owner_count, seed)
    initiatives = initiative_columns(initiative_rng, places, weights, initiative_count, seed)
    property_data = property_columns(
        property_rng,
        places=places,
        weights=weights,
        count=properties,
        owners=owners,
        owner_kinds=owner_kinds,
        today=today,
    )
    need_data = need_columns(
        need_rng, places=places, count=needs, initiatives=initiatives, today=today
    )

    now = timezone.now()
    note = SYNTHETIC_NOTE.format(seed=seed)
    with transaction.atomic():
        label = _("Organisations")
        total = owner_count + initiative_count
        report(label, 0, total)
        owner_ids = _organisations_create(owners, places, note=note, now=now)
        report(label, owner_count, total)
        initiative_ids = _organisations_create(initiatives, places, note=note, now=now)
        report(label, total, total)

        property_data["owner_organisation_id"] = [
            owner_ids[i] if i >= 0 else None for i in property_data.pop("owner")
        ]
        property_data["public_lat"], property_data["public_lon"] = _public_positions(property_data)
        property_fixed = {
            "description": note,
            "status": PropertyStatus.VACANT,
            "is_published": True,
            "is_synthetic": True,
            "moderation": Moderation.APPROVED,
            "created_at": now,
            "updated_at": now,
        }
        _insert(
            Property,
            property_data,
            fixed=property_fixed,
            label=_("Properties"),
            report=report,
            batch_size=batch_size,
        )

        need_data["organisation_id"] = [initiative_ids[i] for i in need_data.pop("initiative")]
        need_fixed = {
            "description": note,
            "visibility": Visibility.PUBLIC,
            "is_active": True,
            "is_synthetic": True,
            "created_at": now,
            "updated_at": now,
        }
        _insert(
            SpaceNeed,
            need_data,
            fixed=need_fixed,
            label=_("Space needs"),
            report=report,
            batch_size=batch_size,
        )
        # bulk_create sends no post_save, so the organisation map would not know.
        transaction.on_commit(organisation_map_invalidate)

    return SyntheticResult(
        seed=seed,
        organisations=owner_count + initiative_count,
        properties=properties,
        needs=needs,
        seconds=time.monotonic() - started,
    )


# Fields whose Python values (int, float, bool, str, None) every database driver takes as they
# are; other fields (dates, decimals, JSON) go through the field's own conversion.
_PLAIN_FIELDS = {
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def _insert(
    model: type[Model],
    columns: Columns,
    *,
    fixed: dict[str, Any],
    label: str,
    report: ProgressCallback,
    batch_size: int,
) -> None:
    """Insert one row per entry of ``columns`` (keyed by field attname; ``fixed`` holds the
    same value for every row, other fields take their defaults) in batches.

    ``bulk_create`` spends most of its time compiling SQL value by value (about a minute for
    100 000 properties); pre-converted columns inserted with ``executemany`` (or ``COPY`` on
    PostgreSQL) take a fraction of it. Like ``bulk_create`` it calls no ``save()`` and
    sends no signals.
    """
    connection = connections[router.db_for_write(model)]
    total = len(next(iter(columns.values()), []))
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    unknown = (set(columns) | set(fixed)) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    prepared: list[Sequence[Any]] = []
    for field in fields:
        if field.attname in columns:
            values = columns[field.attname]
            if field.get_internal_type() not in _PLAIN_FIELDS:
                values = [field.get_db_prep_save(v, connection) for v in values]
            prepared.append(values)
        else:
            value = fixed[field.attname] if field.attname in fixed else field.get_default()
            prepared.append([field.get_db_prep_save(value, connection)] * total)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column or f.attname) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    rows = list(zip(*prepared, strict=True))
    report(label, 0, total)
    with connection.cursor() as cursor:
        for start in range(0, total, batch_size):
            batch = rows[start : start + batch_size]
            # Table and column names come from the model, every value is a parameter.
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERT for psycopg, which binds client-side.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
                cursor.executemany(sql, batch)
            report(label, min(total, start + batch_size), total)


def _public_positions(columns: Columns) -> tuple[list[float | None], list[float | None]]:
    """The public coordinates that ``Property.save()`` would store (raw inserts skip it)."""
    public_lat: list[float | None] = []
    public_lon: list[float | None] = []
    for lat, lon, sensitive, radius, salt in zip(
        columns["lat"],
        columns["lon"],
        columns["is_sensitive"],
        columns["privacy_radius_m"],
        columns["privacy_salt"],
        strict=True,
    ):
        if sensitive:
            lat, lon = Property(
                lat=lat, lon=lon, is_sensitive=True, privacy_radius_m=radius, privacy_salt=salt
            ).public_position()
        public_lat.append(lat)
        public_lon.append(lon)
    return public_lat, public_lon


def _organisations_create(
    columns: OrganisationColumns, places: Sequence[Place], *, note: str, now: datetime.datetime
) -> list[int]:
    """Insert the organisations and return their ids, in order."""
    organisations = [
        Organisation(
            name=name,
            slug=slug,
            kind=kind,
            city=places[place].name,
            state=places[place].state,
            lat=float(lat),
            lon=float(lon),
            description=note,
            is_synthetic=True,
            created_at=now,
        )
        for name, slug, kind, place, lat, lon in zip(
            columns.names,
            columns.slugs,
            columns.kinds,
            columns.place,
            columns.lat,
            columns.lon,
            strict=True,
        )
    ]
    created = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
    return [o.pk for o in created]


def synthetic_remove(
    *, progress: ProgressCallback | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Delete every synthetic space need, property and organisation, and what hangs on them
    (recommendations, interests, status changes …), in one transaction; real rows stay.

    Real needs and properties that listed synthetic ones among their recommendations are
    re-ranked by a background task after the commit. Returns the numbers deleted: ``needs``,
    ``properties``, ``organisations`` and ``related`` (all other rows removed with them).
    """
    report = progress or _silent
    counts = {"needs": 0, "properties": 0, "organisations": 0, "related": 0}
    with transaction.atomic():
        stale_needs = _ids(
            Recommendation.objects.filter(
                property__is_synthetic=True, need__is_synthetic=False, rank_for_need__isnull=False
            ),
            "need_id",
        )
        stale_properties = _ids(
            Recommendation.objects.filter(
                need__is_synthetic=True,
                property__is_synthetic=False,
                rank_for_property__isnull=False,
            ),
            "property_id",
        )
        for key, model, label in (
            ("needs", SpaceNeed, _("Space needs")),
            ("properties", Property, _("Properties")),
        ):
            deleted, related = _rows_delete(
                model, label=label, report=report, batch_size=batch_size
            )
            counts[key] += deleted
            counts["related"] += related
        # Few rows, and their post_delete signals keep the organisation map current.
        organisations = _ids(Organisation.objects.filter(is_synthetic=True), "pk")
        label = _("Organisations")
        report(label, 0, len(organisations))
        for start in range(0, len(organisations), batch_size):
            chunk = organisations[start : start + batch_size]
            _total, per_model = Organisation.objects.filter(pk__in=chunk).delete()
            for model_label, number in per_model.items():
                key = {
                    Organisation._meta.label: "organisations",
                    SpaceNeed._meta.label: "needs",
                }.get(model_label, "related")
                counts[key] += number
            report(label, start + len(chunk), len(organisations))
        if stale_needs or stale_properties:
            transaction.on_commit(
                lambda: _refresh_enqueue(need_ids=stale_needs, property_ids=stale_properties)
            )
    return counts


def _ids(queryset: "QuerySet[Any]", field: str) -> list[int]:
    return sorted(set(queryset.values_list(field, flat=True)))


def _refresh_enqueue(*, need_ids: list[int], property_ids: list[int]) -> None:
    # Imported here: the task module loads the matching engine (scipy), which removal and
    # generation do not need otherwise.
    from allmende.matching.tasks import refresh_recommendations

    refresh_recommendations.enqueue(need_ids=need_ids, property_ids=property_ids)


def _rows_delete(
    model: type[Property] | type[SpaceNeed],
    *,
    label: str,
    report: ProgressCallback,
    batch_size: int,
) -> tuple[int, int]:
    """Delete the synthetic rows of ``model`` in batches: first the rows that refer to them
    (as their ``on_delete`` says), then the rows themselves with plain SQL.

    ``QuerySet.delete()`` would load every row and send pre/post_delete signals that re-rank
    recommendations one row at a time, which takes minutes for 100 000 rows; the
    re-ranking is done once by ``synthetic_remove`` instead. Returns (rows, related rows).
    """
    ids = _ids(model._base_manager.filter(is_synthetic=True), "pk")
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    relations = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]
    # Batches are ranges of ids, so that no statement carries thousands of parameters.
    sql = "DELETE FROM {table} WHERE {synthetic} = %s AND {pk} BETWEEN %s AND %s".format(  # noqa: S608
        table=quote(model._meta.db_table),
        synthetic=quote(str(model._meta.get_field("is_synthetic").column)),
        pk=quote(str(model._meta.pk.column)),
    )
    deleted = related = 0
    report(label, 0, len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        batch = model._base_manager.filter(is_synthetic=True, pk__range=(chunk[0], chunk[-1]))
        for relation in relations:
            related += _referring_rows_handle(relation, batch.values("pk"))
        with connection.cursor() as cursor:
            cursor.execute(sql, [True, chunk[0], chunk[-1]])
            deleted += cursor.rowcount
        report(label, start + len(chunk), len(ids))
    return deleted, related


def _referring_rows_handle(relation: Any, targets: "QuerySet[Any]") -> int:
    """Apply the ``on_delete`` of a foreign key to the rows that refer to ``targets`` (a
    subquery of primary keys); returns the number of rows deleted. Refuses (ProtectedError)
    when rows protect them."""
    field = relation.field
    referring = relation.related_model._base_manager.filter(**{f"{field.name}__in": targets})
    on_delete = field.remote_field.on_delete
    if on_delete is CASCADE:
        total, _per_model = referring.delete()
        return int(total)
    if on_delete is SET_NULL:
        referring.update(**{field.name: None})
    elif on_delete is not DO_NOTHING and referring.exists():
        raise ProtectedError(
            _("Synthetic data cannot be removed: %(model)s rows still refer to it.")
            % {"model": relation.related_model._meta.verbose_name_plural},
            set(referring[:10]),
        )
    return 0
