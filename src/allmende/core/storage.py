"""Storage for files that must only be served through views that check permissions."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT`` (default: ``MEDIA_ROOT/private``), which no web
    server serves: they have no public URL, and the demo's media view refuses the folder.
    The location is read from the settings on every use, so tests can move it."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
        return str(configured or os.path.join(settings.MEDIA_ROOT, "private"))

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        """No public address: links to these files point at their download views."""
        return ""


def private_storage() -> PrivateStorage:
    return PrivateStorage()
