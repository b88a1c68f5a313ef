"""Pages of publications (with their PDF download), positions (with signing) and the news of
the networks, and the coordinators' editors for all three."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allmende.core.markdown import render_markdown
from allmende.knowledge import selectors_publish as selectors
from allmende.knowledge import services_publish as services
from allmende.knowledge.forms_publish import (
    NewsFilterForm,
    NewsForm,
    PositionForm,
    PositionSignForm,
    PublicationFilterForm,
    PublicationForm,
)
from allmende.knowledge.models import News, Position, Publication
from allmende.networks.models import Network, Organisation

PAGE_SIZE = 20


def _require_change(request: HttpRequest, obj: Any) -> None:
    if not request.user.has_perm("knowledge.change_content", obj):
        raise PermissionDenied


def _editable_networks(request: HttpRequest) -> QuerySet[Network]:
    networks = selectors.networks_editable_by(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    return networks


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    """A service's errors at their fields where the form has them, otherwise in the summary."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _page_context(request: HttpRequest, queryset: QuerySet[Any]) -> dict[str, Any]:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}


# --- Publications ---------------------------------------------------------------------------


def _publication(request: HttpRequest, slug: str) -> Publication:
    try:
        return selectors.publication_get(slug=slug, user=request.user)
    except Publication.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    form = PublicationFilterForm(request.GET or None, networks=selectors.network_choices())
    filters = selectors.PublicationFilters()
    if form.is_valid():
        filters = selectors.PublicationFilters(
            kind=form.cleaned_data["kind"], network=form.cleaned_data["network"]
        )
    context = {
        "form": form,
        "can_create": selectors.networks_editable_by(user=request.user).exists(),
        **_page_context(request, selectors.publication_list(filters=filters, user=request.user)),
    }
    return render(request, "knowledge/publications/publication_list.html", context)


@require_GET
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = _publication(request, slug)
    context = {
        "publication": publication,
        "can_change": request.user.has_perm("knowledge.change_content", publication),
    }
    return render(request, "knowledge/publications/publication_detail.html", context)


@require_GET
def publication_download(request: HttpRequest, slug: str) -> FileResponse:
    """The PDF as an attachment; drafts are 404 for everyone who may not change them."""
    publication = _publication(request, slug)
    try:
        handle = publication.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(publication.slug) or 'publikation'}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not publication.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def publication_create(request: HttpRequest) -> HttpResponse:
    networks = _editable_networks(request)
    form = PublicationForm(request.POST or None, request.FILES or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network, file = data.pop("network"), data.pop("file")
        try:
            publication = services.publication_create(
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
                file=file,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The publication has been saved."))
            return redirect(publication)
    return render(
        request, "knowledge/publications/publication_form.html", {"form": form, "publication": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest, slug: str) -> HttpResponse:
    publication = _publication(request, slug)
    _require_change(request, publication)
    form = PublicationForm(request.POST or None, request.FILES or None, instance=publication)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        file = data.pop("file", None)
        try:
            saved = services.publication_update(
                publication=Publication.objects.get(pk=publication.pk),
                actor=request.user,  # type: ignore[arg-type]
                data=data,
                file=file or None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The publication has been saved."))
            return redirect(saved)
    publication.refresh_from_db()
    context = {"form": form, "publication": publication}
    return render(request, "knowledge/publications/publication_form.html", context)


# --- Positions ------------------------------------------------------------------------------


def _position(request: HttpRequest, slug: str) -> Position:
    try:
        return selectors.position_get(slug=slug, user=request.user)
    except Position.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def position_list(request: HttpRequest) -> HttpResponse:
    context = {
        "can_create": selectors.networks_editable_by(user=request.user).exists(),
        **_page_context(request, selectors.position_list(user=request.user)),
    }
    return render(request, "knowledge/positions/position_list.html", context)


def _position_context(
    request: HttpRequest, position: Position, posted: PositionSignForm | None = None
) -> dict[str, Any]:
    signatures = list(position.signatures.all())
    signed = {signature.organisation_id for signature in signatures}
    sign_forms: list[PositionSignForm] = []
    if (
        position.is_public
        and position.signing_open
        and request.user.has_perm("knowledge.sign_position", position)
    ):
        for organisation in selectors.position_signing_organisations(
            position=position, user=request.user
        ):
            if organisation.pk in signed:
                continue
            if posted is not None and posted.organisation.pk == organisation.pk:
                sign_forms.append(posted)
            else:
                sign_forms.append(PositionSignForm(organisation=organisation))
    edited = selectors.organisation_ids_edited_by(user=request.user)
    return {
        "position": position,
        "text_html": render_markdown(position.text),
        "signatures": signatures,
        "withdrawable": [s for s in signatures if s.organisation_id in edited],
        "sign_forms": sign_forms,
        "can_change": request.user.has_perm("knowledge.change_content", position),
    }


@require_GET
def position_detail(request: HttpRequest, slug: str) -> HttpResponse:
    position = _position(request, slug)
    return render(
        request, "knowledge/positions/position_detail.html", _position_context(request, position)
    )


def _posted_organisation(request: HttpRequest) -> Organisation:
    try:
        pk = int(request.POST.get("organisation", ""))
    except ValueError as exc:
        raise Http404 from exc
    return get_object_or_404(Organisation, pk=pk)


@login_required
@require_POST
def position_sign(request: HttpRequest, slug: str) -> HttpResponse:
    position = _position(request, slug)
    organisation = _posted_organisation(request)
    form = PositionSignForm(request.POST, organisation=organisation)
    if not form.is_valid():
        context = _position_context(request, position, posted=form)
        if form not in context["sign_forms"]:
            raise PermissionDenied
        return render(request, "knowledge/positions/position_detail.html", context)
    try:
        services.position_sign(
            position=position,
            organisation=organisation,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(organisation)s has signed “%(title)s”.")
            % {"organisation": organisation.name, "title": position.title},
        )
    return redirect(f"{position.get_absolute_url()}#signatures")


@login_required
@require_POST
def position_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    position = _position(request, slug)
    organisation = _posted_organisation(request)
    try:
        services.position_signature_withdraw(
            position=position,
            organisation=organisation,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The signature of %(organisation)s has been withdrawn.")
            % {"organisation": organisation.name},
        )
    return redirect(f"{position.get_absolute_url()}#signatures")


@login_required
@require_POST
def position_signing(request: HttpRequest, slug: str) -> HttpResponse:
    """Open or close a position for signatures (coordinators)."""
    position = _position(request, slug)
    _require_change(request, position)
    is_open = request.POST.get("open") == "1"
    services.position_signing_set(
        position=position,
        actor=request.user,  # type: ignore[arg-type]
        is_open=is_open,
    )
    messages.success(
        request,
        _("The position is open for signatures.")
        if is_open
        else _("The position is closed for signatures."),
    )
    return redirect(f"{position.get_absolute_url()}#signatures")


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest) -> HttpResponse:
    networks = _editable_networks(request)
    form = PositionForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        try:
            position = services.position_create(
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The position has been saved."))
            return redirect(position)
    return render(
        request, "knowledge/positions/position_form.html", {"form": form, "position": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, slug: str) -> HttpResponse:
    position = _position(request, slug)
    _require_change(request, position)
    form = PositionForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.position_update(
                position=Position.objects.get(pk=position.pk),
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The position has been saved."))
            return redirect(saved)
    position.refresh_from_db()
    return render(
        request, "knowledge/positions/position_form.html", {"form": form, "position": position}
    )


# --- News -----------------------------------------------------------------------------------


def _news_list(request: HttpRequest, network: Network | None) -> HttpResponse:
    form = NewsFilterForm(request.GET or None, networks=selectors.network_choices())
    slug = network.slug if network else ""
    if network is None and form.is_valid():
        slug = form.cleaned_data["network"]
    context = {
        "form": form,
        "network": network,
        "can_create": selectors.networks_editable_by(user=request.user).exists(),
        **_page_context(request, selectors.news_list(user=request.user, network=slug)),
    }
    return render(request, "knowledge/news/news_list.html", context)


@require_GET
def news_list(request: HttpRequest) -> HttpResponse:
    return _news_list(request, None)


@require_GET
def news_network(request: HttpRequest, network_slug: str) -> HttpResponse:
    return _news_list(request, get_object_or_404(Network, slug=network_slug))


def _news(request: HttpRequest, slug: str) -> News:
    try:
        return selectors.news_get(slug=slug, user=request.user)
    except News.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    news = _news(request, slug)
    context = {
        "news": news,
        "body_html": render_markdown(news.body),
        "can_change": request.user.has_perm("knowledge.change_content", news),
    }
    return render(request, "knowledge/news/news_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def news_create(request: HttpRequest) -> HttpResponse:
    networks = _editable_networks(request)
    form = NewsForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        network = data.pop("network")
        try:
            news = services.news_create(
                network=network,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The news item has been saved."))
            return redirect(news)
    return render(request, "knowledge/news/news_form.html", {"form": form, "news": None})


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, slug: str) -> HttpResponse:
    news = _news(request, slug)
    _require_change(request, news)
    form = NewsForm(request.POST or None, instance=news)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.news_update(
                news=News.objects.get(pk=news.pk),
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The news item has been saved."))
            return redirect(saved)
    news.refresh_from_db()
    return render(request, "knowledge/news/news_form.html", {"form": form, "news": news})
