"""Every write on space needs."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.choices import TransferModel, Use
from allmende.core.models import State
from allmende.core.places import place_find
from allmende.needs.models import SpaceNeed, TimeModel, Visibility
from allmende.networks.models import Organisation

SPACE_NEED_EDITABLE_FIELDS = (
    "title",
    "description",
    "uses",
    "area_min",
    "area_max",
    "centre_name",
    "centre_lat",
    "centre_lon",
    "radius_km",
    "municipalities",
    "states",
    "max_rent",
    "max_price",
    "transfer_models",
    "time_model",
    "available_from",
    "group_size",
    "legal_form",
    "self_use_share",
    "accessibility_required",
    "renovation_willingness",
    "common_good_offer",
    "visibility",
    "network",
    "is_active",
)


def _apply(need: SpaceNeed, data: dict[str, Any]) -> None:
    old_centre = need.centre_name
    for key, value in data.items():
        if key in SPACE_NEED_EDITABLE_FIELDS:
            setattr(need, key, value)
    moved = (need.centre_name or "").strip() != (old_centre or "").strip()
    if moved and "centre_lat" not in data and "centre_lon" not in data:
        # A new town without new coordinates: look the new town up rather than keeping the
        # position of the old one.
        need.centre_lat = need.centre_lon = None


def _validate(need: SpaceNeed) -> None:
    """Check the rules that span fields; fill the centre's coordinates from the town name."""
    errors: dict[str, list[str]] = {}
    if need.area_min is not None and need.area_max is not None and need.area_min > need.area_max:
        errors.setdefault("area_max", []).append(
            _("The largest area must not be smaller than the smallest area.")
        )
    if not need.uses:
        errors.setdefault("uses", []).append(_("Choose at least one use."))
    elif any(value not in Use.values for value in need.uses):
        errors.setdefault("uses", []).append(_("Choose only uses from the list."))
    if not need.transfer_models:
        errors.setdefault("transfer_models", []).append(
            _("Choose at least one transfer model you accept.")
        )
    elif any(value not in TransferModel.values for value in need.transfer_models):
        errors.setdefault("transfer_models", []).append(
            _("Choose only transfer models from the list.")
        )
    if any(value not in State.values for value in need.states or []):
        errors.setdefault("states", []).append(_("Choose only states from the list."))
    need.centre_name = (need.centre_name or "").strip()
    need.municipalities = [m.strip() for m in need.municipalities or [] if m.strip()]
    if (need.centre_lat is None) != (need.centre_lon is None):
        errors.setdefault("centre_name", []).append(
            _("Give both latitude and longitude of the centre, or neither.")
        )
    elif need.centre_name and need.centre_lat is None:
        place = place_find(need.centre_name)
        if place is None:
            errors.setdefault("centre_name", []).append(
                _("We do not know a town called “%(name)s”. Check the spelling.")
                % {"name": need.centre_name}
            )
        else:
            need.centre_lat, need.centre_lon = place.lat, place.lon
    has_centre = need.centre_lat is not None or bool(need.centre_name)
    if not has_centre and not need.municipalities and not need.states:
        errors.setdefault("centre_name", []).append(
            _("Give a search centre with a radius, or a list of municipalities or states.")
        )
    if need.time_model == TimeModel.FROM_DATE and need.available_from is None:
        errors.setdefault("available_from", []).append(
            _("Give the date from which you need the space.")
        )
    if need.visibility == Visibility.NETWORK and need.network_id is None:
        errors.setdefault("network", []).append(
            _("Choose the network whose members may see this space need.")
        )
    if errors:
        raise ValidationError(errors)


def _save(need: SpaceNeed) -> SpaceNeed:
    _validate(need)
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def space_need_create(
    *, organisation: Organisation, actor: User, data: dict[str, Any]
) -> SpaceNeed:
    """Create a space need for an initiative; only its editors and admins may.

    Unknown keys in ``data`` are ignored. A centre given by name only gets its coordinates from
    the places list; an unknown town is a ValidationError on ``centre_name``.
    """
    if not actor.has_perm("needs.add_space_need", organisation):
        raise PermissionDenied(_("You may not add space needs for this organisation."))
    need = SpaceNeed(organisation=organisation, created_by=actor)
    _apply(need, data)
    return _save(need)


@transaction.atomic
def space_need_update(*, need: SpaceNeed, actor: User, data: dict[str, Any]) -> SpaceNeed:
    """Change a space need; only the initiative's editors, coordinators of the need's network
    and admins may. Unknown keys are ignored; a changed centre name without coordinates is looked
    up again."""
    if not actor.has_perm("needs.change_space_need", need):
        raise PermissionDenied(_("You may not edit this space need."))
    _apply(need, data)
    return _save(need)
