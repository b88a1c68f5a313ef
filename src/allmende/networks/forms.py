from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.core.images import image_reencode
from allmende.core.models import State
from allmende.networks.models import (
    ORGANISATION_EDITABLE_FIELDS,
    ApplicationStatus,
    MembershipApplication,
    Network,
    Organisation,
    OrganisationKind,
)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    network = forms.ChoiceField(label=_("Network"), required=False)
    kind = forms.MultipleChoiceField(
        label=_("Kind"),
        required=False,
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    state = forms.MultipleChoiceField(
        label=_("State"),
        required=False,
        choices=State.choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network_field: forms.ChoiceField = self.fields["network"]  # type: ignore[assignment]
        network_field.choices = [("", _("All networks"))] + [
            (n.slug, n.name) for n in Network.objects.order_by("name").only("slug", "name")
        ]


class OrganisationForm(GermanBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "vacancy_projects": forms.Textarea(attrs={"rows": 4}),
            "lat": forms.NumberInput(attrs={"step": "any"}),
            "lon": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "lat": _("Leave empty to place the organisation at the centre of its town."),
            "postcode": _("Five digits."),
        }

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data.get("postcode", "")
        if value and not (len(value) == 5 and value.isdigit()):
            raise ValidationError(_("A German postcode has five digits."))
        return value

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            if logo.size is not None and logo.size > 2 * 1024 * 1024:
                raise ValidationError(_("The logo may be at most 2 MB."))
            return image_reencode(logo, max_edge=800)
        return logo

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return cleaned


class MembershipApplicationForm(GermanBlankChoiceMixin, forms.ModelForm):
    # A field that people never see; bots fill it in.
    website_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is processed to handle "
            "this application."
        ),
        required=True,
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "org_name",
            "org_kind",
            "org_street",
            "org_postcode",
            "org_city",
            "org_state",
            "org_website",
            "contact_name",
            "contact_email",
            "membership_kind",
            "stance",
            "motivation",
            "expectations",
            "vacancy_projects",
        ]
        widgets = {
            "stance": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "expectations": forms.Textarea(attrs={"rows": 4}),
            "vacancy_projects": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "stance": _("What does common-good oriented development mean to you?"),
            "motivation": _("Why do you want to join this network?"),
            "expectations": _("What do you expect from the network, what can you bring in?"),
            "vacancy_projects": _("Buildings or plots you are currently working on, if any."),
        }

    organisation = forms.ModelChoiceField(
        label=_("Apply for an organisation you already edit"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("– a new organisation –"),
        help_text=_("If you choose one, its profile is used when the application is accepted."),
    )

    field_order = ["organisation"]

    def __init__(self, *args: Any, network: Network, editable: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        if editable is not None and editable.exists():
            self.fields["organisation"].queryset = editable  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]
        offered = network.member_kinds or []
        if offered:
            field = self.fields["membership_kind"]
            field.choices = [c for c in field.choices if c[0] in offered]  # type: ignore[attr-defined]

    def clean_org_postcode(self) -> str:
        value: str = self.cleaned_data.get("org_postcode", "")
        if value and not (len(value) == 5 and value.isdigit()):
            raise ValidationError(_("A German postcode has five digits."))
        return value

    def clean_website_url(self) -> str:
        value: str = self.cleaned_data.get("website_url", "")
        if value:
            raise ValidationError(_("This field must stay empty."))
        return value


class ApplicationReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining; sent to the applicant on a decision."),
    )

    def __init__(self, *args: Any, allowed: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status_field: forms.ChoiceField = self.fields["status"]  # type: ignore[assignment]
        status_field.choices = [
            (value, label) for value, label in ApplicationStatus.choices if value in allowed
        ]


class WorkingGroupDocumentForm(forms.Form):
    ALLOWED_EXTENSIONS = (".pdf", ".odt", ".docx", ".xlsx", ".ods", ".txt", ".md", ".png", ".jpg")

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, office document or image, max. 10 MB.")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(self.ALLOWED_EXTENSIONS):
            raise ValidationError(_("This file type is not allowed."))
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file may be at most 10 MB."))
        return upload
