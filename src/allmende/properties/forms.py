from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.core.choices import TransferModel, Use
from allmende.core.forms import GermanBlankChoiceMixin
from allmende.core.models import State
from allmende.properties import services_media
from allmende.properties.models import PipelineStage, Property, PropertyKind, PropertyStatus
from allmende.properties.services import PROPERTY_EDITABLE_FIELDS


def _postcode_check(value: str) -> str:
    if value and not (len(value) == 5 and value.isdigit()):
        raise ValidationError(_("A German postcode has five digits."))
    return value


class PropertyFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *PropertyKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PropertyStatus.choices],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    town = forms.CharField(label=_("Town"), required=False, max_length=120)
    area_min = forms.IntegerField(label=_("Usable area from (m²)"), required=False, min_value=0)
    area_max = forms.IntegerField(label=_("Usable area up to (m²)"), required=False, min_value=0)
    transfer = forms.ChoiceField(
        label=_("Transfer option"),
        required=False,
        choices=[("", _("Any transfer option")), *TransferModel.choices],
    )
    use = forms.ChoiceField(
        label=_("Suitable for"), required=False, choices=[("", _("Any use")), *Use.choices]
    )


class PropertyForm(GermanBlankChoiceMixin, forms.ModelForm):
    suitable_uses = forms.MultipleChoiceField(
        label=_("Suitable uses"),
        required=False,
        choices=Use.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Property
        fields = PROPERTY_EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "vacant_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lon": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "postcode": _("Five digits."),
            "lat": _(
                "Leave latitude and longitude empty to place the property at the centre of "
                "its town."
            ),
            "is_sensitive": _(
                "Then only the owner organisation, its networks' coordination offices and "
                "admins see the street and the exact position; everyone else sees the town "
                "and a point within the radius."
            ),
            "is_published": _("Published properties are shown to everyone."),
        }

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Owner organisation"),
                queryset=organisations,
                empty_label=_("– please choose –"),
            )
            self.order_fields(["organisation"])

    # Groups of fields, each rendered as a fieldset with a legend.
    FIELDSETS = (
        (
            _("The property"),
            (
                "organisation",
                "title",
                "kind",
                "building_type",
                "description",
                "usable_area",
                "plot_area",
                "floors",
                "year_built",
                "epoch",
                "condition",
                "listed_building",
                "accessible",
                "vacant_since",
                "vacancy_degree",
            ),
        ),
        (
            _("Location"),
            (
                "street",
                "postcode",
                "city",
                "state",
                "lat",
                "lon",
                "is_sensitive",
                "privacy_radius_m",
            ),
        ),
        (
            _("Owner and transfer"),
            (
                "owner_kind",
                "transfer_sale",
                "asking_price",
                "transfer_leasehold",
                "leasehold_term_years",
                "leasehold_rate_percent",
                "transfer_rent",
                "asking_rent",
                "transfer_interim",
            ),
        ),
        (_("Use and publication"), ("suitable_uses", "is_published")),
    )

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
        ]

    def clean_postcode(self) -> str:
        return _postcode_check(self.cleaned_data.get("postcode", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return cleaned


class PropertyReportForm(GermanBlankChoiceMixin, forms.ModelForm):
    # A field that people never see; bots fill it in.
    website_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my report is stored and read by "
            "the coordination offices."
        ),
        required=True,
    )
    # Optional photo: checked and re-encoded like an owner's photo; shown only once a
    # coordinator approves the report.
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    photo_author = forms.CharField(
        label=_("Who took the photo?"),
        required=False,
        max_length=120,
        help_text=_("Needed with a photo; shown in the credit line."),
    )
    photo_rights_consent = forms.BooleanField(
        label=_(
            "I took this photo or hold the rights to it, and I allow the platform to publish "
            "it with the author's name once the report is approved."
        ),
        required=False,
    )

    field_order = [
        "title",
        "description",
        "street",
        "postcode",
        "city",
        "state",
        "reporter_email",
        "photo",
        "photo_author",
        "photo_rights_consent",
        "privacy_consent",
        "website_url",
    ]

    class Meta:
        model = Property
        fields = ["title", "description", "street", "postcode", "city", "state", "reporter_email"]
        labels = {
            "title": _("What is vacant? (short title)"),
            "description": _("Short description"),
            "reporter_email": _("Your e-mail address"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "title": _("For example: empty shop on the market square."),
            "street": _("Optional."),
            "postcode": _("Five digits."),
            "reporter_email": _("Optional; only for questions about your report."),
        }

    def clean_postcode(self) -> str:
        return _postcode_check(self.cleaned_data.get("postcode", ""))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].help_text = _(
            "JPEG, PNG, WebP or GIF, at most %(size)s. It is stored without its metadata "
            "(camera, position) and shown only after the report has been approved."
        ) % {"size": filesizeformat(settings.PROPERTY_PHOTO_MAX_BYTES)}

    def clean_website_url(self) -> str:
        value: str = self.cleaned_data.get("website_url", "")
        if value:
            raise ValidationError(_("This field must stay empty."))
        return value

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return services_media.photo_image_prepare(photo)
        return photo

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A photo that failed its own checks still needs the rights confirmed when sent again.
        if cleaned.get("photo") or "photo" in self.files:
            if not cleaned.get("photo_rights_consent"):
                self.add_error(
                    "photo_rights_consent",
                    _(
                        "Please confirm that you hold the rights to the photo, or send the "
                        "report without it."
                    ),
                )
            if not (cleaned.get("photo_author") or "").strip():
                self.add_error("photo_author", _("Please name who took the photo."))
        return cleaned


class PropertyStatusForm(GermanBlankChoiceMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=PropertyStatus.choices)
    valid_from = forms.DateField(
        label=_("Since"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PipelineMoveForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), choices=PipelineStage.choices, coerce=int)
