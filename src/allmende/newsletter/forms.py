from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from allmende.newsletter.models import NewsletterIssue


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(label="", required=True)
    # A field that people never see; bots fill it in.
    website_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, network_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _(
            "I want to receive the newsletter of %(network)s by e-mail. I can unsubscribe at "
            "any time with the link in every mail. (Consent text version %(version)s)"
        ) % {"network": network_name, "version": settings.NEWSLETTER_CONSENT_VERSION}
        self.fields["consent"].error_messages["required"] = _(
            "Please agree to receive the newsletter."
        )

    def clean_website_url(self) -> str:
        value: str = self.cleaned_data.get("website_url", "")
        if value:
            raise ValidationError(_("This field must stay empty."))
        return value


class IssueForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssue
        fields = ["subject", "body", "include_events", "include_knowledge"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "body": _("Markdown: **bold**, *italic*, [link](https://…), lists with -."),
            "include_events": _(
                "Published events of the network that start within the next 60 days."
            ),
            "include_knowledge": _(
                "Articles, tools and news of the network published since the last issue."
            ),
        }
