"""Forms of the event pages: the list's filters, the coordinators' editor, series and the
documentation with its agenda, files and photos (the upload checks live in
``services_events`` so that errors show at the file field)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.events import selectors_events, services_events
from allmende.events.models import Event, EventKind, EventPhoto, EventSeries


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventFilterForm(forms.Form):
    network = forms.ModelChoiceField(
        label=_("Network"),
        required=False,
        queryset=selectors_events.networks_with_events(),
        to_field_name="slug",
        empty_label=_("All networks"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Enter a month as YYYY-MM."))],
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2027-05"}),
        help_text=_("As year and month, e.g. 2027-05."),
    )
    place = forms.CharField(label=_("Town"), required=False, max_length=120)
    past = forms.BooleanField(label=_("Show past events"), required=False)

    def filters(self) -> selectors_events.EventFilters:
        """The selector's filters; upcoming events only when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return selectors_events.EventFilters()
        data = self.cleaned_data
        return selectors_events.EventFilters(
            network=data["network"].slug if data["network"] else "",
            kind=data["kind"],
            month=data["month"],
            place=data["place"].strip(),
            past=data["past"],
        )


class EventForm(GermanBlankChoiceMixin, forms.ModelForm[Event]):
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=47.0,
        max_value=55.2,
        widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("Leave latitude and longitude empty to use the centre of the town."),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=5.8,
        max_value=15.1,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "series",
            "description",
            "starts_at",
            "ends_at",
            "is_online",
            "venue",
            "street",
            "postcode",
            "city",
            "state",
            "lat",
            "lon",
            "online_url",
            "registration_enabled",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "audience",
            "waiting_list",
            "contact_name",
            "contact_email",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "starts_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "registration_opens_at": _datetime_widget(),
            "registration_closes_at": _datetime_widget(),
        }
        help_texts = {
            "description": _("Markdown: **bold**, lists, links."),
            "starts_at": _("Date and time in German time (Europe/Berlin)."),
            "online_url": _("Only confirmed participants see this link."),
            "registration_opens_at": _("Empty: registration is open right away."),
            "registration_closes_at": _("Empty: until the event ends."),
        }

    FIELDSETS = (
        (_("The event"), ("network", "kind", "title", "series", "description")),
        (_("Date and time"), ("starts_at", "ends_at")),
        (
            _("Place"),
            ("is_online", "venue", "street", "postcode", "city", "state", "lat", "lon"),
        ),
        (_("Online"), ("online_url",)),
        (
            _("Registration"),
            (
                "registration_enabled",
                "capacity",
                "registration_opens_at",
                "registration_closes_at",
                "audience",
                "waiting_list",
            ),
        ),
        (_("Contact"), ("contact_name", "contact_email")),
        (_("Publication"), ("is_published",)),
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
        series = self.fields["series"]
        series.queryset = EventSeries.objects.filter(  # type: ignore[attr-defined]
            network__in=networks
        ).select_related("network")
        series.empty_label = _("– none –")  # type: ignore[attr-defined]
        self.fields["city"].help_text = _("Required for events on site.")

    @property
    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(legend), [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean(self) -> dict[str, Any]:
        # Checked here, before the model's constraint would report it without a field.
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


class SeriesForm(forms.ModelForm[EventSeries]):
    class Meta:
        model = EventSeries
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"description": _("Markdown: **bold**, lists, links.")}

    def __init__(self, *args: Any, networks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if networks is not None:
            self.fields["network"] = forms.ModelChoiceField(
                label=_("Network"), queryset=networks, empty_label=_("– please choose –")
            )
            if networks.count() == 1:
                self.fields["network"].initial = networks.first()
            self.order_fields(["network"])


class DocumentationForm(forms.Form):
    report = forms.CharField(
        label=_("Report"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("What happened and what came out of it. Markdown: **bold**, lists, links."),
        max_length=50_000,
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)


class AgendaItemForm(forms.Form):
    time = forms.CharField(
        label=_("Time"), max_length=20, required=False, help_text=_("e.g. 10:00–11:30")
    )
    title = forms.CharField(label=_("Agenda item"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("time") or data.get("description")) and not data.get("title"):
            self.add_error("title", _("Give the item a title or leave the row empty."))
        return data


AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=3, max_num=50, absolute_max=60)


class EventFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt,.jpg,.jpeg,.png"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, office documents or JPEG/PNG images, at most %(size)s."
        ) % {"size": filesizeformat(services_events.FILE_MAX_BYTES)}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            return services_events.event_file_check(upload)
        return upload


class EventPhotoForm(GermanBlankChoiceMixin, forms.ModelForm[EventPhoto]):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = EventPhoto
        fields = ["image", "alt_text", "author", "licence"]
        labels = {"alt_text": _("Description for screen readers")}
        help_texts = {
            "alt_text": _("What can be seen, in one sentence, for people who cannot see it."),
            "author": _("Who took the photo; shown in the credit line."),
            "licence": _("Only upload photos you may publish under this licence."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _(
            "JPEG, PNG, WebP or GIF, at most %(size)s; stored without its metadata."
        ) % {"size": filesizeformat(settings.PROPERTY_PHOTO_MAX_BYTES)}

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return services_events.event_photo_prepare(image)
        return image
