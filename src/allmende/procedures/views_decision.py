"""Pages of the decision: the manager's ranking preview and decision, the public result and
the internal report (HTML and PDF)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from allmende.procedures import report, services_decision
from allmende.procedures.models import Procedure, ProcedureState

FOLLOW_RANKING = "ranking"


def _procedure(request: HttpRequest, pk: int, permission: str) -> Procedure:
    """The procedure if the user may see it (else 404) and has ``permission`` (else 403)."""
    procedure = get_object_or_404(
        Procedure.objects.select_related("property", "organisation"), pk=pk
    )
    if not request.user.has_perm("procedures.view_procedure", procedure):
        raise Http404
    if not request.user.has_perm(permission, procedure):
        raise PermissionDenied
    return procedure


class DecisionForm(forms.Form):
    """The manager confirms the ranking or chooses another application with a reason."""

    winner = forms.ChoiceField(
        label=gettext_lazy("Who is awarded?"), widget=forms.RadioSelect, initial=FOLLOW_RANKING
    )
    deviation_reason = forms.CharField(
        label=gettext_lazy("Reason for deviating from the ranking"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required when you choose another application than the first place. The reason is "
            "published with the result and shown in the report."
        ),
    )
    reasons_summary = forms.CharField(
        label=gettext_lazy("Summary of the reasons"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Why the awarded application convinced, in a few sentences. Published on the result "
            "page and shown in the report."
        ),
    )
    confirm_incomplete = forms.BooleanField(
        label=gettext_lazy("I decide although not every voting juror has submitted their scores."),
        required=False,
    )

    def __init__(self, *args: Any, preview: services_decision.DecisionPreview, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [(FOLLOW_RANKING, _("The first place of the ranking"))]
        if preview.result is not None:
            for entry in preview.result.ranking:
                choices.append(
                    (
                        entry.key,
                        _("%(rank)s. %(name)s") % {"rank": entry.rank, "name": entry.label},
                    )
                )
        winner = self.fields["winner"]
        assert isinstance(winner, forms.ChoiceField)  # noqa: S101 - narrows the type
        winner.choices = choices
        if not preview.missing_jurors:
            del self.fields["confirm_incomplete"]


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking with every intermediate number and the form that decides the procedure."""
    procedure = _procedure(request, pk, "procedures.manage_procedure")
    if procedure.state != ProcedureState.EVALUATION:
        if procedure.state in services_decision.DECIDED_STATES:
            return redirect("procedures:procedure_result", pk=procedure.pk)
        messages.error(request, _("The ranking can be computed once the evaluation has begun."))
        return redirect(procedure.get_absolute_url())
    preview = services_decision.decision_preview(procedure=procedure)
    form = DecisionForm(request.POST or None, preview=preview)
    if request.method == "POST" and form.is_valid():
        winner_key = form.cleaned_data["winner"]
        winner = (
            None
            if winner_key == FOLLOW_RANKING
            else preview.inputs.application_objects.get(winner_key)
        )
        try:
            services_decision.procedure_decide(
                procedure=procedure,
                actor=request.user,
                winner=winner,
                deviation_reason=form.cleaned_data["deviation_reason"],
                reasons_summary=form.cleaned_data["reasons_summary"],
                confirm_incomplete=form.cleaned_data.get("confirm_incomplete", False),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The procedure is decided. The applicants are being informed.")
            )
            return redirect("procedures:procedure_result", pk=procedure.pk)
    rows = report.result_rows(preview.data, public=False) if preview.data else []
    return render(
        request,
        "procedures/decision/preview.html",
        {
            "procedure": procedure,
            "preview": preview,
            "rows": rows,
            "criteria": preview.data["criteria"] if preview.data else [],
            "steps": preview.result.steps if preview.result else [],
            "form": form,
        },
    )


def result(request: HttpRequest, pk: int) -> HttpResponse:
    """The public result page of a decided procedure."""
    procedure = _procedure(request, pk, "procedures.view_procedure")
    if not report.is_decided(procedure):
        raise Http404
    public = report.result_public(procedure)
    return render(
        request,
        "procedures/decision/result.html",
        {
            "procedure": procedure,
            "result": public,
            "rows": public["applications"],
            "criteria": public["criteria"],
            "chart": report.result_chart(procedure.result, public["applications"], "result-chart"),
            "can_report": request.user.has_perm("procedures.view_report", procedure),
        },
    )


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The internal report: every score with its reason, conflicts, eligibility, audit trail."""
    procedure = _procedure(request, pk, "procedures.view_report")
    return render(request, "procedures/report/report.html", report.report_context(procedure))


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The internal report as a PDF download."""
    procedure = _procedure(request, pk, "procedures.view_report")
    pdf = report.report_pdf(procedure, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verfahren-{procedure.pk}-bericht.pdf"'
    return response
