"""Pages of space needs: list with filters, detail, create and edit."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allmende.core.choices import TransferModel, Use
from allmende.core.models import State
from allmende.needs import selectors, services
from allmende.needs.forms import OrganisationChoiceForm, SpaceNeedFilterForm, SpaceNeedForm
from allmende.needs.models import SpaceNeed
from allmende.networks.models import Organisation, OrganisationRoleKind

PAGE_SIZE = 20
USE_LABELS = dict(Use.choices)
TRANSFER_LABELS = dict(TransferModel.choices)
STATE_LABELS = dict(State.choices)


def _label(need: SpaceNeed) -> SpaceNeed:
    """Attach the display labels of the need's lists for the templates."""
    need.use_labels = [str(USE_LABELS.get(v, v)) for v in need.uses]  # type: ignore[attr-defined]
    need.transfer_labels = [  # type: ignore[attr-defined]
        str(TRANSFER_LABELS.get(v, v)) for v in need.transfer_models
    ]
    need.state_labels = [str(STATE_LABELS.get(v, v)) for v in need.states]  # type: ignore[attr-defined]
    return need


def _editable_organisations(user: Any) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    queryset = Organisation.objects.filter(is_active=True)
    if not user.is_superuser:
        queryset = queryset.filter(
            person_roles__user=user, person_roles__role=OrganisationRoleKind.EDITOR
        )
    return queryset.order_by("name", "pk")


def space_need_list(request: HttpRequest) -> HttpResponse:
    form = SpaceNeedFilterForm(request.GET or None)
    filters = selectors.SpaceNeedFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.SpaceNeedFilters(
            use=data["use"], state=data["state"], area=data["area"], q=data["q"].strip()
        )
    paginator = Paginator(selectors.space_need_list(filters=filters, user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for need in page.object_list:
        _label(need)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_add": _editable_organisations(request.user).exists(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "needs/space_need_list.html#results", context)
    return render(request, "needs/space_need_list.html", context)


def space_need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _label(selectors.space_need_get(pk=pk, user=request.user))
    return render(
        request,
        "needs/space_need_detail.html",
        {"need": need, "can_edit": request.user.has_perm("needs.change_space_need", need)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def space_need_create(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("organisation", "")
    if not slug:
        organisations = _editable_organisations(request.user)
        if not organisations.exists():
            raise PermissionDenied
        if organisations.count() == 1:
            return redirect(
                f"{reverse('needs:space_need_create')}?organisation={organisations.get().slug}"
            )
        return render(
            request,
            "needs/space_need_choose_organisation.html",
            {"form": OrganisationChoiceForm(organisations=organisations)},
        )
    organisation = get_object_or_404(Organisation, slug=slug, is_active=True)
    if not request.user.has_perm("needs.add_space_need", organisation):
        raise PermissionDenied
    form = SpaceNeedForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.space_need_create(
                organisation=organisation,
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The space need has been published."))
            return redirect("needs:space_need_detail", pk=need.pk)
    return render(
        request, "needs/space_need_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def space_need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.space_need_get(pk=pk, user=request.user)
    if not request.user.has_perm("needs.change_space_need", need):
        raise PermissionDenied
    stored_title = need.title
    form = SpaceNeedForm(request.POST or None, instance=need, organisation=need.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            # The form has already written its values into ``need``; the service compares
            # against the stored version.
            services.space_need_update(
                need=selectors.space_need_get(pk=pk, user=request.user),
                actor=request.user,  # type: ignore[arg-type]
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The space need has been saved."))
            return redirect("needs:space_need_detail", pk=pk)
    return render(
        request,
        "needs/space_need_form.html",
        {
            "form": form,
            "organisation": need.organisation,
            "need": need,
            "stored_title": stored_title,
        },
    )
