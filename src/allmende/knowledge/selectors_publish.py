"""Reads of publications, positions and news shared by the pages.

Everyone sees what is published (and whose publication date has come); the coordinators of a
network also see its drafts and scheduled items, admins see everything.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from allmende.knowledge.models import (
    News,
    Position,
    PositionSignature,
    Publication,
    Publishable,
)
from allmende.networks.models import (
    MembershipStatus,
    Network,
    Organisation,
    OrganisationRole,
    OrganisationRoleKind,
)


def _visible[ItemT: Publishable](queryset: QuerySet[ItemT], user: Any) -> QuerySet[ItemT]:
    """Public items for everyone; drafts and scheduled items only to the coordinators of the
    item's network and to admins."""
    public = Q(is_published=True, published_at__lte=timezone.now())
    if not user.is_authenticated:
        return queryset.filter(public)
    if user.is_superuser:
        return queryset
    return queryset.filter(public | Q(network__coordinators__user=user)).distinct()


def networks_editable_by(*, user: Any) -> QuerySet[Network]:
    """The networks whose publications, positions and news the user may write: those they
    coordinate, all for admins."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.order_by("name")
    return Network.objects.filter(coordinators__user=user).order_by("name")


def network_choices() -> QuerySet[Network]:
    """All networks by name, for the filters of the lists."""
    return Network.objects.order_by("name")


def organisation_ids_edited_by(*, user: Any) -> set[int]:
    """The ids of the organisations the user is an editor of."""
    if not user.is_authenticated:
        return set()
    return set(
        OrganisationRole.objects.filter(user=user, role=OrganisationRoleKind.EDITOR).values_list(
            "organisation_id", flat=True
        )
    )


# --- Publications ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicationFilters:
    """The list's filters; empty values mean "no filter"."""

    kind: str = ""
    network: str = ""


def publication_list(*, filters: PublicationFilters, user: Any) -> QuerySet[Publication]:
    """The publications the user may see that match the filters, newest issue first."""
    queryset = _visible(Publication.objects.select_related("network"), user)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.network:
        queryset = queryset.filter(network__slug=filters.network)
    return queryset.order_by("-issued_on", "-pk")


def publication_get(*, slug: str, user: Any) -> Publication:
    """One publication the user may see; raises ``Publication.DoesNotExist`` otherwise."""
    return publication_list(filters=PublicationFilters(), user=user).get(slug=slug)


# --- Positions ------------------------------------------------------------------------------


def position_list(*, user: Any, network: str = "") -> QuerySet[Position]:
    """The positions the user may see, newest first, with their number of signatures known
    through ``signatures``' prefetch."""
    queryset = _visible(Position.objects.select_related("network"), user)
    if network:
        queryset = queryset.filter(network__slug=network)
    return queryset.prefetch_related("signatures").order_by("-dated", "-pk")


def position_get(*, slug: str, user: Any) -> Position:
    """One position the user may see with its signatures (organisations by name); raises
    ``Position.DoesNotExist`` otherwise."""
    signatures = PositionSignature.objects.select_related("organisation").order_by(
        "organisation__name", "pk"
    )
    return (
        _visible(Position.objects.select_related("network"), user)
        .prefetch_related(Prefetch("signatures", queryset=signatures))
        .get(slug=slug)
    )


def position_signing_organisations(*, position: Position, user: Any) -> QuerySet[Organisation]:
    """The organisations for which the user may sign (or withdraw) the position: those they
    edit that are active members of the position's network."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            is_active=True,
            person_roles__user=user,
            person_roles__role=OrganisationRoleKind.EDITOR,
            memberships__network_id=position.network_id,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .distinct()
        .order_by("name")
    )


# --- News -----------------------------------------------------------------------------------


def news_list(*, user: Any, network: str = "") -> QuerySet[News]:
    """The news items the user may see, newest first, optionally of one network (slug)."""
    queryset = _visible(News.objects.select_related("network"), user)
    if network:
        queryset = queryset.filter(network__slug=network)
    return queryset.order_by("-published_at", "-pk")


def news_get(*, slug: str, user: Any) -> News:
    """One news item the user may see; raises ``News.DoesNotExist`` otherwise."""
    return news_list(user=user).get(slug=slug)
