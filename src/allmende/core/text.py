"""Small text helpers shared by the apps."""

from collections.abc import Callable

from django.utils.text import slugify


def unique_slug(text: str, exists: Callable[[str], bool], max_length: int = 80) -> str:
    """A slug for ``text`` that ``exists`` does not yet know: "name", "name-2", "name-3" …"""
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled).replace(umlaut.upper(), spelled.capitalize())
    base = slugify(text)[: max_length - 6].strip("-") or "entry"
    candidate, counter = base, 1
    while exists(candidate):
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate
