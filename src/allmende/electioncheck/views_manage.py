"""Coordinators' pages: set up an election check (data, theses in blocks, parties and their
positions), Mat-O-Wahl import and export, and the anonymous statistics."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import modelformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from allmende.core.forms import form_add_service_errors
from allmende.electioncheck import selectors, services
from allmende.electioncheck.forms import (
    BlockForm,
    ElectionForm,
    ImportForm,
    PartyForm,
    PartyPositionsForm,
    ThesisForm,
    position_choices,
)
from allmende.electioncheck.models import Election, Party, Thesis, ThesisBlock


def _editable(request: HttpRequest, slug: str) -> Election:
    election = get_object_or_404(Election.objects.select_related("network"), slug=slug)
    if not request.user.has_perm("electioncheck.change_election", election):
        raise PermissionDenied
    return election


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    elections = selectors.election_list(user=request.user, editable_only=True)
    networks = selectors.editable_networks(user=request.user)
    if not networks.exists() and not elections.exists():
        raise PermissionDenied
    return render(
        request,
        "electioncheck/manage_list.html",
        {"elections": elections.order_by("-election_date"), "can_create": networks.exists()},
    )


@login_required
def election_create(request: HttpRequest) -> HttpResponse:
    networks = selectors.editable_networks(user=request.user)
    if not networks.exists():
        raise PermissionDenied
    form = ElectionForm(request.POST or None, networks=networks)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "network"}
        try:
            election = services.election_create(
                network=form.cleaned_data["network"], actor=request.user, **values
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The election check was created. Now add theses."))
            return redirect("electioncheck:theses_edit", slug=election.slug)
    return render(request, "electioncheck/election_form.html", {"form": form, "election": None})


@login_required
def election_edit(request: HttpRequest, slug: str) -> HttpResponse:
    election = _editable(request, slug)
    form = ElectionForm(request.POST or None, instance=Election.objects.get(pk=election.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.election_update(election=election, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The election check was saved."))
            return redirect("electioncheck:election_edit", slug=election.slug)
    return render(request, "electioncheck/election_form.html", {"form": form, "election": election})


@login_required
def theses_edit(request: HttpRequest, slug: str) -> HttpResponse:
    election = _editable(request, slug)
    block_formset_class = modelformset_factory(
        ThesisBlock, form=BlockForm, extra=1, can_delete=True
    )
    thesis_formset_class = modelformset_factory(Thesis, form=ThesisForm, extra=3, can_delete=True)
    data = request.POST or None
    blocks = block_formset_class(data, queryset=election.blocks.all(), prefix="blocks")
    theses = thesis_formset_class(
        data,
        queryset=election.theses.all(),
        prefix="theses",
        form_kwargs={"election": election},
    )
    if request.method == "POST" and blocks.is_valid() and theses.is_valid():
        with transaction.atomic():
            for formset in (blocks, theses):
                for item in formset.save(commit=False):
                    item.election = election
                    item.save()
                for deleted in formset.deleted_objects:
                    deleted.delete()
        messages.success(request, _("The theses were saved."))
        return redirect("electioncheck:theses_edit", slug=election.slug)
    return render(
        request,
        "electioncheck/theses_form.html",
        {"election": election, "blocks": blocks, "theses": theses},
    )


@login_required
def parties_edit(request: HttpRequest, slug: str) -> HttpResponse:
    election = _editable(request, slug)
    formset_class = modelformset_factory(Party, form=PartyForm, extra=2, can_delete=True)
    formset = formset_class(
        request.POST or None,
        request.FILES or None,
        queryset=election.parties.all(),
        prefix="parties",
        form_kwargs={"election": election},
    )
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for party in formset.save(commit=False):
                party.election = election
                party.save()
            for obj in formset.deleted_objects:
                obj.delete()
        messages.success(request, _("The parties were saved."))
        return redirect("electioncheck:parties_edit", slug=election.slug)
    return render(
        request, "electioncheck/parties_form.html", {"election": election, "formset": formset}
    )


@login_required
def party_positions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    election = _editable(request, slug)
    party = get_object_or_404(election.parties.prefetch_related("positions"), pk=pk)
    theses = list(election.theses.all())
    form = PartyPositionsForm(request.POST or None, party=party, theses=theses)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_positions_set(
                party=party, actor=request.user, positions=form.positions()
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("The positions of %(party)s were saved.") % {"party": party}
            )
            return redirect("electioncheck:parties_edit", slug=election.slug)
    rows = [
        (thesis, form[f"value_{thesis.pk}"], form[f"justification_{thesis.pk}"])
        for thesis in theses
    ]
    return render(
        request,
        "electioncheck/positions_form.html",
        {"election": election, "party": party, "form": form, "rows": rows},
    )


@login_required
def matowahl_import(request: HttpRequest, slug: str) -> HttpResponse:
    election = _editable(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        errors = services.matowahl_import(
            election=election,
            actor=request.user,
            questions=form.cleaned_data["questions"].read(),
            parties=form.cleaned_data["parties"].read(),
        )
        if not errors:
            messages.success(request, _("The files were imported."))
            return redirect("electioncheck:theses_edit", slug=election.slug)
    return render(
        request,
        "electioncheck/import.html",
        {"election": election, "form": form, "row_errors": errors},
    )


@login_required
def matowahl_export(request: HttpRequest, slug: str, file: str) -> HttpResponse:
    election = _editable(request, slug)
    try:
        questions, parties = services.matowahl_export(election=election)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("electioncheck:election_edit", slug=election.slug)
    content = questions if file == "fragen" else parties
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{election.slug}-{file}.csv"'
    return response


@login_required
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    election = _editable(request, slug)
    participations, rows = selectors.election_statistics(election=election)
    choices = [(str(value), label) for value, label in position_choices(election.scale)]
    choices.append(("skip", _("skipped")))
    table = [
        {
            "thesis": row.thesis,
            "cells": [(label, row.counts.get(key, 0)) for key, label in choices],
            "doubled": row.doubled,
            "total": row.total,
        }
        for row in rows
    ]
    return render(
        request,
        "electioncheck/statistics.html",
        {
            "election": election,
            "participations": participations,
            "labels": [label for _key, label in choices],
            "table": table,
        },
    )
