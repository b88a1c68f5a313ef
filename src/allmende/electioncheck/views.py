"""The voter's pages: list, introduction, one thesis per step, result. Answers travel in the
address (``?a=…``), so the flow works without JavaScript and nothing is stored on the server;
only a voter who opts in adds to the anonymous counters."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from allmende.electioncheck import selectors, services
from allmende.electioncheck.answers import completed, format_answers, parse_answers
from allmende.electioncheck.forms import StepForm, position_choices
from allmende.electioncheck.models import Election
from allmende.electioncheck.scoring import Answer, score


def _election(request: HttpRequest, slug: str) -> Election:
    election = get_object_or_404(Election.objects.select_related("network"), slug=slug)
    if not request.user.has_perm("electioncheck.view_election", election):
        raise Http404
    return election


def _with_answers(url: str, answers: str) -> str:
    return f"{url}?{urlencode({'a': answers})}" if answers else url


@require_GET
def election_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "electioncheck/election_list.html",
        {"elections": selectors.election_list().order_by("-election_date")},
    )


@require_GET
def election_intro(request: HttpRequest, slug: str) -> HttpResponse:
    election = _election(request, slug)
    return render(
        request,
        "electioncheck/intro.html",
        {
            "election": election,
            "thesis_count": election.theses.count(),
            "can_edit": request.user.has_perm("electioncheck.change_election", election),
        },
    )


@require_GET
def election_step(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    election = _election(request, slug)
    data = selectors.election_data(election=election)
    count = len(data.theses)
    if not 1 <= number <= count:
        raise Http404
    answers = parse_answers(request.GET.get("a", ""), count=count, scale=election.scale)
    # "step" marks a submitted form (an unanswered one sends no "answer" at all).
    if "answer" in request.GET or "step" in request.GET:
        form = StepForm(request.GET, scale=election.scale)
        if form.is_valid():
            choice = form.cleaned_data["answer"]
            position = None if choice == "s" else int(choice)
            answers[number - 1] = Answer(position, form.cleaned_data["double"])
            encoded = format_answers(answers)
            if number == count:
                target = reverse("electioncheck:election_result", kwargs={"slug": slug})
            else:
                target = reverse(
                    "electioncheck:election_step", kwargs={"slug": slug, "number": number + 1}
                )
            return HttpResponseRedirect(_with_answers(target, encoded))
    else:
        current = answers[number - 1]
        initial = {}
        if current is not None:
            initial = {
                "answer": "s" if current.position is None else str(current.position),
                "double": current.double,
            }
        form = StepForm(scale=election.scale, initial=initial)
    encoded = format_answers(answers)
    previous = None
    if number > 1:
        previous = _with_answers(
            reverse("electioncheck:election_step", kwargs={"slug": slug, "number": number - 1}),
            encoded,
        )
    return render(
        request,
        "electioncheck/step.html",
        {
            "election": election,
            "thesis": data.theses[number - 1],
            "number": number,
            "count": count,
            "form": form,
            "answers": encoded,
            "previous": previous,
            "result_url": _with_answers(
                reverse("electioncheck:election_result", kwargs={"slug": slug}), encoded
            ),
        },
    )


@require_GET
def election_result(request: HttpRequest, slug: str) -> HttpResponse:
    election = _election(request, slug)
    data = selectors.election_data(election=election)
    count = len(data.theses)
    answers = parse_answers(request.GET.get("a", ""), count=count, scale=election.scale)
    # The adjust form on the result page sends one field per thesis instead of ``a``.
    for index, thesis in enumerate(data.theses):
        if f"t{thesis.pk}" in request.GET:
            raw = request.GET.get(f"t{thesis.pk}", "")
            double = request.GET.get(f"d{thesis.pk}") == "1"
            parsed = parse_answers(raw + ("*" if double else ""), count=1, scale=election.scale)
            answers[index] = parsed[0] or Answer(None, double)
    if any(f"t{t.pk}" in request.GET for t in data.theses):
        encoded = format_answers(answers)
        return HttpResponseRedirect(
            _with_answers(reverse("electioncheck:election_result", kwargs={"slug": slug}), encoded)
        )
    full = completed(answers)
    parties = {str(p.pk): data.values(p) for p in data.responding}
    results = score(full, parties, scale=election.scale)
    by_pk = {str(p.pk): p for p in data.responding}
    labels = dict(position_choices(election.scale))
    comparison = []
    for index, thesis in enumerate(data.theses):
        rows = []
        for party in data.responding:
            position = data.positions.get((party.pk, thesis.pk))
            rows.append(
                {
                    "party": party,
                    "label": labels.get(position.value, "") if position else _("no position"),
                    "justification": position.justification if position else "",
                }
            )
        answer = full[index]
        comparison.append(
            {
                "thesis": thesis,
                "answer": answer,
                "answer_label": labels.get(answer.position, "")
                if answer.position is not None
                else _("skipped"),
                "rows": rows,
            }
        )
    encoded = format_answers(answers)
    script_data = {
        "scale": election.scale,
        "theses": [t.pk for t in data.theses],
        "parties": [[str(p.pk), data.values(p)] for p in data.responding],
    }
    return render(
        request,
        "electioncheck/result.html",
        {
            "election": election,
            "results": [(by_pk[r.party], r) for r in results],
            "silent": data.silent,
            "comparison": comparison,
            "answers": encoded,
            "choices": [*position_choices(election.scale), ("s", _("skipped"))],
            "permalink": request.build_absolute_uri(
                _with_answers(
                    reverse("electioncheck:election_result", kwargs={"slug": slug}), encoded
                )
            ),
            "script_data": script_data,
            "answered": sum(1 for a in full if a.position is not None),
            "thesis_count": count,
            "parties": data.parties,
        },
    )


@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=True, group="electioncheck-statistics")
def election_count(request: HttpRequest, slug: str) -> HttpResponse:
    election = _election(request, slug)
    count = election.theses.count()
    encoded = request.POST.get("a", "")[:2000]
    target = _with_answers(reverse("electioncheck:election_result", kwargs={"slug": slug}), encoded)
    if request.POST.get("consent") != "1":
        messages.error(request, _("Your answers were not counted: you did not agree."))
        return redirect(target)
    answers = completed(parse_answers(encoded, count=count, scale=election.scale))
    try:
        services.statistics_count(election=election, answers=answers)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    messages.success(request, _("Thank you: your answers were counted anonymously."))
    return redirect(target)
