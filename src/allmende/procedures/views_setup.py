"""Pages of the procedure set-up and lifecycle: the public list and detail, the set-up wizard,
the manager's page with the lifecycle buttons, document downloads."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allmende.core.forms import form_add_service_errors
from allmende.procedures import selectors, selectors_applications, selectors_jury, services
from allmende.procedures.forms_setup import (
    AwardCriterionFormSet,
    CancelForm,
    EligibilityCriterionFormSet,
    ProcedureBasicsForm,
    ProcedureCreateForm,
    ProcedureDatesForm,
    ProcedureDocumentForm,
    ProcedureFilterForm,
    ProcedureSchemeForm,
)
from allmende.procedures.models import Procedure, ProcedureState, _frozen_error
from allmende.properties.models import Property

PAGE_SIZE = 20
STEPS: list[tuple[str, Any]] = [
    ("grunddaten", gettext_lazy("Basics and terms")),
    ("schema", gettext_lazy("Scheme")),
    ("kriterien", gettext_lazy("Criteria")),
    ("termine", gettext_lazy("Dates")),
    ("dokumente", gettext_lazy("Documents")),
]
STEP_KEYS = [key for key, _label in STEPS]
SCHEME_STEPS = {"schema", "kriterien"}


def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None)
    filters = selectors.ProcedureFilters()
    if form.is_valid():
        filters = selectors.ProcedureFilters(
            state=form.cleaned_data["state"], kind=form.cleaned_data["kind"]
        )
    paginator = Paginator(selectors.procedure_list(filters=filters, user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/procedure_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = selectors.procedure_get(pk=pk, user=request.user)
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "questions": selectors.procedure_answered_questions(procedure=procedure),
            "can_manage": request.user.has_perm("procedures.manage_procedure", procedure),
            **selectors_applications.applicant_actions_context(
                procedure=procedure, user=request.user
            ),
            **selectors_jury.jury_actions_context(procedure=procedure, user=request.user),
        },
    )


@require_GET
def procedure_document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """A document as a PDF attachment, for those who may see the procedure; 404 otherwise."""
    procedure = selectors.procedure_get(pk=pk, user=request.user)
    if not request.user.has_perm("procedures.view_procedure", procedure):
        raise Http404
    document = get_object_or_404(procedure.documents.all(), pk=doc_pk)
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
    if procedure.is_draft:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def procedure_create(request: HttpRequest) -> HttpResponse:
    try:
        property_pk = int(request.GET.get("objekt", ""))
    except ValueError as exc:
        raise Http404 from exc
    prop = get_object_or_404(Property, pk=property_pk)
    if not request.user.has_perm("procedures.add_procedure", prop):
        raise PermissionDenied
    form = ProcedureCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "template"}
        try:
            procedure = services.procedure_create(
                property=prop,
                actor=request.user,
                data=data,
                template=form.cleaned_data["template"],
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The draft has been created. Complete it step by step."))
            return redirect("procedures:procedure_setup", pk=procedure.pk, step=STEP_KEYS[0])
    return render(request, "procedures/setup_create.html", {"form": form, "property": prop})


def _managed(request: HttpRequest, pk: int) -> Procedure:
    procedure = selectors.procedure_get(pk=pk, user=request.user)
    if not request.user.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied
    return procedure


def _next_url(procedure: Procedure, step: str, request: HttpRequest) -> HttpResponse:
    index = STEP_KEYS.index(step)
    if "continue" in request.POST and index + 1 < len(STEP_KEYS):
        return redirect("procedures:procedure_setup", pk=procedure.pk, step=STEP_KEYS[index + 1])
    if "continue" in request.POST:
        return redirect("procedures:procedure_manage", pk=procedure.pk)
    return redirect("procedures:procedure_setup", pk=procedure.pk, step=step)


def _refused(procedure: Procedure, step: str) -> ValidationError:
    if step in SCHEME_STEPS:
        return _frozen_error()
    return ValidationError(_("The procedure has been published; its set-up can no longer change."))


def _step_fields(request: HttpRequest, procedure: Procedure, step: str) -> tuple[Any, Any]:
    """The form (and for the criteria: the formsets) of a plain field step."""
    form_class: type[forms.ModelForm[Procedure]] = {
        "grunddaten": ProcedureBasicsForm,
        "schema": ProcedureSchemeForm,
        "termine": ProcedureDatesForm,
    }[step]
    data = request.POST if request.method == "POST" else None
    return form_class(data, instance=procedure), None


def _refuse(form: forms.BaseForm, error: ValidationError) -> None:
    """Show the refusal on an unbound form, which keeps showing the stored values."""
    form._errors = ErrorDict(renderer=form.renderer)  # type: ignore[attr-defined]
    form.cleaned_data = {}
    form.add_error(None, error)


def _disable(*forms_: Any) -> None:
    for form in forms_:
        for field in form.fields.values():
            field.disabled = True


@login_required
@require_http_methods(["GET", "POST"])
def procedure_setup(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_KEYS:
        raise Http404
    procedure = _managed(request, pk)
    handler: Callable[[HttpRequest, Procedure, str], HttpResponse] = {
        "kriterien": _setup_criteria,
        "dokumente": _setup_documents,
    }.get(step, _setup_fields)
    return handler(request, procedure, step)


def _render_step(
    request: HttpRequest, procedure: Procedure, step: str, context: dict[str, Any], status: int
) -> HttpResponse:
    return render(
        request,
        f"procedures/setup_{step}.html",
        {
            "procedure": procedure,
            "steps": STEPS,
            "step": step,
            "readonly": not procedure.is_draft,
            **context,
        },
        status=status,
    )


def _setup_fields(request: HttpRequest, procedure: Procedure, step: str) -> HttpResponse:
    form, _unused = _step_fields(request, procedure, step)
    status = 200
    if request.method == "POST":
        if not procedure.is_draft:
            form = type(form)(instance=Procedure.objects.get(pk=procedure.pk))
            _refuse(form, _refused(procedure, step))
            status = 400
        elif form.is_valid():
            try:
                services.procedure_update_draft(
                    procedure=Procedure.objects.get(pk=procedure.pk),
                    actor=request.user,
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, _("The draft has been saved."))
                return _next_url(procedure, step, request)
        if form.errors:
            status = status if status != 200 else 400
    if not procedure.is_draft:
        _disable(form)
    return _render_step(request, procedure, step, {"form": form}, status)


def _criteria_initial(procedure: Procedure) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    award = [
        {
            "id": c.pk,
            "key": c.key,
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "max_points": c.max_points,
            "min_points": c.min_points,
            "guidance": c.guidance,
        }
        for c in procedure.criteria.all()
    ]
    eligibility = [
        {"id": e.pk, "text": e.text, "description": e.description}
        for e in procedure.eligibility_criteria.all()
    ]
    return award, eligibility


def _active(formset: Any) -> list[Any]:
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _setup_criteria(request: HttpRequest, procedure: Procedure, step: str) -> HttpResponse:
    award_initial, eligibility_initial = _criteria_initial(procedure)
    data = request.POST if request.method == "POST" else None
    award = AwardCriterionFormSet(data, initial=award_initial, prefix="award")
    eligibility = EligibilityCriterionFormSet(
        data, initial=eligibility_initial, prefix="eligibility"
    )
    summary: list[str] = []
    status = 200
    if request.method == "POST":
        if not procedure.is_draft:
            award = AwardCriterionFormSet(initial=award_initial, prefix="award")
            eligibility = EligibilityCriterionFormSet(
                initial=eligibility_initial, prefix="eligibility"
            )
            summary.extend(_refused(procedure, step).messages)
            status = 400
        elif award.is_valid() and eligibility.is_valid():
            active_award, active_eligibility = _active(award), _active(eligibility)
            try:
                services.procedure_criteria_set(
                    procedure=procedure,
                    actor=request.user,
                    award=[f.cleaned_data for f in active_award],
                    eligibility=[f.cleaned_data for f in active_eligibility],
                )
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    parts = key.split(".")
                    if len(parts) == 3 and parts[0] == "award":
                        active_award[int(parts[1])].add_error(parts[2], errors)
                    else:
                        summary.extend(errors)
                status = 400
            else:
                messages.success(request, _("The criteria have been saved."))
                return _next_url(procedure, step, request)
        else:
            status = 400
    if not procedure.is_draft:
        _disable(*award.forms, *eligibility.forms)
    return _render_step(
        request,
        procedure,
        step,
        {"award": award, "eligibility": eligibility, "summary": summary},
        status,
    )


def _setup_documents(request: HttpRequest, procedure: Procedure, step: str) -> HttpResponse:
    form = ProcedureDocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not procedure.is_draft:
            form = ProcedureDocumentForm()
            _refuse(form, _refused(procedure, step))
            status = 400
        elif form.is_valid():
            try:
                services.document_add(
                    procedure=procedure,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                form.add_error("file" if not hasattr(exc, "error_dict") else None, exc)
                status = 400
            else:
                messages.success(request, _("The document has been added."))
                return _next_url(procedure, step, request)
        else:
            status = 400
    if not procedure.is_draft:
        _disable(form)
    return _render_step(
        request, procedure, step, {"form": form, "documents": procedure.documents.all()}, status
    )


@login_required
@require_POST
def procedure_document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    procedure = _managed(request, pk)
    document = get_object_or_404(procedure.documents.all(), pk=doc_pk)
    try:
        services.document_delete(document=document, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The document has been removed."))
    return redirect("procedures:procedure_setup", pk=procedure.pk, step="dokumente")


# The manager's lifecycle actions: URL slug → (service, target state, button, confirmation).
ACTIONS: dict[str, tuple[str, Any, Any]] = {
    "veroeffentlichen": (
        ProcedureState.PUBLISHED,
        gettext_lazy("Publish now"),
        gettext_lazy(
            "Once published, the criteria, weights, scales, aggregation method and tie-break "
            "rule can no longer change."
        ),
    ),
    "einreichung-schliessen": (
        ProcedureState.SUBMISSION_CLOSED,
        gettext_lazy("Close the submission"),
        gettext_lazy("No application can be submitted, changed or withdrawn afterwards."),
    ),
    "bewertung-starten": (
        ProcedureState.EVALUATION,
        gettext_lazy("Start the evaluation"),
        gettext_lazy("The jury may now score the admitted applications."),
    ),
    "option-starten": (
        ProcedureState.OPTION,
        gettext_lazy("Start the option period"),
        gettext_lazy("The chosen applicant holds the option until the date given."),
    ),
    "abschliessen": (
        ProcedureState.CONCLUDED,
        gettext_lazy("Conclude the procedure"),
        gettext_lazy("Conclude when the contract has been signed. This is final."),
    ),
}


# Readable names of the audit actions of this part; other parts' actions show their code.
AUDIT_LABELS: dict[str, Any] = {
    "create": gettext_lazy("draft created"),
    "update_draft": gettext_lazy("draft changed"),
    "update_criteria": gettext_lazy("criteria changed"),
    "add_criterion": gettext_lazy("criterion added"),
    "change_criterion": gettext_lazy("criterion changed"),
    "delete_criterion": gettext_lazy("criterion deleted"),
    "add_document": gettext_lazy("document added"),
    "delete_document": gettext_lazy("document removed"),
    "publish": gettext_lazy("published"),
    "close_submission": gettext_lazy("submission closed"),
    "start_evaluation": gettext_lazy("evaluation started"),
    "decided": gettext_lazy("decided"),
    "start_option": gettext_lazy("option period started"),
    "conclude": gettext_lazy("concluded"),
    "cancel": gettext_lazy("cancelled"),
}


@login_required
@require_GET
def procedure_manage(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _managed(request, pk)
    allowed = services.TRANSITIONS.get(procedure.state, frozenset())
    actions = [
        {"slug": slug, "label": label, "confirm": confirm}
        for slug, (target, label, confirm) in ACTIONS.items()
        if target in allowed
    ]
    return render(
        request,
        "procedures/manage.html",
        {
            "procedure": procedure,
            "steps": STEPS,
            "actions": actions,
            "can_cancel": ProcedureState.CANCELLED in allowed,
            "cancel_form": CancelForm(),
            "problems": services.procedure_publish_errors(procedure) if procedure.is_draft else {},
            "audit": [
                (entry, AUDIT_LABELS.get(entry.action, entry.action))
                for entry in selectors.procedure_audit(procedure=procedure)
            ],
            **selectors_applications.manage_applications_context(procedure=procedure),
            **selectors_jury.manage_jury_context(procedure=procedure),
        },
    )


@login_required
@require_POST
def procedure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    procedure = _managed(request, pk)
    services_by_action: dict[str, Callable[..., Procedure]] = {
        "veroeffentlichen": services.procedure_publish,
        "einreichung-schliessen": services.procedure_close_submission,
        "bewertung-starten": services.procedure_start_evaluation,
        "option-starten": services.procedure_start_option,
        "abschliessen": services.procedure_conclude,
    }
    try:
        if action == "abbrechen":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.procedure_cancel(procedure=procedure, actor=request.user, reason=reason)
        elif action in services_by_action:
            services_by_action[action](procedure=procedure, actor=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The procedure is now: %(state)s.") % {"state": procedure.get_state_display()},
        )
    return redirect("procedures:procedure_manage", pk=procedure.pk)
