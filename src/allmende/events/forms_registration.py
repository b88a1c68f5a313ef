"""Forms of the registration panel and the coordinators' participant pages."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    consent = forms.BooleanField(label="", required=True)
    # A field that people never see; bots fill it in.
    website_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["consent"].label = _(
            "I agree that my details are processed to handle this registration, as described "
            "in the privacy notice."
        )
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>', reverse("core:privacy"), _("Read the privacy notice")
        )
        self.fields["consent"].error_messages["required"] = _("Please agree to the privacy notice.")

    def clean_website_url(self) -> str:
        value: str = self.cleaned_data.get("website_url", "")
        if value:
            raise ValidationError(_("This field must stay empty."))
        return value


class ParticipantMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    include_waitlisted = forms.BooleanField(
        label=_("Also send to the people on the waiting list"), required=False
    )
