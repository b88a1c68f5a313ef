"""Reads of properties shared by the pages and the API; permission filtering happens here."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from allmende.networks.models import (
    Membership,
    MembershipStatus,
    Network,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
)
from allmende.properties.models import Moderation, Property, PropertyStatusChange

# Filter value → boolean field of the transfer option.
TRANSFER_FIELDS = {
    "sale": "transfer_sale",
    "leasehold": "transfer_leasehold",
    "rent": "transfer_rent",
    "interim": "transfer_interim",
}


@dataclass(frozen=True, slots=True)
class PropertyFilters:
    """The list's filters; empty values mean "no filter"."""

    kind: str = ""
    status: str = ""
    state: str = ""
    town: str = ""
    area_min: int | None = None
    area_max: int | None = None
    transfer: str = ""
    use: str = ""


def _own_organisation_ids(user: Any) -> QuerySet[OrganisationRole, Any]:
    return OrganisationRole.objects.filter(user=user).values("organisation_id")


def _coordinated_organisation_ids(user: Any) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(
        status=MembershipStatus.ACTIVE, network__coordinators__user=user
    ).values("organisation_id")


def _visible(user: Any) -> Q:
    """Published, approved properties for everyone; unpublished ones to the owner
    organisation's people, its networks' coordinators and admins. Reports waiting for
    moderation (or rejected) are never listed here."""
    public = Q(is_published=True, moderation=Moderation.APPROVED)
    if not user.is_authenticated:
        return public
    if user.is_superuser:
        return Q(moderation=Moderation.APPROVED)
    return public | Q(
        Q(owner_organisation_id__in=_own_organisation_ids(user))
        | Q(owner_organisation_id__in=_coordinated_organisation_ids(user)),
        moderation=Moderation.APPROVED,
    )


def property_list(*, filters: PropertyFilters, user: Any) -> QuerySet[Property]:
    """The properties the user may see that match the filters, ordered by title."""
    queryset = Property.objects.filter(_visible(user)).select_related("owner_organisation")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.town:
        queryset = queryset.filter(city__icontains=filters.town)
    if filters.area_min is not None:
        queryset = queryset.filter(usable_area__gte=filters.area_min)
    if filters.area_max is not None:
        queryset = queryset.filter(usable_area__lte=filters.area_max)
    if filters.transfer in TRANSFER_FIELDS:
        queryset = queryset.filter(**{TRANSFER_FIELDS[filters.transfer]: True})
    if filters.use:
        # The JSON list is stored as text on SQLite and as jsonb on PostgreSQL; a quoted
        # substring match works on both and cannot match a longer use name.
        queryset = queryset.filter(suitable_uses__icontains=f'"{filters.use}"')
    return queryset.order_by("title", "pk")


def property_get(*, pk: int, user: Any) -> Property:
    """One property the user may see, with its status timeline; raises
    ``Property.DoesNotExist`` otherwise."""
    timeline = PropertyStatusChange.objects.select_related("actor").order_by(
        "valid_from", "created_at", "pk"
    )
    return (
        property_list(filters=PropertyFilters(), user=user)
        .prefetch_related(Prefetch("status_changes", queryset=timeline))
        .get(pk=pk)
    )


def organisations_for_new_property(*, user: Any) -> QuerySet[Organisation]:
    """The organisations for which the user may register a property: those they edit, the
    members of networks they coordinate, all for admins."""
    queryset = Organisation.objects.filter(is_active=True)
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        edited = OrganisationRole.objects.filter(
            user=user, role=OrganisationRoleKind.EDITOR
        ).values("organisation_id")
        queryset = queryset.filter(Q(pk__in=edited) | Q(pk__in=_coordinated_organisation_ids(user)))
    return queryset.order_by("name", "pk")


def pipeline_properties(
    *, organisation: Organisation | None = None, network: Network | None = None
) -> QuerySet[Property]:
    """The approved properties on a pipeline board: those of one owner organisation or of the
    active member organisations of one network. The caller checks who may see the board."""
    queryset = Property.objects.filter(moderation=Moderation.APPROVED).select_related(
        "owner_organisation"
    )
    if organisation is not None:
        queryset = queryset.filter(owner_organisation=organisation)
    elif network is not None:
        members = Membership.objects.filter(network=network, status=MembershipStatus.ACTIVE).values(
            "organisation_id"
        )
        queryset = queryset.filter(owner_organisation_id__in=members)
    else:
        queryset = queryset.none()
    return queryset.order_by("title", "pk")


def report_list(*, user: Any) -> QuerySet[Property]:
    """Reports by visitors waiting for moderation that the user may decide: admins all,
    coordinators those in a state where a member organisation of their networks is based."""
    queryset = Property.objects.filter(moderation=Moderation.PENDING)
    if not user.is_authenticated:
        return queryset.none()
    if not user.is_superuser:
        states = Organisation.objects.filter(
            memberships__status=MembershipStatus.ACTIVE,
            memberships__network__coordinators__user=user,
        ).values("state")
        queryset = queryset.filter(state__in=states)
    return queryset.order_by("created_at", "pk")
