"""Writes on a property's photos and documents: uploads are checked (size, kind), photos
re-encoded, both stored under random names; only those who may change the property may add or
delete them."""

import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.images import image_reencode
from allmende.properties.models import Property, PropertyDocument, PropertyPhoto

PHOTO_MAX_EDGE = 1600
PDF_MAGIC = b"%PDF-"


def _random_name(suffix: str) -> str:
    # Original file names often carry the street ("Hauptstr-5.jpg"); a random name leaks
    # nothing and cannot be guessed.
    return f"{secrets.token_urlsafe(18)}{suffix}"


def _require_change(actor: User, prop: Property) -> None:
    if not actor.has_perm("properties.change_property", prop):
        raise PermissionDenied(_("You may not change the photos and documents of this property."))


def photo_image_prepare(upload: UploadedFile[Any]) -> ContentFile[bytes]:
    """Check an uploaded photo's size against ``PROPERTY_PHOTO_MAX_BYTES`` and re-encode it
    with Pillow (at most ``PHOTO_MAX_EDGE`` pixels on the longer side, no metadata) under a
    random name. Raises ``ValidationError`` for too large files and for anything that is not a
    readable JPEG, PNG, WebP or GIF image."""
    limit: int = settings.PROPERTY_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The photo may be at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    image = image_reencode(upload, max_edge=PHOTO_MAX_EDGE)
    image.name = _random_name(PurePath(image.name or "").suffix or ".jpg")
    return image


def document_file_check(upload: File[Any]) -> File[Any]:
    """Check an uploaded document: at most ``PROPERTY_DOCUMENT_MAX_BYTES`` and a PDF by its
    content (it starts with ``%PDF-``), whatever its name says. Returns the file under a random
    ``.pdf`` name; raises ``ValidationError`` otherwise."""
    limit: int = settings.PROPERTY_DOCUMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The document may be at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("This file is not a PDF document. Please upload a PDF file."), code="not_pdf"
        )
    upload.name = _random_name(".pdf")
    return upload


@transaction.atomic
def photo_add(
    *,
    property: Property,
    actor: User,
    image: ContentFile[bytes],
    alt_text: str,
    author: str,
    licence: str,
    caption: str = "",
) -> PropertyPhoto:
    """Add a photo at the end of the property's photos; those with
    ``properties.change_property`` may. ``image`` is the output of ``photo_image_prepare``;
    alt text, author and licence are required."""
    _require_change(actor, property)
    last = PropertyPhoto.objects.filter(property=property).aggregate(last=Max("position"))["last"]
    photo = PropertyPhoto(
        property=property,
        image=image,
        alt_text=alt_text,
        caption=caption,
        author=author,
        licence=licence,
        position=0 if last is None else last + 1,
        uploaded_by=actor,
    )
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def photo_delete(*, photo: PropertyPhoto, actor: User) -> None:
    """Delete a photo and, once the transaction has committed, its file."""
    _require_change(actor, photo.property)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def document_add(
    *,
    property: Property,
    actor: User,
    file: File[Any],
    title: str,
    kind: str,
    is_public: bool = False,
) -> PropertyDocument:
    """Add a PDF document to the property; those with ``properties.change_property`` may.
    The file is checked with ``document_file_check``; a document is not public unless
    ``is_public`` says so (expert reports often name the exact address)."""
    _require_change(actor, property)
    file = document_file_check(file)
    document = PropertyDocument(
        property=property,
        file=file,
        title=title,
        kind=kind,
        is_public=is_public,
        size_bytes=file.size or 0,
        uploaded_by=actor,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_delete(*, document: PropertyDocument, actor: User) -> None:
    """Delete a document and, once the transaction has committed, its file."""
    _require_change(actor, document.property)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
