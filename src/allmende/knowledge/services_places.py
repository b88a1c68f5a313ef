"""Writes on example places and their photos. Admins and the coordinators of the place's
network (``knowledge.change_content``) may; photos are size-checked, re-encoded (no metadata)
and stored under random names, always with alt text, author and licence."""

import secrets
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.images import image_reencode
from allmende.core.places import place_find
from allmende.knowledge.models import ExamplePlace, ExamplePlacePhoto, ImpactCriterion
from allmende.networks.models import Network
from allmende.search.services import search_index

PLACE_EDITABLE_FIELDS = (
    "name",
    "city",
    "state",
    "lat",
    "lon",
    "former_use",
    "new_use",
    "carrier_organisation",
    "carrier_name",
    "year",
    "story",
    "is_published",
    "published_at",
)
PHOTO_MAX_EDGE = 1600
# Path segments of other pages under /wissen/praxisbeispiele/ (urls_places.py).
RESERVED_SLUGS = frozenset({"karte", "neu"})


def _require_change(actor: User, obj: ExamplePlace | Network) -> None:
    if not actor.has_perm("knowledge.change_content", obj):
        raise PermissionDenied(_("You may not edit the example places of this network."))


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(name) or "ort")[:70].strip("-") or "ort"
    taken = ExamplePlace.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    slugs = set(taken.values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in slugs:
        slug = f"{base}-{n}"
        n += 1
    return slug


def place_locate(place: ExamplePlace) -> None:
    """Give the place coordinates: those entered (both or neither), or else the centre of its
    town from the places CSV (by town and state). Raises ``ValidationError`` at the fields when
    only one coordinate is given or the town is not known."""
    has_lat, has_lon = place.lat is not None, place.lon is not None
    if has_lat != has_lon:
        missing = "lon" if has_lat else "lat"
        raise ValidationError(
            {missing: _("Give both latitude and longitude, or neither (then the town's centre).")}
        )
    if has_lat:
        return
    found = place_find(place.city, place.state) if place.city else None
    if found is None:
        raise ValidationError(
            {
                "city": _(
                    "This town is not in our list of places in this state; please enter "
                    "latitude and longitude."
                )
            }
        )
    place.lat, place.lon = found.lat, found.lon


def _save(place: ExamplePlace, impact_criteria: Iterable[ImpactCriterion]) -> ExamplePlace:
    place_locate(place)
    place.full_clean()
    place.save()
    place.impact_criteria.set(list(impact_criteria))
    # The index entry was written on save, before the criteria were set.
    search_index(place)
    return place


@transaction.atomic
def place_create(
    *,
    network: Network,
    actor: User,
    data: dict[str, Any],
    impact_criteria: Iterable[ImpactCriterion] = (),
) -> ExamplePlace:
    """Create an example place of ``network``; those with ``knowledge.change_content`` on the
    network may. Keys of ``data`` outside ``PLACE_EDITABLE_FIELDS`` are ignored; the slug
    comes from the name; missing coordinates come from the town (``place_locate``)."""
    _require_change(actor, network)
    place = ExamplePlace(
        network=network,
        **{k: v for k, v in data.items() if k in PLACE_EDITABLE_FIELDS},
    )
    place.slug = _unique_slug(place.name)
    return _save(place, impact_criteria)


@transaction.atomic
def place_update(
    *,
    place: ExamplePlace,
    actor: User,
    data: dict[str, Any],
    impact_criteria: Iterable[ImpactCriterion],
    network: Network | None = None,
) -> ExamplePlace:
    """Change an example place; the actor needs ``knowledge.change_content`` on the place and,
    to move it, on the new network. The slug (its address) stays. A new town without new
    coordinates moves the place to that town's centre."""
    _require_change(actor, place)
    if network is not None and network.pk != place.network_id:
        _require_change(actor, network)
        place.network = network
    old_town, old_position = (place.city, place.state), (place.lat, place.lon)
    for key, value in data.items():
        if key in PLACE_EDITABLE_FIELDS:
            setattr(place, key, value)
    moved = (place.city, place.state) != old_town
    if moved and (place.lat, place.lon) == old_position:
        place.lat = place.lon = None  # type: ignore[assignment]
    return _save(place, impact_criteria)


def place_photo_prepare(upload: UploadedFile[Any]) -> ContentFile[bytes]:
    """Check an uploaded photo's size against ``PROPERTY_PHOTO_MAX_BYTES`` (the platform's one
    photo limit) and re-encode it (at most ``PHOTO_MAX_EDGE`` pixels, no metadata) under a
    random name. Raises ``ValidationError`` for too large files and non-images."""
    limit: int = settings.PROPERTY_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The photo may be at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    image = image_reencode(upload, max_edge=PHOTO_MAX_EDGE)
    suffix = PurePath(image.name or "").suffix or ".jpg"
    image.name = f"{secrets.token_urlsafe(18)}{suffix}"
    return image


@transaction.atomic
def place_photo_add(
    *,
    place: ExamplePlace,
    actor: User,
    image: ContentFile[bytes],
    alt_text: str,
    author: str,
    licence: str,
) -> ExamplePlacePhoto:
    """Add a photo after the place's other photos. ``image`` is the output of
    ``place_photo_prepare``; alt text, author and licence are required."""
    _require_change(actor, place)
    last = ExamplePlacePhoto.objects.filter(place=place).aggregate(last=Max("position"))["last"]
    photo = ExamplePlacePhoto(
        place=place,
        image=image,
        alt_text=alt_text,
        author=author,
        licence=licence,
        position=0 if last is None else last + 1,
    )
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def place_photo_delete(*, photo: ExamplePlacePhoto, actor: User) -> None:
    """Delete a photo and, once the transaction has committed, its file."""
    _require_change(actor, photo.place)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
