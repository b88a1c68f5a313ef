"""Pages of the matching module: recommendations on a need and on a property, interest, and
the coordinators' optimal assignment for a region."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allmende.matching import regions, selectors, services
from allmende.matching.forms import InterestForm, RegionForm, WeightsForm
from allmende.matching.models import InterestState, Side
from allmende.matching.snapshot import network_weights
from allmende.needs.selectors import space_need_get
from allmende.networks.models import Network
from allmende.properties.models import Property
from allmende.properties.selectors import property_get


def _property_get(*, pk: int, user: Any) -> Property:
    """The property if the user may see it; 404 otherwise."""
    try:
        return property_get(pk=pk, user=user)
    except Property.DoesNotExist as exc:
        raise Http404 from exc


def _with_interest(recommendations: list, by: str) -> list:  # type: ignore[type-arg]
    for recommendation in recommendations:
        recommendation.interest = selectors.interest_for(recommendation, by=by)
        recommendation.component_rows = [
            (name, recommendation.components.get(name, 0.0), recommendation.reasons.get(name, ""))
            for name in services.engine.COMPONENT_NAMES
        ]
    return recommendations


def need_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Passende Objekte": the need's best properties with score, components and reasons."""
    need = space_need_get(pk=pk, user=request.user)
    recommendations = _with_interest(
        list(selectors.need_recommendations(need=need, user=request.user)), "need"
    )
    return render(
        request,
        "matching/need_matches.html",
        {
            "need": need,
            "recommendations": recommendations,
            "can_act": request.user.has_perm("needs.change_space_need", need),
            "labels": services.engine.COMPONENT_LABELS,
            "form": InterestForm(),
        },
    )


def property_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Passende Gruppen": the property's best needs with score, components and reasons."""
    prop = _property_get(pk=pk, user=request.user)
    recommendations = _with_interest(
        list(selectors.property_recommendations(property=prop, user=request.user)), "property"
    )
    return render(
        request,
        "matching/property_matches.html",
        {
            "property": prop,
            "recommendations": recommendations,
            "can_act": request.user.has_perm("properties.change_property", prop),
            "labels": services.engine.COMPONENT_LABELS,
            "form": InterestForm(),
        },
    )


@login_required
@require_POST
def interest_express(request: HttpRequest, property_pk: int, need_pk: int) -> HttpResponse:
    prop = _property_get(pk=property_pk, user=request.user)
    need = space_need_get(pk=need_pk, user=request.user)
    back = request.POST.get("back") == "property"
    target = (
        redirect("matching:property_matches", pk=prop.pk)
        if back
        else redirect("matching:need_matches", pk=need.pk)
    )
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("message", [])))
        return target
    try:
        interest = services.interest_express(
            property=prop,
            need=need,
            actor=request.user,  # type: ignore[arg-type]
            message=form.cleaned_data["message"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return target
    messages.success(
        request,
        _("Your interest was sent. The other side decides whether contact data is shared."),
    )
    return redirect("matching:interest_detail", pk=interest.pk)


@login_required
@require_http_methods(["GET", "POST"])
def interest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interest = selectors.interest_get(pk=pk, user=request.user)
    sides = selectors.interest_sides(interest, request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("accept", "decline"):
                interest = services.interest_decide(
                    interest=interest,
                    actor=request.user,  # type: ignore[arg-type]
                    accept=action == "accept",
                )
                messages.success(
                    request,
                    _("You accepted: both sides now see each other's contact data.")
                    if action == "accept"
                    else _("You declined. No contact data was shared."),
                )
            elif action == "withdraw":
                services.interest_withdraw(interest=interest, actor=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Your interest was withdrawn."))
            else:
                messages.error(request, _("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("matching:interest_detail", pk=interest.pk)
    recommendation = interest.property.recommendations.filter(need=interest.need).first()
    return render(
        request,
        "matching/interest_detail.html",
        {
            "interest": interest,
            "recommendation": recommendation,
            "contacts": selectors.interest_contacts(interest),
            "can_decide": interest.state == InterestState.PENDING
            and interest.deciding_side() in sides,
            "can_withdraw": interest.side in sides
            and interest.state in (InterestState.PENDING, InterestState.ACCEPTED),
            "Side": Side,
            "labels": services.engine.COMPONENT_LABELS,
        },
    )


@login_required
def assignment(request: HttpRequest) -> HttpResponse:
    """Coordinators: optimal assignment for a region beside the greedy one."""
    if not request.user.has_perm("matching.view_assignment"):
        raise PermissionDenied
    form = RegionForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = regions.region_assign(form.region, request.user)
    networks = Network.objects.order_by("name")
    if not request.user.is_superuser:
        networks = networks.filter(coordinators__user=request.user.pk)
    return render(
        request,
        "matching/assignment.html",
        {"form": form, "result": result, "weight_networks": networks},
    )


@login_required
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators of a network set the weights of its matching score; the needs of the
    network are re-ranked in the background."""
    network = get_object_or_404(Network, slug=slug)
    if not request.user.has_perm("matching.change_weights", network):
        raise PermissionDenied
    current = network_weights([network.pk])[network.pk]
    form = WeightsForm(request.POST or None, initial_weights=current)
    if request.method == "POST" and form.is_valid():
        services.network_weights_set(
            network=network,
            weights=form.weights,
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            _(
                "The weights were saved. The recommendations of the network's space needs "
                "are being updated."
            ),
        )
        return redirect("matching:weights", slug=network.slug)
    return render(request, "matching/weights.html", {"network": network, "form": form})
