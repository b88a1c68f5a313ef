"""Forms of the example places: the list's filters, the coordinators' editor and the photo
upload (its checks live in ``services_places`` so that errors show at the file field)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.core.models import State
from allmende.knowledge import selectors_places, services_places
from allmende.knowledge.models import ExamplePlace, ExamplePlacePhoto
from allmende.networks.models import Organisation


class PlaceFilterForm(forms.Form):
    text = forms.CharField(label=_("Search term"), required=False, max_length=200)
    network = forms.ModelChoiceField(
        label=_("Network"),
        required=False,
        queryset=selectors_places.networks_with_places(),
        to_field_name="slug",
        empty_label=_("All networks"),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    criterion = forms.ModelChoiceField(
        label=_("Impact criterion"),
        required=False,
        queryset=selectors_places.impact_criterion_list(),
        empty_label=_("Any impact criterion"),
    )

    def filters(self) -> selectors_places.PlaceFilters:
        """The selector's filters; none when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return selectors_places.PlaceFilters()
        data = self.cleaned_data
        return selectors_places.PlaceFilters(
            network=data["network"].slug if data["network"] else "",
            state=data["state"],
            criterion=data["criterion"].pk if data["criterion"] else None,
            text=data["text"].strip(),
        )


class PlaceMapFilterForm(PlaceFilterForm):
    """The map filters only by network and state (the GeoJSON's filters)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["text"]
        del self.fields["criterion"]

    def filters(self) -> selectors_places.PlaceFilters:
        if not self.is_bound or not self.is_valid():
            return selectors_places.PlaceFilters()
        data = self.cleaned_data
        return selectors_places.PlaceFilters(
            network=data["network"].slug if data["network"] else "", state=data["state"]
        )


class ExamplePlaceForm(GermanBlankChoiceMixin, forms.ModelForm[ExamplePlace]):
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=47.0,
        max_value=55.2,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_(
            "In decimal degrees, e.g. 53.016. Leave latitude and longitude empty to place the "
            "example place at the centre of its town."
        ),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=5.8,
        max_value=15.1,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("In decimal degrees, e.g. 13.999."),
    )

    class Meta:
        model = ExamplePlace
        fields = [
            "name",
            "city",
            "state",
            "lat",
            "lon",
            "former_use",
            "new_use",
            "carrier_organisation",
            "carrier_name",
            "year",
            "story",
            "impact_criteria",
            "is_published",
            "published_at",
        ]
        widgets = {
            "story": forms.Textarea(attrs={"rows": 10}),
            "impact_criteria": forms.CheckboxSelectMultiple,
            "published_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "former_use": _("What the building was used for before, e.g. department store."),
            "new_use": _("What it is used for now, e.g. community centre with workshops."),
            "carrier_organisation": _("The organisation that runs the place, if it is here."),
            "carrier_name": _("Otherwise the name of the carrier."),
            "story": _("How the place came about. Markdown: **bold**, lists, links."),
            "published_at": _("A later date publishes the example place only then."),
        }

    # Groups of fields, each rendered as a fieldset with a legend.
    FIELDSETS = (
        (_("The example place"), ("network", "name", "former_use", "new_use", "year", "story")),
        (_("Location"), ("city", "state", "lat", "lon")),
        (_("Carrier"), ("carrier_organisation", "carrier_name")),
        (_("Impact"), ("impact_criteria",)),
        (_("Publication"), ("is_published", "published_at")),
    )

    def __init__(self, *args: Any, networks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"] = forms.ModelChoiceField(
            label=_("Network"), queryset=networks, empty_label=_("– please choose –")
        )
        if self.instance.pk:
            self.fields["network"].initial = self.instance.network_id
        elif networks.count() == 1:
            self.fields["network"].initial = networks.first()
        self.order_fields(["network"])
        organisations = self.fields["carrier_organisation"]
        organisations.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("name")
        organisations.empty_label = _("– none –")  # type: ignore[attr-defined]
        self.fields["impact_criteria"].queryset = (  # type: ignore[attr-defined]
            selectors_places.impact_criterion_list()
        )
        self.fields["impact_criteria"].help_text = _("Tick every criterion the place meets.")

    @property
    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(legend), [self[name] for name in names]) for legend, names in self.FIELDSETS]


class ExamplePlacePhotoForm(GermanBlankChoiceMixin, forms.ModelForm[ExamplePlacePhoto]):
    # A plain file field: the size is checked before Pillow decodes anything, and the
    # re-encoding in ``place_photo_prepare`` is the one check of the image itself.
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = ExamplePlacePhoto
        fields = ["image", "alt_text", "author", "licence"]
        labels = {"alt_text": _("Description for screen readers")}
        help_texts = {
            "alt_text": _(
                "What can be seen, in one sentence, for people who cannot see the photo."
            ),
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
            "edge": services_places.PHOTO_MAX_EDGE,
        }

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return services_places.place_photo_prepare(image)
        return image
