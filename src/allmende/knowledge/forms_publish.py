"""Forms of publications, positions and news: list filters, the coordinators' editors and the
signing confirmation. The PDF check lives in ``services_publish`` so that the form shows its
errors next to the file field and the service refuses the same files for every caller."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import BLANK_LABEL, GermanBlankChoiceMixin
from allmende.knowledge import services_publish
from allmende.knowledge.models import News, Position, Publication, PublicationKind
from allmende.networks.models import Network, Organisation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PUBLISHED_AT_HELP = _(
    "The item becomes visible to everyone from this moment on, if it is marked as published."
)


class NetworkChoiceMixin:
    """A required choice of one of the networks the user may write for (create pages)."""

    fields: dict[str, forms.Field]

    def _add_network_field(self, networks: QuerySet[Network] | None) -> None:
        if networks is None:
            return
        self.fields = {
            "network": forms.ModelChoiceField(
                queryset=networks, label=_("Network"), empty_label=BLANK_LABEL
            ),
            **self.fields,
        }
        if networks.count() == 1:
            self.fields["network"].initial = networks.first()


class PublicationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("all kinds")), *PublicationKind.choices],
    )
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [  # type: ignore[attr-defined]
            ("", _("all networks")),
            *((network.slug, network.name) for network in networks),
        ]


class NewsFilterForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args: Any, networks: QuerySet[Network], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [  # type: ignore[attr-defined]
            ("", _("all networks")),
            *((network.slug, network.name) for network in networks),
        ]


class PublicationForm(NetworkChoiceMixin, GermanBlankChoiceMixin, forms.ModelForm[Publication]):
    # Not a model field of the form: the service checks size and content and stores it.
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Publication
        fields = ["title", "kind", "issued_on", "cover_text", "is_published", "published_at"]
        widgets = {
            "issued_on": DATE_WIDGET,
            "published_at": DATETIME_WIDGET,
            "cover_text": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "cover_text": _("A few sentences on what the publication is about and for whom."),
            "published_at": PUBLISHED_AT_HELP,
        }

    def __init__(
        self, *args: Any, networks: QuerySet[Network] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_network_field(networks)
        limit = filesizeformat(settings.PUBLICATION_MAX_BYTES)
        if self.instance.pk:
            self.fields["file"].required = False
            self.fields["file"].help_text = _(
                "Only to replace the current file: a PDF of at most %(size)s."
            ) % {"size": limit}
        else:
            self.fields["file"].help_text = _("A PDF file of at most %(size)s.") % {"size": limit}
        # Fields in reading order: network, title, kind, date, file, text, publication.
        order = ["network", "title", "kind", "issued_on", "file", "cover_text"]
        self.order_fields([name for name in order if name in self.fields])

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            return services_publish.publication_file_check(upload)
        return upload


class PositionForm(NetworkChoiceMixin, GermanBlankChoiceMixin, forms.ModelForm[Position]):
    class Meta:
        model = Position
        fields = ["title", "kind", "dated", "text", "signing_open", "is_published", "published_at"]
        widgets = {
            "dated": DATE_WIDGET,
            "published_at": DATETIME_WIDGET,
            "text": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "text": _("Markdown: **bold**, *italic*, lists with “- ” or “1. ”, links."),
            "signing_open": _("Member organisations can sign while this is ticked."),
            "published_at": PUBLISHED_AT_HELP,
        }

    def __init__(
        self, *args: Any, networks: QuerySet[Network] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_network_field(networks)


class NewsForm(NetworkChoiceMixin, forms.ModelForm[News]):
    class Meta:
        model = News
        fields = ["title", "lead", "body", "is_published", "published_at"]
        widgets = {
            "published_at": DATETIME_WIDGET,
            "body": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "lead": _("One or two sentences shown in the list."),
            "body": _("Markdown: **bold**, *italic*, lists with “- ” or “1. ”, links."),
            "published_at": PUBLISHED_AT_HELP,
        }

    def __init__(
        self, *args: Any, networks: QuerySet[Network] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_network_field(networks)


class PositionSignForm(forms.Form):
    """The explicit confirmation of an editor signing for one organisation; the template
    sends the organisation's id beside it (field ``organisation``), the service checks it."""

    confirm = forms.BooleanField(required=True)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"sign-{organisation.pk}")
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["confirm"].label = _(
            "I confirm as editor that %(organisation)s signs this position."
        ) % {"organisation": organisation.name}
        self.fields["confirm"].error_messages["required"] = _(
            "Please confirm that your organisation signs this position."
        )
