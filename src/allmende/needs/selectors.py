"""Reads of space needs shared by the pages and the API, with the visibility rule applied in
the query."""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from allmende.needs.models import SpaceNeed, Visibility
from allmende.networks.models import Coordinator, Membership, MembershipStatus, OrganisationRole


@dataclass(frozen=True, slots=True)
class SpaceNeedFilters:
    """The list's filters; empty values mean "no filter"."""

    use: str = ""
    state: str = ""
    area: int | None = None
    q: str = ""


def _visible_q(user: Any) -> Q:
    """The query form of the ``needs.view_space_need`` rule (see rules.py); subqueries rather
    than joins, so that no row appears twice."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Q()
    visible = Q(is_active=True, visibility=Visibility.PUBLIC)
    if not user.is_authenticated:
        return visible
    own_organisations = OrganisationRole.objects.filter(user=user).values("organisation_id")
    coordinated = Coordinator.objects.filter(user=user).values("network_id")
    member_networks = Membership.objects.filter(
        status=MembershipStatus.ACTIVE, organisation__person_roles__user=user
    ).values("network_id")
    return (
        visible
        | Q(organisation_id__in=own_organisations)
        | Q(network_id__in=coordinated)
        | Q(is_active=True, visibility=Visibility.NETWORK, network_id__in=member_networks)
    )


def space_need_list(*, filters: SpaceNeedFilters, user: Any) -> QuerySet[SpaceNeed]:
    """The needs the user may see that match the filters, newest first."""
    queryset = SpaceNeed.objects.filter(_visible_q(user)).select_related("organisation", "network")
    if filters.use:
        # JSON lists are searched as text so that SQLite and PostgreSQL behave alike; the
        # quotes keep "housing" from matching "multigenerational_housing".
        queryset = queryset.filter(uses__icontains=f'"{filters.use}"')
    if filters.state:
        # SQLite keeps JSON text ASCII-escaped ("Baden-W\u00fcrttemberg"), PostgreSQL does not.
        queryset = queryset.filter(
            Q(states__icontains=json.dumps(filters.state))
            | Q(states__icontains=json.dumps(filters.state, ensure_ascii=False))
            | Q(states=[], organisation__state=filters.state)
        )
    if filters.area is not None:
        queryset = queryset.filter(area_min__lte=filters.area, area_max__gte=filters.area)
    if filters.q:
        for word in filters.q.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(centre_name__icontains=word)
                | Q(organisation__name__icontains=word)
            )
    return queryset.order_by("-created_at", "-pk")


def space_need_get(*, pk: int, user: Any) -> SpaceNeed:
    """One need the user may see; Http404 when it does not exist or is hidden from the user."""
    return get_object_or_404(
        SpaceNeed.objects.filter(_visible_q(user)).select_related("organisation", "network"),
        pk=pk,
    )
