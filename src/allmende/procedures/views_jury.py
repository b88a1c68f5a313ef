"""Pages of the jury: a juror's desk, the conflict declarations, the scoring form per
application, submitting; for the managers the jury page with invitations and progress."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allmende.procedures import selectors_jury as selectors
from allmende.procedures import services_jury as services
from allmende.procedures.forms_jury import ConflictDeclarationForm, JurorInviteForm, ScoreForm
from allmende.procedures.models import ConflictDeclaration, Juror, JurorRole, Procedure


def _procedure(request: HttpRequest, pk: int) -> Procedure:
    procedure = get_object_or_404(Procedure.objects.select_related("property"), pk=pk)
    if not request.user.has_perm("procedures.view_procedure", procedure):
        raise Http404
    return procedure


def _seat(request: HttpRequest, procedure: Procedure) -> Juror:
    juror = selectors.juror_get(procedure=procedure, user=request.user)
    if juror is None:
        raise PermissionDenied(_("Only members of this procedure's jury may open this page."))
    return juror


def _require_manager(request: HttpRequest, procedure: Procedure) -> None:
    if not request.user.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def jury_desk(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    juror = _seat(request, procedure)
    return render(
        request,
        "procedures/jury/desk.html",
        {
            "procedure": procedure,
            "juror": juror,
            "desk": selectors.jury_desk(juror=juror),
            "advisory": juror.role == JurorRole.ADVISORY,
            "may_declare": procedure.state in selectors.DECLARATION_STATES,
            "may_score": procedure.state in selectors.SCORING_STATES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury_declare(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    juror = _seat(request, procedure)
    applications = list(selectors.jury_application_list(procedure=procedure))
    declarations = {d.application_id: d for d in ConflictDeclaration.objects.filter(juror=juror)}
    form = ConflictDeclarationForm(
        request.POST or None, applications=applications, declarations=declarations
    )
    may_declare = procedure.state in selectors.DECLARATION_STATES
    if request.method == "POST" and form.is_valid():
        try:
            services.conflicts_declare(
                juror=juror, actor=request.user, declarations=form.declarations()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your declarations have been saved."))
            return redirect("procedures:jury_desk", pk=procedure.pk)
    return render(
        request,
        "procedures/jury/declare.html",
        {"procedure": procedure, "juror": juror, "form": form, "may_declare": may_declare},
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury_score(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    juror = _seat(request, procedure)
    desk = selectors.jury_desk(juror=juror)
    row = next((r for r in desk.rows if r.application.pk == application_pk), None)
    if row is None:
        raise Http404
    application = row.application
    context: dict[str, Any] = {
        "procedure": procedure,
        "juror": juror,
        "application": application,
        "row": row,
        "advisory": juror.role == JurorRole.ADVISORY,
    }
    if row.has_conflict:
        # The scoring form is refused for an application with a declared conflict.
        return render(
            request, "procedures/jury/score.html", {**context, "excluded": True}, status=403
        )
    if not desk.declarations_complete:
        messages.error(
            request, _("Declare your conflicts of interest for all applications before scoring.")
        )
        return redirect("procedures:jury_declare", pk=procedure.pk)
    criteria = selectors.criterion_list(procedure=procedure)
    own = selectors.juror_scores(juror=juror, application=application)
    editable = procedure.state in selectors.SCORING_STATES and juror.scores_submitted_at is None
    form = ScoreForm(request.POST or None, criteria=criteria, scores=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.scores_save(
                juror=juror, actor=request.user, application=application, scores=form.scores()
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Your scores for %(applicant)s have been saved.")
                % {"applicant": str(application.organisation)},
            )
            return redirect("procedures:jury_desk", pk=procedure.pk)
    others = selectors.jury_other_scores(juror=juror, application=application)
    return render(
        request,
        "procedures/jury/score.html",
        {
            **context,
            "form": form,
            "editable": editable,
            "criteria_rows": [
                (
                    criterion,
                    points,
                    reason,
                    _guidance(criterion.guidance),
                    own.get(criterion.pk),
                    str((application.concepts or {}).get(criterion.key) or ""),
                )
                for criterion, points, reason in form.rows()
            ],
            "others": others,
            "others_rows": [
                (criterion, [(o, o.scores.get(criterion.pk)) for o in others])
                for criterion in criteria
            ],
        },
    )


def _guidance(guidance: Any) -> list[tuple[str, str]]:
    """Guidance levels in ascending order of points."""
    if not isinstance(guidance, dict):
        return []

    def level(item: tuple[str, Any]) -> float:
        try:
            return float(str(item[0]).replace(",", "."))
        except ValueError:
            return float("inf")

    return [(str(k), str(v)) for k, v in sorted(guidance.items(), key=level)]


@login_required
@require_POST
def jury_submit(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    juror = _seat(request, procedure)
    try:
        services.scores_submit(juror=juror, actor=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Your scores have been submitted. You can now see the other jurors' scores."),
        )
    return redirect("procedures:jury_desk", pk=procedure.pk)


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def jury_manage(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    _require_manager(request, procedure)
    return render(
        request,
        "procedures/jury/manage.html",
        {
            "procedure": procedure,
            "closed_scores": selectors.jury_scores_closed(procedure=procedure, user=request.user),
            **selectors.manage_jury_context(procedure=procedure),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury_invite(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    _require_manager(request, procedure)
    manage_url = reverse("procedures:jury_manage", kwargs={"pk": procedure.pk})
    if request.method == "GET":
        return redirect(manage_url)
    form = JurorInviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            juror = services.juror_invite(
                procedure=procedure,
                actor=request.user,
                email=data["email"],
                role=data["role"],
                name=data["name"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(email)s has been invited to the jury.") % {"email": juror.user.email},
            )
            return redirect(_next_or(request, manage_url))
    context = selectors.manage_jury_context(procedure=procedure)
    context["jury_invite_form"] = form
    return render(request, "procedures/jury/manage.html", {"procedure": procedure, **context})


@login_required
@require_POST
def jury_remove(request: HttpRequest, pk: int, juror_pk: int) -> HttpResponse:
    procedure = _procedure(request, pk)
    _require_manager(request, procedure)
    juror = get_object_or_404(
        Juror.objects.select_related("user", "procedure"), pk=juror_pk, procedure=procedure
    )
    name = str(juror.user)
    try:
        services.juror_remove(juror=juror, actor=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("%(name)s has been removed from the jury.") % {"name": name})
    return redirect(
        _next_or(request, reverse("procedures:jury_manage", kwargs={"pk": procedure.pk}))
    )
