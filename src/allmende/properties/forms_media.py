"""Forms for a property's photos and documents; the upload checks live in
``services_media`` so that the form shows their errors next to the file field."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.properties import services_media
from allmende.properties.models import PropertyDocument, PropertyPhoto


class PropertyPhotoForm(GermanBlankChoiceMixin, forms.ModelForm[PropertyPhoto]):
    # A plain file field: the size is checked before Pillow decodes anything, and the
    # re-encoding in ``photo_image_prepare`` is the one check of the image itself.
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = PropertyPhoto
        fields = ["image", "alt_text", "caption", "author", "licence"]
        labels = {"alt_text": _("Description for screen readers")}
        help_texts = {
            "alt_text": _(
                "What can be seen, in one sentence, for people who cannot see the photo."
            ),
            "caption": _("Shown below the photo."),
            "author": _("Who took the photo; shown in the credit line."),
            "licence": _("Only upload photos you may publish under this licence."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _(
            "JPEG, PNG, WebP or GIF, at most %(size)s. The photo is stored at most "
            "%(edge)s pixels wide or high, without its metadata (camera, position)."
        ) % {
            "size": filesizeformat(settings.PROPERTY_PHOTO_MAX_BYTES),
            "edge": services_media.PHOTO_MAX_EDGE,
        }

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return services_media.photo_image_prepare(image)
        return image


class PropertyDocumentForm(GermanBlankChoiceMixin, forms.ModelForm[PropertyDocument]):
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = PropertyDocument
        fields = ["file", "title", "kind", "is_public"]
        help_texts = {
            "is_public": _(
                "Otherwise only those who may see the exact location can download it: "
                "expert reports and plans often show the address."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF file of at most %(size)s.") % {
            "size": filesizeformat(settings.PROPERTY_DOCUMENT_MAX_BYTES)
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            checked = services_media.document_file_check(upload)
            # For the admin, which saves through the form rather than the service.
            self.instance.size_bytes = checked.size or 0
            return checked
        return upload
