"""Pages of the network module: networks, directory, map, applications, working groups."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from allmende.networks import selectors, services
from allmende.networks.forms import (
    ApplicationReviewForm,
    DirectoryFilterForm,
    MembershipApplicationForm,
    OrganisationForm,
    WorkingGroupDocumentForm,
)
from allmende.networks.models import (
    ApplicationStatus,
    MembershipApplication,
    Network,
    Organisation,
    OrganisationRoleKind,
    WorkingGroup,
)

PAGE_SIZE = 24


def _network(slug: str) -> Network:
    try:
        return selectors.network_get(slug=slug)
    except Network.DoesNotExist as exc:
        raise Http404 from exc


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/network_list.html", {"networks": selectors.network_list()})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "section": "about",
            "can_manage": request.user.has_perm("networks.change_network", network),
        },
    )


def network_members(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    return render(
        request,
        "networks/network_members.html",
        {
            "network": network,
            "section": "members",
            "memberships": selectors.network_members(network=network),
        },
    )


def network_office(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    return render(
        request,
        "networks/network_office.html",
        {
            "network": network,
            "section": "office",
            "coordinators": selectors.network_coordinators(network=network),
        },
    )


def network_contact(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    return render(
        request, "networks/network_contact.html", {"network": network, "section": "contact"}
    )


def _directory_context(request: HttpRequest) -> dict[str, Any]:
    form = DirectoryFilterForm(request.GET or None)
    filters = selectors.OrganisationFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.OrganisationFilters(
            network=data["network"],
            kinds=tuple(data["kind"]),
            states=tuple(data["state"]),
            q=data["q"].strip(),
        )
    paginator = Paginator(selectors.organisation_list_with_networks(filters=filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"form": form, "page": page, "query": query.urlencode(), "filters": filters}


def organisation_directory(request: HttpRequest) -> HttpResponse:
    context = _directory_context(request)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "networks/organisation_directory.html#results", context)
    return render(request, "networks/organisation_directory.html", context)


def organisation_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "networks/organisation_map.html",
        {"form": DirectoryFilterForm(request.GET or None)},
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = selectors.organisation_get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "networks/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": request.user.has_perm("networks.change_organisation", organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug, is_active=True)
    _require(request, "networks.change_organisation", organisation)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=Organisation.objects.get(pk=organisation.pk),
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect(organisation.get_absolute_url())
    return render(
        request, "networks/organisation_form.html", {"form": form, "organisation": organisation}
    )


@ratelimit(key="ip", rate="5/h", method="POST", block=True, group="membership-application")
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    editable = (
        Organisation.objects.filter(
            person_roles__user=request.user,
            person_roles__role=OrganisationRoleKind.EDITOR,
            is_active=True,
        ).order_by("name")
        if request.user.is_authenticated
        else None
    )
    form = MembershipApplicationForm(request.POST or None, network=network, editable=editable)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in {"privacy_consent", "website_url"}
        }
        user = request.user if request.user.is_authenticated else None
        services.application_submit(network=network, data=data, applicant=user)  # type: ignore[arg-type]
        return redirect("networks:application_thanks", slug=network.slug)
    return render(
        request,
        "networks/application_form.html",
        {"network": network, "form": form, "section": "apply"},
    )


def application_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "networks/application_thanks.html", {"network": _network(slug)})


@login_required
def application_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    _require(request, "networks.view_applications", network)
    status = request.GET.get("status", "open")
    valid = {"open", "", *ApplicationStatus.values}
    if status not in valid:
        status = "open"
    paginator = Paginator(selectors.application_list(network=network, status=status), 50)
    return render(
        request,
        "networks/application_dashboard.html",
        {
            "network": network,
            "section": "applications",
            "page": paginator.get_page(request.GET.get("page")),
            "status": status,
            "status_choices": ApplicationStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(slug)
    try:
        application = selectors.application_get(network=network, pk=pk)
    except MembershipApplication.DoesNotExist as exc:
        raise Http404 from exc
    _require(request, "networks.review_application", application)
    allowed = services.ALLOWED_TRANSITIONS.get(application.status, frozenset())
    form = ApplicationReviewForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_transition(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            field = "note" if getattr(exc, "code", "") == "note_required" else None
            form.add_error(field, exc)
        else:
            messages.success(request, _("The application has been updated."))
            return redirect(reverse("networks:application_review", kwargs={"slug": slug, "pk": pk}))
    return render(
        request,
        "networks/application_review.html",
        {"network": network, "section": "applications", "application": application, "form": form},
    )


def working_group_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    return render(
        request,
        "networks/working_group_list.html",
        {
            "network": network,
            "section": "groups",
            "groups": selectors.working_group_list(network=network),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def working_group_detail(request: HttpRequest, network: str, slug: str) -> HttpResponse:
    network_obj = _network(network)
    try:
        group = selectors.working_group_get(network=network_obj, slug=slug)
    except WorkingGroup.DoesNotExist as exc:
        raise Http404 from exc
    _require(request, "networks.view_working_group", group)
    can_upload = request.user.has_perm("networks.add_working_group_document", group)
    form = WorkingGroupDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        if form.is_valid():
            services.working_group_document_add(
                group=group,
                actor=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
            messages.success(request, _("The document has been added."))
            return redirect(group.get_absolute_url())
    return render(
        request,
        "networks/working_group_detail.html",
        {
            "network": network_obj,
            "section": "groups",
            "group": group,
            "form": form,
            "can_upload": can_upload,
        },
    )
