"""Pages of the knowledge overview and of the articles: list, detail and the coordinators'
editor with a preview."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allmende.core.markdown import render_markdown
from allmende.knowledge import selectors_content as selectors
from allmende.knowledge import services_content as services
from allmende.knowledge.forms_content import ArticleFilterForm, ArticleForm
from allmende.knowledge.models import Article, Audience

PAGE_SIZE = 20


def overview(request: HttpRequest) -> HttpResponse:
    context = {
        "latest_articles": list(selectors.article_latest(limit=5)),
        "audiences": [
            (Audience.INITIATIVES, _("For initiatives")),
            (Audience.OWNERS, _("For municipalities and owners")),
        ],
        "can_write": selectors.networks_for_article_editing(user=request.user).exists(),
    }
    return render(request, "knowledge/overview.html", context)


def article_list(request: HttpRequest) -> HttpResponse:
    form = ArticleFilterForm(request.GET or None)
    filters = selectors.ArticleFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ArticleFilters(
            audience=data["audience"],
            phase=data["phase"],
            topic=data["topic"].slug if data["topic"] else "",
            network=data["network"].slug if data["network"] else "",
        )
    paginator = Paginator(selectors.article_list(filters=filters, user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_write": selectors.networks_for_article_editing(user=request.user).exists(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "knowledge/articles/article_list.html#results", context)
    return render(request, "knowledge/articles/article_list.html", context)


def _article(request: HttpRequest, slug: str) -> Article:
    try:
        return selectors.article_get(slug=slug, user=request.user)
    except Article.DoesNotExist as exc:
        raise Http404 from exc


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article(request, slug)
    context = {
        "article": article,
        "body": render_markdown(article.body),
        "can_change": request.user.has_perm("knowledge.change_content", article),
    }
    return render(request, "knowledge/articles/article_detail.html", context)


def _preview(form: ArticleForm) -> dict[str, Any] | None:
    """What the article would look like, from the valid form's data; nothing is saved."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    return {
        "title": data["title"],
        "key_points": [data["key_point_1"], data["key_point_2"], data["key_point_3"]],
        "body": render_markdown(data["body"]),
    }


def _editor(
    request: HttpRequest, form: ArticleForm, article: Article | None, save: Any
) -> HttpResponse:
    """Shared by create and edit: a preview re-renders the form, a save calls ``save``."""
    preview = None
    if request.method == "POST":
        if "preview" in request.POST:
            preview = _preview(form)
        elif form.is_valid():
            data = dict(form.cleaned_data)
            topics = data.pop("topics")
            related = {
                "related_articles": data.pop("related_articles"),
                "related_tools": data.pop("related_tools"),
            }
            try:
                saved = save(data, topics, related)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The article has been saved."))
                return redirect(saved.get_absolute_url())
    context = {"form": form, "article": article, "preview": preview}
    return render(request, "knowledge/articles/article_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    networks = selectors.networks_for_article_editing(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    form = ArticleForm(request.POST or None, networks=networks)

    def save(data: dict[str, Any], topics: Any, related: dict[str, Any]) -> Article:
        return services.article_create(
            network=data.pop("network"),
            actor=request.user,  # type: ignore[arg-type]
            data=data,
            topics=topics,
            **related,
        )

    return _editor(request, form, None, save)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article(request, slug)
    if not request.user.has_perm("knowledge.change_content", article):
        raise PermissionDenied
    # The form changes its instance while validating: the page keeps showing the stored one.
    form = ArticleForm(request.POST or None, instance=Article.objects.get(pk=article.pk))

    def save(data: dict[str, Any], topics: Any, related: dict[str, Any]) -> Article:
        return services.article_update(
            article=Article.objects.get(pk=article.pk),
            actor=request.user,  # type: ignore[arg-type]
            data=data,
            topics=topics,
            **related,
        )

    return _editor(request, form, article, save)
