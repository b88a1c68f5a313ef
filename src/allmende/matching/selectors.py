"""Reads of stored recommendations and interests; each pair is shown only to people who may
see both its property and its need."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from allmende.matching.models import Interest, Recommendation, Side
from allmende.matching.snapshot import AVAILABLE_STATUSES
from allmende.needs.models import SpaceNeed
from allmende.needs.selectors import _visible_q as need_visible_q
from allmende.networks.models import Organisation
from allmende.properties.models import Property
from allmende.properties.selectors import _visible as property_visible_q


def visible_properties(user: Any) -> QuerySet[Property]:
    return Property.objects.filter(property_visible_q(user))


def visible_needs(user: Any) -> QuerySet[SpaceNeed]:
    return SpaceNeed.objects.filter(need_visible_q(user))


def need_recommendations(*, need: SpaceNeed, user: Any) -> QuerySet[Recommendation]:
    """The need's recommended properties the user may see, best first ("Passende Objekte").

    The ranked rows are read by index first; visibility is then checked for those few
    properties only (a subquery over every visible property is slow at 100 000)."""
    ranked = list(
        Recommendation.objects.filter(need=need, rank_for_need__isnull=False).values_list(
            "property_id", flat=True
        )
    )
    # The status is checked again on reading: a stored row can outlive the property's leaving
    # the market until the background refresh has run.
    visible = (
        visible_properties(user)
        .filter(pk__in=ranked, status__in=AVAILABLE_STATUSES)
        .values_list("pk", flat=True)
    )
    return (
        Recommendation.objects.filter(
            need=need, rank_for_need__isnull=False, property_id__in=list(visible)
        )
        .select_related("property", "property__owner_organisation")
        .prefetch_related(
            Prefetch("property__interests", queryset=Interest.objects.filter(need=need))
        )
        .order_by("rank_for_need")
    )


def property_recommendations(*, property: Property, user: Any) -> QuerySet[Recommendation]:
    """The property's recommended needs the user may see, best first ("Passende Gruppen");
    none once the property has left the market (sold, allocated, demolished …)."""
    if property.status not in AVAILABLE_STATUSES:
        return Recommendation.objects.none()
    ranked = list(
        Recommendation.objects.filter(
            property=property, rank_for_property__isnull=False
        ).values_list("need_id", flat=True)
    )
    visible = visible_needs(user).filter(pk__in=ranked).values_list("pk", flat=True)
    return (
        Recommendation.objects.filter(
            property=property, rank_for_property__isnull=False, need_id__in=list(visible)
        )
        .select_related("need", "need__organisation")
        .prefetch_related(
            Prefetch("need__interests", queryset=Interest.objects.filter(property=property))
        )
        .order_by("rank_for_property")
    )


def interest_for(recommendation: Recommendation, *, by: str) -> Interest | None:
    """The pair's interest from the prefetched list of the recommendation's other item."""
    items = (
        recommendation.property.interests.all()
        if by == "need"
        else recommendation.need.interests.all()
    )
    return next(iter(items), None)


def interest_get(*, pk: int, user: Any) -> Interest:
    """An interest for people of either side (editors, coordinators, admins); 404 otherwise."""
    interest = get_object_or_404(
        Interest.objects.select_related(
            "property",
            "property__owner_organisation",
            "need",
            "need__organisation",
            "created_by",
            "decided_by",
        ),
        pk=pk,
    )
    if not interest_sides(interest, user):
        from django.http import Http404

        raise Http404
    return interest


def interest_sides(interest: Interest, user: Any) -> set[str]:
    """The sides the user may act for on this interest."""
    sides: set[str] = set()
    if not user.is_authenticated:
        return sides
    if user.has_perm("needs.change_space_need", interest.need):
        sides.add(Side.NEED)
    if user.has_perm("properties.change_property", interest.property):
        sides.add(Side.PROPERTY)
    return sides


@dataclass(frozen=True)
class Contact:
    """What one side shares once an interest is accepted."""

    organisation: str
    organisation_email: str
    organisation_phone: str
    person: str
    person_email: str


def _contact(organisation: Organisation | None, person: Any) -> Contact:
    return Contact(
        organisation=organisation.name if organisation else "",
        organisation_email=organisation.email if organisation else "",
        organisation_phone=organisation.phone if organisation else "",
        person=getattr(person, "name", "") or "",
        person_email=getattr(person, "email", "") or "",
    )


def interest_contacts(interest: Interest) -> dict[str, Contact] | None:
    """Both sides' contact data when the interest was accepted, else None. The person named
    for a side is the one who acted for it (expressed or accepted the interest)."""
    if not interest.contact_shared():
        return None
    need_person = interest.created_by if interest.side == Side.NEED else interest.decided_by
    owner_person = interest.created_by if interest.side == Side.PROPERTY else interest.decided_by
    return {
        Side.NEED: _contact(interest.need.organisation, need_person),
        Side.PROPERTY: _contact(interest.property.owner_organisation, owner_person),
    }


def interests_of_user(user: Any) -> QuerySet[Interest]:
    """Interests in which the user's organisations take part, newest first (account page)."""
    if not user.is_authenticated:
        return Interest.objects.none()
    organisations = user.organisation_roles.values("organisation_id")
    return (
        Interest.objects.filter(need__organisation_id__in=organisations)
        | Interest.objects.filter(property__owner_organisation_id__in=organisations)
    ).select_related("property", "need")
