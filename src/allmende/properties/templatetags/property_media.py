"""Template tags for the photos and documents on a property's detail page, so that the
partial gets what the selectors decide (not its own copy of the permission rules)."""

from typing import Any

from django import template

from allmende.properties import selectors_media
from allmende.properties.models import Property, PropertyDocument, PropertyPhoto

register = template.Library()


@register.simple_tag
def property_photos(prop: Property) -> list[PropertyPhoto]:
    """``{% property_photos property as photos %}``: the property's photos in their order."""
    return list(selectors_media.photo_list(property=prop))


@register.simple_tag(takes_context=True)
def property_documents(context: Any, prop: Property) -> list[PropertyDocument]:
    """``{% property_documents property as documents %}``: the documents the requesting user
    may download."""
    return list(selectors_media.document_list(property=prop, user=context["request"].user))
