"""Pages for a property's photos and documents: upload, confirmed deletion, and the download
of documents through a permission check (documents are never linked under MEDIA_URL)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from allmende.properties import selectors, selectors_media, services_media
from allmende.properties.forms_media import PropertyDocumentForm, PropertyPhotoForm
from allmende.properties.models import Property, PropertyDocument, PropertyPhoto


def _property(request: HttpRequest, pk: int) -> Property:
    try:
        return selectors.property_get(pk=pk, user=request.user)
    except Property.DoesNotExist as exc:
        raise Http404 from exc


def _changeable_property(request: HttpRequest, pk: int) -> Property:
    """The property if the user may see it (404 otherwise) and change it (403 otherwise)."""
    prop = _property(request, pk)
    if not request.user.has_perm("properties.change_property", prop):
        raise PermissionDenied
    return prop


def _detail_url(prop: Property, anchor: str) -> str:
    return reverse("properties:property_detail", args=[prop.pk]) + anchor


@login_required
@require_http_methods(["GET", "POST"])
def photo_create(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _changeable_property(request, pk)
    if request.method == "POST":
        form = PropertyPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_media.photo_add(
                    property=prop,
                    actor=request.user,  # type: ignore[arg-type]
                    image=data["image"],
                    alt_text=data["alt_text"],
                    caption=data["caption"],
                    author=data["author"],
                    licence=data["licence"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The photo has been added."))
                return redirect(_detail_url(prop, "#photos"))
    else:
        form = PropertyPhotoForm()
    return render(request, "properties/photo_form.html", {"form": form, "property": prop})


@login_required
@require_http_methods(["GET", "POST"])
def photo_delete(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    prop = _changeable_property(request, pk)
    photo = get_object_or_404(PropertyPhoto, pk=photo_pk, property=prop)
    if request.method == "POST":
        services_media.photo_delete(photo=photo, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The photo has been deleted."))
        return redirect(_detail_url(prop, "#photos"))
    context: dict[str, Any] = {
        "property": prop,
        "title": _("Delete photo"),
        "question": _("Do you want to delete the photo “%(name)s”?") % {"name": photo.alt_text},
        "photo": photo,
        "cancel_url": _detail_url(prop, "#photos"),
    }
    return render(request, "properties/media_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _changeable_property(request, pk)
    if request.method == "POST":
        form = PropertyDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_media.document_add(
                    property=prop,
                    actor=request.user,  # type: ignore[arg-type]
                    file=data["file"],
                    title=data["title"],
                    kind=data["kind"],
                    is_public=data["is_public"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The document has been added."))
                return redirect(_detail_url(prop, "#documents"))
    else:
        form = PropertyDocumentForm()
    return render(request, "properties/document_form.html", {"form": form, "property": prop})


@require_GET
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """The PDF as an attachment, for those who may see it; 404 for everyone else, so that
    the existence of a non-public document is not revealed either."""
    prop = _property(request, pk)
    try:
        document = selectors_media.document_get(property=prop, pk=doc_pk, user=request.user)
    except PropertyDocument.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(document.title) or 'dokument'}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not document.is_public or not prop.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    prop = _changeable_property(request, pk)
    document = get_object_or_404(PropertyDocument, pk=doc_pk, property=prop)
    if request.method == "POST":
        services_media.document_delete(document=document, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The document has been deleted."))
        return redirect(_detail_url(prop, "#documents"))
    context: dict[str, Any] = {
        "property": prop,
        "title": _("Delete document"),
        "question": _("Do you want to delete the document “%(name)s”?") % {"name": document.title},
        "cancel_url": _detail_url(prop, "#documents"),
    }
    return render(request, "properties/media_delete.html", context)
