"""The content types that existed before the search: organisations, properties, space needs.

Only public fields of public objects: an inactive organisation, an unpublished or unapproved
property and a space need that is inactive or visible to network members only are not
indexed. A property's street and postcode are never indexed (a sensitive property's exact
location must not leak through the search).
"""

from collections.abc import Mapping

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from allmende.core.models import State
from allmende.needs.models import SpaceNeed, Visibility
from allmende.networks.models import Network, Organisation, OrganisationKind
from allmende.properties.models import Moderation, Property, PropertyKind
from allmende.search.registry import (
    SearchDocument,
    choice_labels,
    register,
    register_facet_source,
    register_facets,
)


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def organisation_document(organisation: Organisation) -> SearchDocument | None:
    if not organisation.is_active:
        return None
    return SearchDocument(
        title=organisation.name,
        body=_join(organisation.description, organisation.city),
        url=organisation.get_absolute_url(),
        facets={"kind": organisation.kind, "state": organisation.state},
    )


def public_properties() -> QuerySet[Property]:
    return Property.objects.filter(is_published=True, moderation=Moderation.APPROVED)


def property_document(prop: Property) -> SearchDocument | None:
    if not (prop.is_published and prop.moderation == Moderation.APPROVED):
        return None
    return SearchDocument(
        title=prop.title,
        body=_join(prop.description, prop.city),
        url=reverse("properties:property_detail", kwargs={"pk": prop.pk}),
        facets={"kind": prop.kind, "state": prop.state, "status": prop.status},
    )


def public_needs() -> QuerySet[SpaceNeed]:
    return SpaceNeed.objects.filter(is_active=True, visibility=Visibility.PUBLIC)


def need_document(need: SpaceNeed) -> SearchDocument | None:
    if not (need.is_active and need.visibility == Visibility.PUBLIC):
        return None
    return SearchDocument(
        title=need.title,
        body=_join(need.description, need.centre_name),
        url=reverse("needs:space_need_detail", kwargs={"pk": need.pk}),
        facets={"state": need.states, "uses": need.uses},
    )


register(
    "organisation",
    Organisation,
    label=_("Organisations"),
    document=organisation_document,
    queryset=lambda: Organisation.objects.filter(is_active=True),
)
register(
    "property",
    Property,
    label=_("Properties"),
    document=property_document,
    queryset=public_properties,
)
register(
    "need",
    SpaceNeed,
    label=_("Space needs"),
    document=need_document,
    queryset=public_needs,
)


def network_labels(values: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
    """Network names by slug, one query."""
    slugs = set().union(*values.values())
    names = dict(Network.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return {facet: {v: names.get(v, v) for v in found} for facet, found in values.items()}


register_facets([("network", _("Network"))], labels=network_labels, position=10)
register_facet_source(Network, facet="network")
register_facets([("state", _("State"))], labels=choice_labels(State), position=200)
register_facets(
    [("kind", _("Kind"))], labels=choice_labels(OrganisationKind, PropertyKind), position=210
)
