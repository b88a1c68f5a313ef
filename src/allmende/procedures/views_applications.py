"""Pages for a procedure's questions and answers, the applications with their receipts and
attachments, and the eligibility check. Rules live in ``services_applications``; who sees
which application in ``selectors_applications``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from allmende.procedures import selectors_applications as selectors
from allmende.procedures import services_applications as services
from allmende.procedures.forms_applications import (
    AnswerForm,
    ApplicationForm,
    AttachmentForm,
    EligibilityForm,
    QuestionForm,
)
from allmende.procedures.models import (
    Application,
    ApplicationAttachment,
    ApplicationState,
    Procedure,
    ProcedureState,
    Question,
)


def procedure_url(procedure: Procedure) -> str:
    """The procedure's public page; its applications part while that page is not there (the
    parts of the app are built independently)."""
    try:
        return procedure.get_absolute_url()
    except NoReverseMatch:
        return reverse("procedures:application_start", args=[procedure.pk])


def _render(
    request: HttpRequest, template: str, procedure: Procedure, context: dict[str, Any]
) -> HttpResponse:
    return render(
        request,
        f"procedures/applications/{template}",
        {"procedure": procedure, "procedure_url": procedure_url(procedure), **context},
    )


def _procedure(request: HttpRequest, pk: int) -> Procedure:
    procedure = get_object_or_404(Procedure.objects.select_related("organisation"), pk=pk)
    if not request.user.has_perm("procedures.view_procedure", procedure):
        raise Http404
    return procedure


def _managed_procedure(request: HttpRequest, pk: int) -> Procedure:
    procedure = _procedure(request, pk)
    if not request.user.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied
    return procedure


def _application(request: HttpRequest, procedure: Procedure, app_pk: int) -> Application:
    try:
        return selectors.application_get(procedure=procedure, pk=app_pk, user=request.user)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def _changeable_application(request: HttpRequest, pk: int, app_pk: int) -> Application:
    application = _application(request, _procedure(request, pk), app_pk)
    if not request.user.has_perm("procedures.change_application", application):
        raise PermissionDenied
    return application


def _add_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's errors next to the form's fields (those it has) or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _application_url(application: Application, name: str = "application_detail") -> str:
    return reverse(f"procedures:{name}", args=[application.procedure_id, application.pk])


# --- Questions and answers ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="10/h", method="POST", block=True, group="procedure-question")
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    organisations = services.applicant_organisations(procedure=procedure, user=request.user)
    if not organisations:
        raise PermissionDenied
    form = QuestionForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations[0]
        try:
            services.question_ask(
                procedure=procedure,
                organisation=organisation,
                actor=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your question has been sent. The answer will be published on this page "
                    "without your name."
                ),
            )
            return redirect(procedure_url(procedure))
    return _render(
        request,
        "question_form.html",
        procedure,
        {
            "form": form,
            "questions_open": services.questions_open(procedure),
            "organisation": organisations[0] if len(organisations) == 1 else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    procedure = _managed_procedure(request, pk)
    question = get_object_or_404(Question, pk=question_pk, procedure=procedure)
    form = AnswerForm(request.POST or None, initial={"answer": question.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(
                question=question,
                actor=request.user,  # type: ignore[arg-type]
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The answer has been published."))
            return redirect("procedures:application_list", pk=procedure.pk)
    return _render(
        request,
        "answer_form.html",
        procedure,
        {"question": question, "form": form},
    )


# --- Applications -------------------------------------------------------------------------


@login_required
@require_GET
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's own application in this procedure, or the form to start one."""
    procedure = _procedure(request, pk)
    own = list(selectors.own_applications(procedure=procedure, user=request.user))
    organisations = services.applicant_organisations(procedure=procedure, user=request.user)
    with_application = {a.organisation_id for a in own}
    if own and not [o for o in organisations if o.pk not in with_application]:
        return redirect(_application_url(own[0]))
    if not organisations:
        if own:
            return redirect(_application_url(own[0]))
        raise PermissionDenied
    return redirect("procedures:application_create", pk=procedure.pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    existing = set(
        selectors.own_applications(procedure=procedure, user=request.user).values_list(
            "organisation_id", flat=True
        )
    )
    organisations = [
        o
        for o in services.applicant_organisations(procedure=procedure, user=request.user)
        if o.pk not in existing
    ]
    if not organisations:
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, procedure=procedure, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data.get("organisation") or organisations[0]
        submit = request.POST.get("action") == "submit"
        application: Application | None = None
        try:
            application = services.application_create(
                procedure=procedure,
                organisation=organisation,
                actor=request.user,  # type: ignore[arg-type]
                data=form.service_data(),
            )
            if submit:
                services.application_submit(application=application, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _add_errors(form, exc)
            if application is not None:
                # The draft is kept; the page goes on as its edit form.
                messages.warning(
                    request,
                    _("Your draft has been saved, but it is not complete enough to submit."),
                )
                return _render_application_form(request, procedure, form, application=application)
        else:
            return _after_save(request, application, submitted=submit)
    return _render_application_form(request, procedure, form, application=None)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    application = _changeable_application(request, pk, app_pk)
    procedure = application.procedure
    form = ApplicationForm(request.POST or None, procedure=procedure, instance=application)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        was_submitted = application.state == ApplicationState.SUBMITTED
        saved = False
        try:
            # A draft is saved before it is submitted, so that an incomplete one is kept; a
            # submitted application changes only as a whole, with a new receipt.
            services.application_update(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                data=form.service_data(),
                submit=submit and was_submitted,
            )
            saved = True
            if submit and not was_submitted:
                services.application_submit(application=application, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            _add_errors(form, exc)
            if saved:
                messages.warning(
                    request,
                    _("Your draft has been saved, but it is not complete enough to submit."),
                )
        else:
            return _after_save(request, application, submitted=submit or was_submitted)
    return _render_application_form(request, procedure, form, application=application)


def _render_application_form(
    request: HttpRequest,
    procedure: Procedure,
    form: ApplicationForm,
    *,
    application: Application | None,
) -> HttpResponse:
    return _render(
        request,
        "application_form.html",
        procedure,
        {
            "form": form,
            "application": application,
            "submission_open": services.submission_open(procedure),
        },
    )


def _after_save(request: HttpRequest, application: Application, *, submitted: bool) -> HttpResponse:
    if submitted:
        messages.success(request, _("Your application has been submitted. Here is your receipt."))
        return redirect(_application_url(application, "application_receipt"))
    messages.success(request, _("Your draft has been saved."))
    return redirect(_application_url(application))


def application_detail(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    application = _application(request, procedure, app_pk)
    can_change = request.user.has_perm("procedures.change_application", application)
    return _render(
        request,
        "application_detail.html",
        procedure,
        {
            "application": application,
            "concepts": [
                (criterion, (application.concepts or {}).get(criterion.key, ""))
                for criterion in procedure.criteria.all()
            ],
            "can_change": can_change,
            "submission_open": services.submission_open(procedure),
            "missing": services.application_missing(application) if can_change else {},
            "can_check": request.user.has_perm("procedures.manage_procedure", procedure)
            and procedure.state in services.ELIGIBILITY_STATES
            and application.state == ApplicationState.SUBMITTED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    application = _changeable_application(request, pk, app_pk)
    if request.method == "POST":
        try:
            services.application_submit(application=application, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(_application_url(application))
        return _after_save(request, application, submitted=True)
    return _render(
        request,
        "application_confirm.html",
        application.procedure,
        {
            "application": application,
            "title": _("Submit application"),
            "question": _(
                "Do you want to submit the application of %(name)s? You can change or withdraw "
                "it until the submission deadline."
            )
            % {"name": application.organisation.name},
            "button": _("Submit application"),
            "action": _application_url(application, "application_submit"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    application = _changeable_application(request, pk, app_pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect(_application_url(application))
    return _render(
        request,
        "application_confirm.html",
        application.procedure,
        {
            "application": application,
            "title": _("Withdraw application"),
            "question": _(
                "Do you want to withdraw the application of %(name)s? It will not be "
                "evaluated. Until the submission deadline you can take it up again."
            )
            % {"name": application.organisation.name},
            "button": _("Withdraw application"),
            "action": _application_url(application, "application_withdraw"),
        },
    )


@login_required
@require_GET
def application_receipt(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    application = _application(request, procedure, app_pk)
    if application.state != ApplicationState.SUBMITTED or not application.receipt_hash:
        raise Http404
    return _render(
        request,
        "application_receipt.html",
        procedure,
        {"application": application},
    )


@login_required
@require_GET
def application_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The managers' overview: questions and submitted applications with their eligibility."""
    procedure = _managed_procedure(request, pk)
    return _render(
        request,
        "application_list.html",
        procedure,
        {
            "questions": selectors.question_list(procedure=procedure),
            "applications": selectors.applications_submitted(procedure=procedure),
            "can_check": procedure.state in services.ELIGIBILITY_STATES,
        },
    )


# --- Attachments --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    application = _changeable_application(request, pk, app_pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The file has been attached."))
            return redirect(_application_url(application) + "#attachments")
    return _render(
        request,
        "attachment_form.html",
        application.procedure,
        {"application": application, "form": form},
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, app_pk: int, att_pk: int) -> HttpResponse:
    application = _changeable_application(request, pk, app_pk)
    attachment = get_object_or_404(ApplicationAttachment, pk=att_pk, application=application)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The attachment has been removed."))
    return redirect(_application_url(application) + "#attachments")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, app_pk: int, att_pk: int) -> FileResponse:
    """An attachment for those who may see its application; 404 for everyone else."""
    procedure = _procedure(request, pk)
    application = _application(request, procedure, app_pk)
    if not request.user.has_perm("procedures.view_application", application):
        raise Http404
    try:
        attachment = selectors.attachment_get(application=application, pk=att_pk)
        handle = attachment.file.open("rb")
    except (ApplicationAttachment.DoesNotExist, FileNotFoundError) as exc:
        raise Http404 from exc
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
    name = slugify(attachment.title) or "anhang"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{name}{suffix.get(attachment.content_type, '')}",
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Eligibility --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def eligibility_check(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    procedure = _managed_procedure(request, pk)
    application = _application(request, procedure, app_pk)
    criteria = list(procedure.eligibility_criteria.all())
    stored = {d.criterion_id: (d.passed, d.reason) for d in application.eligibility_decisions.all()}
    form = EligibilityForm(request.POST or None, criteria=criteria, initial_decisions=stored)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_check(
                application=application,
                actor=request.user,  # type: ignore[arg-type]
                decisions=form.decisions(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The eligibility decision has been saved."))
            return redirect("procedures:application_list", pk=procedure.pk)
    context: dict[str, Any] = {
        "application": application,
        "form": form,
        "can_check": procedure.state in services.ELIGIBILITY_STATES
        and application.state == ApplicationState.SUBMITTED,
        "states": ProcedureState,
    }
    return _render(request, "eligibility_form.html", procedure, context)
