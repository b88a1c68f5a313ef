"""Pages of the property module: list, detail, registration and editing, status timeline,
pipeline boards, reports by visitors and their moderation."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from allmende.core.choices import Use
from allmende.networks.models import Network, Organisation
from allmende.properties import selectors, services
from allmende.properties.forms import (
    PipelineMoveForm,
    PropertyFilterForm,
    PropertyForm,
    PropertyReportForm,
    PropertyStatusForm,
)
from allmende.properties.models import Moderation, PipelineStage, Property

PAGE_SIZE = 24


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.is_authenticated or not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _property(request: HttpRequest, pk: int) -> Property:
    try:
        return selectors.property_get(pk=pk, user=request.user)
    except Property.DoesNotExist as exc:
        raise Http404 from exc


def _list_context(request: HttpRequest) -> dict[str, Any]:
    form = PropertyFilterForm(request.GET or None)
    filters = selectors.PropertyFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PropertyFilters(
            kind=data["kind"],
            status=data["status"],
            state=data["state"],
            town=data["town"].strip(),
            area_min=data["area_min"],
            area_max=data["area_max"],
            transfer=data["transfer"],
            use=data["use"],
        )
    paginator = Paginator(selectors.property_list(filters=filters, user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "page": page, "query": query.urlencode()}


def property_list(request: HttpRequest) -> HttpResponse:
    context = _list_context(request)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "properties/property_list.html#results", context)
    return render(request, "properties/property_list.html", context)


def _detail_context(
    request: HttpRequest, prop: Property, status_form: PropertyStatusForm | None = None
) -> dict[str, Any]:
    can_change = request.user.has_perm("properties.change_property", prop)
    return {
        "property": prop,
        "can_change": can_change,
        "show_exact": request.user.has_perm("properties.view_exact_location", prop),
        "status_form": status_form or (PropertyStatusForm() if can_change else None),
        "timeline": list(prop.status_changes.all()),
        # Who moved the card on the board is for those who may move it (one query, only then).
        "pipeline_moves": (list(selectors.pipeline_moves(property=prop)) if can_change else []),
        "uses": [Use(use).label for use in prop.suitable_uses if use in Use.values],
    }


def property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _property(request, pk)
    return render(request, "properties/property_detail.html", _detail_context(request, prop))


@login_required
@require_http_methods(["GET", "POST"])
def property_create(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for_new_property(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = PropertyForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        try:
            prop = services.property_create(
                organisation=organisation,
                actor=request.user,  # type: ignore[arg-type]
                data=data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The property has been registered."))
            return redirect("properties:property_detail", pk=prop.pk)
    return render(request, "properties/property_form.html", {"form": form, "property": None})


@login_required
@require_http_methods(["GET", "POST"])
def property_edit(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _property(request, pk)
    _require(request, "properties.change_property", prop)
    form = PropertyForm(request.POST or None, instance=prop)
    if request.method == "POST" and form.is_valid():
        try:
            services.property_update(
                property=Property.objects.get(pk=prop.pk),
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The property has been saved."))
            return redirect("properties:property_detail", pk=prop.pk)
    return render(request, "properties/property_form.html", {"form": form, "property": prop})


@login_required
@require_POST
def property_status(request: HttpRequest, pk: int) -> HttpResponse:
    prop = _property(request, pk)
    _require(request, "properties.change_property", prop)
    form = PropertyStatusForm(request.POST)
    if form.is_valid():
        try:
            services.property_status_change(
                property=prop,
                status=form.cleaned_data["status"],
                valid_from=form.cleaned_data["valid_from"],
                note=form.cleaned_data["note"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("properties:property_detail", pk=prop.pk)
    return render(request, "properties/property_detail.html", _detail_context(request, prop, form))


def _board_target(
    request: HttpRequest, *, organisation: str, network: str
) -> tuple[Organisation | None, Network | None]:
    """The owner organisation or network of a board, if the user may see that board."""
    if organisation:
        board_organisation = get_object_or_404(Organisation, slug=organisation, is_active=True)
        _require(request, "properties.view_organisation_pipeline", board_organisation)
        return board_organisation, None
    if network:
        board_network = get_object_or_404(Network, slug=network)
        _require(request, "properties.view_network_pipeline", board_network)
        return None, board_network
    raise Http404


def _board_context(
    request: HttpRequest, *, board_organisation: Organisation | None, board_network: Network | None
) -> dict[str, Any]:
    cards = list(
        selectors.pipeline_properties(organisation=board_organisation, network=board_network)
    )
    # The move permission depends only on the owner organisation: ask once per owner.
    may_move: dict[int | None, bool] = {}
    for card in cards:
        if card.owner_organisation_id not in may_move:
            may_move[card.owner_organisation_id] = request.user.has_perm(
                "properties.change_property", card
            )
        card.can_move = may_move[card.owner_organisation_id]  # type: ignore[attr-defined]
    columns = [
        {"stage": value, "label": label, "cards": [c for c in cards if c.pipeline_stage == value]}
        for value, label in PipelineStage.choices
    ]
    return {
        "board_organisation": board_organisation,
        "board_network": board_network,
        "columns": columns,
        "stages": PipelineStage.choices,
    }


@login_required
def pipeline_board(request: HttpRequest) -> HttpResponse:
    board_organisation, board_network = _board_target(
        request,
        organisation=request.GET.get("organisation", ""),
        network=request.GET.get("network", ""),
    )
    context = _board_context(
        request, board_organisation=board_organisation, board_network=board_network
    )
    return render(request, "properties/pipeline.html", context)


@login_required
@require_POST
def pipeline_move(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_object_or_404(
        Property.objects.select_related("owner_organisation"),
        pk=pk,
        moderation=Moderation.APPROVED,
    )
    _require(request, "properties.change_property", prop)
    # The board the card was moved on, to show it again; checked before anything changes.
    board = {
        "organisation": request.POST.get("organisation", "").strip(),
        "network": request.POST.get("network", "").strip(),
    }
    target = _board_target(request, **board) if board["organisation"] or board["network"] else None
    form = PipelineMoveForm(request.POST)
    moved = form.is_valid()
    if moved:
        services.property_pipeline_move(
            property=prop,
            stage=form.cleaned_data["stage"],
            actor=request.user,  # type: ignore[arg-type]
        )
    if request.htmx and target is not None:  # type: ignore[attr-defined]
        context = _board_context(request, board_organisation=target[0], board_network=target[1])
        context["moved"] = prop if moved else None
        context["move_error"] = not moved
        return render(request, "properties/pipeline.html#board", context)
    if moved:
        messages.success(
            request,
            _("“%(title)s” is now in stage %(stage)s.")
            % {"title": prop.title, "stage": prop.get_pipeline_stage_display()},
        )
    else:
        messages.error(request, _("Please choose one of the six stages."))
    if target is not None:
        query = urlencode({k: v for k, v in board.items() if v})
        return redirect(f"{reverse('properties:pipeline_board')}?{query}")
    return redirect("properties:property_detail", pk=prop.pk)


@ratelimit(key="ip", rate="5/h", method="POST", block=True, group="property-report")
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    form = PropertyReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        photo_keys = {"photo", "photo_author", "photo_rights_consent"}
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"privacy_consent", "website_url", *photo_keys}
        }
        reporter = request.user if request.user.is_authenticated else None
        services.report_submit(
            data=data,
            reporter=reporter,  # type: ignore[arg-type]
            photo=form.cleaned_data.get("photo") or None,
            photo_author=form.cleaned_data.get("photo_author", ""),
            photo_rights_consent=form.cleaned_data.get("photo_rights_consent", False),
        )
        return redirect("properties:report_thanks")
    return render(request, "properties/report_form.html", {"form": form})


def report_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "properties/report_thanks.html")


def _may_moderate(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated and (user.is_superuser or user.coordinator_roles.exists())  # type: ignore[union-attr]
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    if not _may_moderate(request):
        raise PermissionDenied
    paginator = Paginator(selectors.report_list(user=request.user), 50)
    return render(
        request,
        "properties/report_list.html",
        {"page": paginator.get_page(request.GET.get("page")), "query": ""},
    )


@login_required
def report_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo of a pending report, for those who may decide the report (it has no public
    address until then); 404 for everyone else and for reports without a photo."""
    report = get_object_or_404(Property, pk=pk, moderation=Moderation.PENDING)
    if not request.user.has_perm("properties.moderate_report", report) or not report.report_photo:
        raise Http404
    try:
        handle = report.report_photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = (
        "image/png" if (report.report_photo.name or "").endswith(".png") else "image/jpeg"
    )
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Property, pk=pk, moderation=Moderation.PENDING)
    _require(request, "properties.moderate_report", report)
    decision = request.POST.get("decision")
    if decision == "approve":
        services.report_approve(property=report, actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request, _("“%(title)s” has been approved and published.") % {"title": report.title}
        )
    elif decision == "reject":
        services.report_reject(property=report, actor=request.user)  # type: ignore[arg-type]
        messages.success(
            request, _("“%(title)s” has been rejected and stays hidden.") % {"title": report.title}
        )
    else:
        messages.error(request, _("Please choose to approve or to reject the report."))
    return redirect("properties:report_list")
