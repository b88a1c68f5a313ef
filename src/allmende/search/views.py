"""The search page: one GET form over all public content, with facet counts; htmx updates
the facets and results in place, the same URL works without JavaScript."""

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from allmende.search.backends import Order
from allmende.search.forms import SearchForm
from allmende.search.registry import facet_kinds, search_types
from allmende.search.selectors import (
    SearchResults,
    clean_filters,
    facet_groups,
    search,
    search_suggestion,
)

PAGE_SIZE = 20


def _run(
    form: SearchForm, filters: dict[str, list[str]], number: int
) -> tuple[SearchResults, Page[Any]]:
    data = form.cleaned_data

    def run(page_number: int) -> SearchResults:
        return search(
            data["q"],
            types=data["type"] or None,
            filters=filters,
            order=data["order"],
            limit=PAGE_SIZE,
            offset=(page_number - 1) * PAGE_SIZE,
        )

    results = run(number)
    # A range stands in for the hits: the paginator only needs their number.
    page = Paginator(range(results.total), PAGE_SIZE).get_page(number)
    if page.number != number:
        results = run(page.number)
    return results, page


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = clean_filters({kind.key: request.GET.getlist(kind.key) for kind in facet_kinds()})
    context: dict[str, Any] = {"form": form, "searched": False}
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip() or data["type"] or filters:
            results, page = _run(form, filters, data["page"])
            labels = {t.key: t.label for t in search_types()}
            base = {"q": data["q"]}
            if data["order"] != Order.RELEVANCE:
                base["order"] = data["order"]
            query = request.GET.copy()
            query.pop("page", None)
            context.update(
                searched=True,
                results=results,
                page=page,
                query=query.urlencode(),
                hits=[{"hit": h, "type_label": labels.get(h.type, h.type)} for h in results.hits],
                types=[
                    {
                        "key": t.key,
                        "label": t.label,
                        "count": results.counts.get(t.key, 0),
                        "selected": t.key in data["type"],
                    }
                    for t in search_types()
                    if results.counts.get(t.key) or t.key in data["type"]
                ],
                # Each value with its element id, made here once rather than twice per
                # value by a template filter (the facet lists are most of the page's nodes).
                groups=[
                    {
                        "key": group.key,
                        "label": group.label,
                        "values": [
                            (v, f"facet-{group.key}-{slugify(v.value)}") for v in group.values
                        ],
                    }
                    for group in facet_groups(results)
                ],
                has_filters=bool(filters or data["type"]),
                without_filters=f"{reverse('search:search')}?{urlencode(base)}",
                no_words=bool(data["q"].strip()) and not results.has_words,
            )
            if results.total == 0 and results.has_words:
                suggestion = search_suggestion(data["q"])
                if suggestion:
                    context["suggestion"] = suggestion
                    context["suggestion_url"] = (
                        f"{reverse('search:search')}?{urlencode({**base, 'q': suggestion})}"
                    )
    template = "search/search.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#area"
    return render(request, template, context)
