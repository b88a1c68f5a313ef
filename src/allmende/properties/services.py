"""Writes on properties: the status timeline and the pipeline."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.properties.models import PipelineStage, Property, PropertyStatusChange


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
    is the entry with the latest date (entries may be back-dated)."""
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
    Property.objects.filter(pk=property.pk).update(status=latest.status)
    property.status = latest.status
    return change


@transaction.atomic
def property_pipeline_move(*, property: Property, stage: int, actor: User | None) -> Property:
    """Move a property to a stage of the development pipeline (1–6)."""
    if stage not in PipelineStage.values:
        raise ValidationError(_("There is no pipeline stage %(stage)s.") % {"stage": stage})
    property.pipeline_stage = stage
    property.save(update_fields=["pipeline_stage", "updated_at"])
    return property
