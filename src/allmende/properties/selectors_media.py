"""Reads of a property's photos and documents; which documents a user may see is decided
here, for the detail page and the download alike."""

from typing import Any

from django.db.models import QuerySet

from allmende.properties.models import Property, PropertyDocument, PropertyPhoto


def photo_list(*, property: Property) -> QuerySet[PropertyPhoto]:
    """The photos of a property in their order. Photos are the owner's choice to show, so
    everyone who may see the property sees them, sensitive or not."""
    return PropertyPhoto.objects.filter(property=property).order_by("position", "pk")


def document_list(*, property: Property, user: Any) -> QuerySet[PropertyDocument]:
    """The documents of a property the user may download: the public ones, and all of them
    for the owner organisation's people, its networks' coordinators and admins."""
    queryset = PropertyDocument.objects.filter(property=property).order_by("kind", "title", "pk")
    if not user.has_perm("properties.view_private_documents", property):
        queryset = queryset.filter(is_public=True)
    return queryset


def document_get(*, property: Property, pk: int, user: Any) -> PropertyDocument:
    """One document of the property the user may download; raises
    ``PropertyDocument.DoesNotExist`` otherwise."""
    return document_list(property=property, user=user).get(pk=pk)
