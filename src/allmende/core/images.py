"""Re-encode uploaded images so that only pixels reach storage: no metadata, no payloads."""

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def image_reencode(upload: UploadedFile, *, max_edge: int = 1600) -> ContentFile[bytes]:
    """Decode the upload with Pillow, scale it to at most ``max_edge`` pixels on its longer
    side and write it anew as PNG (with transparency) or JPEG. Raises ``ValidationError`` for
    anything that is not a decodable JPEG, PNG, WebP or GIF image."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(_("Please upload a JPEG, PNG, WebP or GIF image."))
            image.thumbnail((max_edge, max_edge))
            has_alpha = (
                image.mode in ("RGBA", "LA", "P") and "transparency" in image.info
            ) or image.mode in ("RGBA", "LA")
            output = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(output, format="PNG", optimize=True)
                suffix = ".png"
            else:
                image.convert("RGB").save(output, format="JPEG", quality=85, optimize=True)
                suffix = ".jpg"
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(_("This file is not an image that can be read.")) from exc
    stem = PurePath(upload.name or "image").stem[:80] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}{suffix}")
