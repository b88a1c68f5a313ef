"""Forms of the article pages: the list's filters and the coordinators' editor."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.knowledge.models import Article, Audience, Phase, Tool
from allmende.knowledge.selectors_content import topic_list
from allmende.knowledge.services_content import ARTICLE_EDITABLE_FIELDS
from allmende.networks.models import Network, Organisation


class ArticleFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[
            ("", _("All audiences")),
            (Audience.INITIATIVES, _("Initiatives")),
            (Audience.OWNERS, _("Municipalities and owners")),
        ],
    )
    phase = forms.ChoiceField(
        label=_("Phase or step"),
        required=False,
        choices=[("", _("All phases and steps")), *Phase.choices],
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        required=False,
        queryset=topic_list(),
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        required=False,
        queryset=Network.objects.order_by("name", "pk"),
        to_field_name="slug",
        empty_label=_("All networks"),
    )


class ArticleForm(GermanBlankChoiceMixin, forms.ModelForm):
    """The editor. Given ``networks``, it asks for the network too (a new article)."""

    class Meta:
        model = Article
        fields = [*ARTICLE_EDITABLE_FIELDS, "topics"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16}),
            "topics": forms.CheckboxSelectMultiple,
            "published_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        labels = {
            "key_point_1": _("First key point"),
            "key_point_2": _("Second key point"),
            "key_point_3": _("Third key point"),
        }
        help_texts = {
            "key_point_1": _("“Kurz gesagt”: three short sentences of at most 200 characters."),
            "body": _(
                "Markdown: **bold**, *italic*, [link](https://…), lists with “-”, headings "
                "with “##”. HTML is shown as text."
            ),
            "phase": _("The initiatives' phase or the owners' step the article belongs to."),
            "is_published": _("Published articles are shown to everyone from their date on."),
            "published_at": _("An article with a later date appears on that day."),
        }

    def __init__(self, *args: Any, networks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if networks is not None:
            self.fields["network"] = forms.ModelChoiceField(
                label=_("Network"), queryset=networks, empty_label=None
            )
            self.order_fields(["network", *self.fields])
        self.fields["topics"].queryset = topic_list()  # type: ignore[attr-defined]
        # Related items of the article's network (of the networks offered, for a new one);
        # the service refuses items of another network.
        network_ids = [self.instance.network_id] if self.instance.pk else list(networks or [])
        self.fields["related_articles"] = forms.ModelMultipleChoiceField(
            label=_("Related articles"),
            required=False,
            queryset=Article.objects.filter(network__in=network_ids)
            .exclude(pk=self.instance.pk)
            .order_by("title", "pk"),
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text=_("Shown under the article. Hold Ctrl (or ⌘) to choose several."),
        )
        self.fields["related_tools"] = forms.ModelMultipleChoiceField(
            label=_("Related tools"),
            required=False,
            queryset=Tool.objects.filter(toolbox__network__in=network_ids)
            .select_related("toolbox")
            .order_by("code", "pk"),
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text=_("Shown under the article. Hold Ctrl (or ⌘) to choose several."),
        )
        if self.instance.pk and not self.is_bound:
            self.initial["related_articles"] = list(
                self.instance.related_articles.values_list("pk", flat=True)
            )
            self.initial["related_tools"] = list(
                self.instance.related_tools.values_list("pk", flat=True)
            )
        self.fields["author_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("name", "pk")
        self.fields["published_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("published_at", timezone.localtime().replace(second=0))
        for name in ("title", "key_point_1", "key_point_2", "key_point_3", "body", "audience"):
            self.fields[name].required = True

    @property
    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        groups = [
            (_("Where and for whom"), ["network", "audience", "phase", "topics"]),
            (_("Text"), ["title", "key_point_1", "key_point_2", "key_point_3", "body"]),
            (_("Related"), ["related_articles", "related_tools"]),
            (
                _("Author and publication"),
                ["author_organisation", "is_published", "published_at"],
            ),
        ]
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in groups
        ]
