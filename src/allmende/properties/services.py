"""Writes on properties: registration and editing, reports by visitors and their moderation,
the status timeline and the pipeline."""

import datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.choices import Licence
from allmende.core.places import place_find
from allmende.networks.models import Organisation
from allmende.properties.models import (
    Moderation,
    OwnerKind,
    PipelineMove,
    PipelineStage,
    Property,
    PropertyKind,
    PropertyPhoto,
    PropertyStatusChange,
)

# What owners may set through the form (and the API); status and pipeline stage have their
# own services, moderation and publication of reports too.
PROPERTY_EDITABLE_FIELDS = (
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
    "is_sensitive",
    "privacy_radius_m",
    "owner_kind",
    "transfer_sale",
    "transfer_leasehold",
    "leasehold_term_years",
    "leasehold_rate_percent",
    "transfer_rent",
    "transfer_interim",
    "asking_price",
    "asking_rent",
    "suitable_uses",
    "is_published",
)
REPORT_FIELDS = ("title", "description", "street", "postcode", "city", "state", "reporter_email")


def _check_position(prop: Property) -> None:
    """Both coordinates or neither: one alone is an error on the missing one."""
    if (prop.lat is None) != (prop.lon is None):
        missing = "lon" if prop.lon is None else "lat"
        raise ValidationError(
            {missing: _("Give both latitude and longitude, or neither (then the town's centre).")}
        )


def property_locate(prop: Property) -> None:
    """Fill missing coordinates with the centre of the town (places CSV, by town and state)."""
    if prop.has_location or not prop.city:
        return
    place = place_find(prop.city, prop.state)
    if place is not None:
        prop.lat, prop.lon = place.lat, place.lon


@transaction.atomic
def property_create(*, organisation: Organisation, actor: User, data: dict[str, Any]) -> Property:
    """Register a property owned by ``organisation``; its editors, coordinators of its
    networks and admins may. Unknown keys are ignored; coordinates default to the town."""
    if not actor.has_perm("properties.add_property", organisation):
        raise PermissionDenied(_("You may not register properties for this organisation."))
    prop = Property(
        **{k: v for k, v in data.items() if k in PROPERTY_EDITABLE_FIELDS},
        owner_organisation=organisation,
        created_by=actor,
        moderation=Moderation.APPROVED,
    )
    _check_position(prop)
    property_locate(prop)
    prop.full_clean()
    prop.save()
    return prop


@transaction.atomic
def property_update(*, property: Property, actor: User, data: dict[str, Any]) -> Property:
    """Change a property's data; those with ``properties.change_property`` may. Unknown keys
    are ignored; a new town without new coordinates moves the property to that town."""
    if not actor.has_perm("properties.change_property", property):
        raise PermissionDenied(_("You may not edit this property."))
    old_place, old_position = (property.city, property.state), (property.lat, property.lon)
    for key, value in data.items():
        if key in PROPERTY_EDITABLE_FIELDS:
            setattr(property, key, value)
    moved = (property.city, property.state) != old_place
    if moved and (property.lat, property.lon) == old_position:
        property.lat = property.lon = None
    _check_position(property)
    property_locate(property)
    property.full_clean()
    property.save()
    return property


@transaction.atomic
def report_submit(
    *,
    data: dict[str, Any],
    reporter: User | None = None,
    photo: ContentFile[bytes] | None = None,
    photo_author: str = "",
    photo_rights_consent: bool = False,
) -> Property:
    """Store a visitor's report of a vacancy: hidden, unpublished and waiting for a
    coordinator. Unknown keys are ignored; coordinates default to the town.

    ``photo`` (the output of ``services_media.photo_image_prepare``) needs the author's name
    and the reporter's confirmation that they hold the rights and grant its use; it is kept in
    private storage until a coordinator approves the report."""
    prop = Property(
        **{k: v for k, v in data.items() if k in REPORT_FIELDS},
        kind=PropertyKind.VACANT,
        owner_kind=OwnerKind.PRIVATE,
        moderation=Moderation.PENDING,
        is_published=False,
        created_by=reporter,
    )
    if photo is not None:
        errors = {}
        if not photo_rights_consent:
            errors["photo_rights_consent"] = _(
                "Please confirm that you hold the rights to the photo, or send the report "
                "without it."
            )
        if not photo_author.strip():
            errors["photo_author"] = _("Please name who took the photo.")
        if errors:
            raise ValidationError(errors)
        prop.report_photo = photo
        prop.report_photo_author = photo_author.strip()
        prop.report_photo_consent_at = timezone.now()
    property_locate(prop)
    prop.full_clean()
    prop.save()
    return prop


def _report_photo_publish(prop: Property) -> PropertyPhoto:
    """Copy the report's private photo into the property's public photos."""
    with prop.report_photo.open("rb") as handle:
        content = ContentFile(handle.read(), name=PurePath(prop.report_photo.name or "").name)
    title = prop.title[:150]
    photo = PropertyPhoto(
        property=prop,
        image=content,
        alt_text=_("Photo of the reported building: %(title)s") % {"title": title},
        author=prop.report_photo_author,
        licence=Licence.PERMISSION,
        position=0,
        uploaded_by=prop.created_by,
    )
    photo.full_clean()
    photo.save()
    return photo


def _report_decide(*, property: Property, actor: User, moderation: str) -> Property:
    if not actor.has_perm("properties.moderate_report", property):
        raise PermissionDenied(_("You may not moderate this report."))
    if property.moderation != Moderation.PENDING:
        raise ValidationError(_("This report has already been decided."))
    property.moderation = moderation
    property.is_published = moderation == Moderation.APPROVED
    fields = ["moderation", "is_published", "updated_at"]
    if property.report_photo:
        # Approved: the photo becomes public; rejected: it is not kept. Either way the
        # private copy goes once the decision is committed.
        if moderation == Moderation.APPROVED:
            _report_photo_publish(property)
        storage, name = property.report_photo.storage, property.report_photo.name or ""
        transaction.on_commit(lambda: storage.delete(name))
        property.report_photo = ""
        property.report_photo_author = ""
        fields += ["report_photo", "report_photo_author"]
    property.save(update_fields=fields)
    return property


@transaction.atomic
def report_approve(*, property: Property, actor: User) -> Property:
    """Approve a pending report: it becomes a published property. Admins and coordinators of
    a network with a member organisation in the report's state may."""
    return _report_decide(property=property, actor=actor, moderation=Moderation.APPROVED)


@transaction.atomic
def report_reject(*, property: Property, actor: User) -> Property:
    """Reject a pending report: it stays hidden. Same permission as ``report_approve``."""
    return _report_decide(property=property, actor=actor, moderation=Moderation.REJECTED)


@transaction.atomic
def property_status_change(
    *,
    property: Property,
    status: str,
    actor: User | None,
    valid_from: datetime.date | None = None,
    note: str = "",
) -> PropertyStatusChange:
    """Append a dated, attributed entry to the status timeline; the property's current status
    is the entry with the latest date (entries may be back-dated). Saving the property queues
    the same recommendation refresh (after commit) as any other change of it."""
    change = PropertyStatusChange(
        property=property,
        status=status,
        valid_from=valid_from or timezone.localdate(),
        note=note,
        actor=actor,
    )
    change.full_clean()
    change.save()
    latest = (
        PropertyStatusChange.objects.filter(property=property)
        .order_by("-valid_from", "-created_at", "-pk")
        .first()
    )
    assert latest is not None  # noqa: S101 - the entry was just saved
    property.status = latest.status
    # A model save (not QuerySet.update) so that post_save reaches every receiver: the map
    # cache, the search index and the coalesced recommendation refresh of the matching app,
    # which takes a property that left the market out of every stored list.
    property.save(update_fields=["status", "updated_at"])
    return change


@transaction.atomic
def property_pipeline_move(*, property: Property, stage: int, actor: User | None) -> Property:
    """Move a property to a stage of the development pipeline (1–6) and record who moved it
    from which stage (``PipelineMove``); moving a card to its own stage records nothing."""
    if stage not in PipelineStage.values:
        raise ValidationError(_("There is no pipeline stage %(stage)s.") % {"stage": stage})
    previous = property.pipeline_stage
    if previous == stage:
        return property
    property.pipeline_stage = stage
    property.save(update_fields=["pipeline_stage", "updated_at"])
    PipelineMove.objects.create(property=property, from_stage=previous, to_stage=stage, actor=actor)
    return property
