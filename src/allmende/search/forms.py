"""The search form: the words, the type filter, the order and the page. Facet values come
from the query string as they are (any text; unknown values simply match nothing)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from allmende.search.backends import Order
from allmende.search.registry import search_types

MAX_QUERY_INPUT = 500
MAX_PAGE = 1000


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_INPUT,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.MultipleChoiceField(
        label=_("Type"), required=False, widget=forms.CheckboxSelectMultiple
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[(Order.RELEVANCE, _("Relevance")), (Order.DATE, _("Newest first"))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.key, t.label) for t in search_types()]  # type: ignore[attr-defined]

    def clean_order(self) -> Order:
        return Order(self.cleaned_data["order"] or Order.RELEVANCE)

    def clean_page(self) -> int:
        return int(self.cleaned_data["page"] or 1)
