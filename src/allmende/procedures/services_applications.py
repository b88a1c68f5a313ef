"""Every write on a procedure's questions, applications and eligibility decisions.

Deadlines are judged by the server's clock (``clock``; tests patch ``timezone.now``), compared
as aware datetimes, so that "before the deadline" means the same instant in Europe/Berlin on
every day of the year, the days the clocks change included. A deadline is exclusive: at the
deadline's second an action is already refused.
"""

import datetime
import hashlib
import json
import secrets
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.mail import email_enqueue
from allmende.networks.models import Organisation, OrganisationRole, OrganisationRoleKind
from allmende.procedures.audit import audit_append
from allmende.procedures.models import (
    Application,
    ApplicationAttachment,
    ApplicationState,
    Eligibility,
    EligibilityDecision,
    PriceModel,
    Procedure,
    ProcedureState,
    Question,
)

# Fields of an application its editors write (besides the concepts and attachments).
APPLICATION_FIELDS = (
    "legal_form",
    "group_size",
    "self_use_share",
    "equity",
    "loans",
    "subsidies",
    "planned_rent",
    "bid",
    "may_be_named",
)
DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# Kinds of attachments, recognised by their first bytes whatever the file name says.
ATTACHMENT_KINDS = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
ELIGIBILITY_STATES = (ProcedureState.SUBMISSION_CLOSED, ProcedureState.EVALUATION)


def clock() -> datetime.datetime:
    """The server's current time (aware, UTC)."""
    return timezone.now()


def _local(moment: datetime.datetime) -> str:
    """A moment as German readers expect it: in Europe/Berlin, with the date and time."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


# --- Who may do what ----------------------------------------------------------------------


def applicant_organisations(*, procedure: Procedure, user: Any) -> list[Organisation]:
    """The organisations for which the user may ask and apply: those they edit, except the
    one running the procedure."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            person_roles__user=user,
            person_roles__role=OrganisationRoleKind.EDITOR,
            is_active=True,
        )
        .exclude(pk=procedure.organisation_id)
        .order_by("name", "pk")
    )


def _require_applicant(procedure: Procedure, organisation: Organisation, actor: Any) -> None:
    if organisation.pk not in {
        o.pk for o in applicant_organisations(procedure=procedure, user=actor)
    }:
        raise PermissionDenied(
            _("Only editors of an organisation other than the one running the procedure may.")
        )


def _require_manager(procedure: Procedure, actor: Any) -> None:
    if not actor.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied(_("Only the managers of this procedure may do this."))


def _require_change(application: Application, actor: Any) -> None:
    if not actor.has_perm("procedures.change_application", application):
        raise PermissionDenied(_("Only the editors of the applying organisation may do this."))


# --- Deadlines ----------------------------------------------------------------------------


def questions_open(procedure: Procedure, *, now: datetime.datetime | None = None) -> bool:
    """Questions are taken while the procedure is published and before its question
    deadline."""
    now = now or clock()
    return procedure.state == ProcedureState.PUBLISHED and (
        procedure.question_deadline is None or now < procedure.question_deadline
    )


def submission_open(procedure: Procedure, *, now: datetime.datetime | None = None) -> bool:
    """Applications may be written, submitted, changed and withdrawn while the procedure is
    published and before its submission deadline."""
    now = now or clock()
    return procedure.state == ProcedureState.PUBLISHED and (
        procedure.submission_deadline is None or now < procedure.submission_deadline
    )


def _require_questions_open(procedure: Procedure) -> None:
    if questions_open(procedure):
        return
    if procedure.state == ProcedureState.PUBLISHED and procedure.question_deadline is not None:
        raise ValidationError(
            _("The deadline for questions ended on %(deadline)s. Questions can no longer be asked.")
            % {"deadline": _local(procedure.question_deadline)},
            code="question_deadline",
        )
    raise ValidationError(
        _("Questions can only be asked while the procedure is open."), code="not_open"
    )


def _require_submission_open(procedure: Procedure) -> None:
    if submission_open(procedure):
        return
    if procedure.submission_deadline is not None and (
        procedure.state != ProcedureState.PUBLISHED or clock() >= procedure.submission_deadline
    ):
        raise ValidationError(
            _(
                "The submission deadline ended on %(deadline)s. Applications can no longer be "
                "written, submitted, changed or withdrawn."
            )
            % {"deadline": _local(procedure.submission_deadline)},
            code="submission_deadline",
        )
    raise ValidationError(
        _("Applications are only accepted while the procedure is open."), code="not_open"
    )


# --- Questions and answers ----------------------------------------------------------------


@transaction.atomic
def question_ask(
    *, procedure: Procedure, organisation: Organisation, actor: User, text: str
) -> Question:
    """Ask the managers a question on behalf of an organisation the actor edits (not the
    running one), before the question deadline. The managers are told; the asker's identity
    stays internal."""
    _require_applicant(procedure, organisation, actor)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require_questions_open(procedure)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write your question.")})
    question = Question(procedure=procedure, organisation=organisation, asked_by=actor, text=text)
    question.full_clean()
    question.save()
    audit_append(
        procedure=procedure, action="question", actor=actor, payload={"question": question.pk}
    )
    email_enqueue(
        template="procedures/email/question_new",
        context={"procedure": procedure, "question": question},
        to=_manager_emails(procedure),
    )
    return question


@transaction.atomic
def question_answer(*, question: Question, actor: User, answer: str) -> Question:
    """Answer (or correct the answer to) a question; the managers may. The answer is
    published without the asker's name, and on the first answer everyone who asked or applied
    is e-mailed, each on their own (no one sees the other bidders' addresses)."""
    procedure = question.procedure
    _require_manager(procedure, actor)
    if procedure.state in (ProcedureState.DRAFT, ProcedureState.CANCELLED):
        raise ValidationError(_("Questions of this procedure can no longer be answered."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Please write the answer.")})
    question = Question.objects.select_for_update().get(pk=question.pk)
    first = not question.answer
    question.answer = answer
    question.answered_by = actor
    question.answered_at = clock()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_append(
        procedure=procedure,
        action="answer",
        actor=actor,
        payload={"question": question.pk, "corrected": not first},
    )
    if first:
        for address in bidder_emails(procedure=procedure):
            email_enqueue(
                template="procedures/email/answer_new",
                context={"procedure": procedure, "question": question},
                to=[address],
            )
    return question


def bidder_emails(*, procedure: Procedure) -> list[str]:
    """The addresses of the editors of every organisation that asked a question or has an
    application (draft or submitted, not withdrawn) in the procedure, each once."""
    asking = Question.objects.filter(procedure=procedure).values("organisation_id")
    applying = (
        Application.objects.filter(procedure=procedure)
        .exclude(state=ApplicationState.WITHDRAWN)
        .values("organisation_id")
    )
    addresses = (
        OrganisationRole.objects.filter(role=OrganisationRoleKind.EDITOR, user__is_active=True)
        .filter(Q(organisation_id__in=asking) | Q(organisation_id__in=applying))
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(addresses))


def _manager_emails(procedure: Procedure) -> list[str]:
    return sorted(
        set(
            OrganisationRole.objects.filter(
                organisation_id=procedure.organisation_id,
                role=OrganisationRoleKind.EDITOR,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def _editor_emails(organisation_id: int) -> list[str]:
    return sorted(
        set(
            OrganisationRole.objects.filter(
                organisation_id=organisation_id,
                role=OrganisationRoleKind.EDITOR,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


# --- Applications -------------------------------------------------------------------------


def _apply(application: Application, data: dict[str, Any]) -> None:
    procedure = application.procedure
    keys = set(procedure.criteria.values_list("key", flat=True))
    concepts = data.get("concepts")
    if concepts is not None:
        application.concepts = {
            key: str(text).strip() for key, text in concepts.items() if key in keys
        }
    for name in APPLICATION_FIELDS:
        if name in data:
            setattr(application, name, data[name])
    if procedure.price_model != PriceModel.HIGHEST_BID:
        application.bid = None
    if isinstance(application.legal_form, str):
        application.legal_form = application.legal_form.strip()


def _validate(application: Application) -> None:
    """Field rules that hold for drafts as well: a bid, when given, is at least the minimum."""
    procedure = application.procedure
    errors: dict[str, list[str]] = {}
    if (
        application.bid is not None
        and procedure.minimum_bid is not None
        and application.bid < procedure.minimum_bid
    ):
        errors.setdefault("bid", []).append(
            _("The bid must be at least the minimum bid of %(minimum)s €.")
            % {"minimum": formats.number_format(procedure.minimum_bid, force_grouping=True)}
        )
    for name in ("equity", "loans", "subsidies", "planned_rent", "bid"):
        value = getattr(application, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append(_("Please enter an amount of at least 0."))
    if errors:
        raise ValidationError(errors)
    application.full_clean(exclude=["procedure", "organisation", "concepts", "created_by"])


def application_missing(application: Application) -> dict[str, str]:
    """What a submission still lacks, by form field: the concept of every award criterion and,
    when bids count, the bid. Empty when the application is complete."""
    missing: dict[str, str] = {}
    for criterion in application.procedure.criteria.all():
        if not (application.concepts or {}).get(criterion.key, "").strip():
            missing[f"concept_{criterion.key}"] = _(
                "Please describe your concept for “%(criterion)s”."
            ) % {"criterion": criterion.name}
    if application.procedure.price_model == PriceModel.HIGHEST_BID and application.bid is None:
        missing["bid"] = _("Please enter your bid.")
    return missing


@transaction.atomic
def application_create(
    *, procedure: Procedure, organisation: Organisation, actor: User, data: dict[str, Any]
) -> Application:
    """Start the draft application of an organisation the actor edits (not the running one)
    while submission is open; one per organisation and procedure."""
    _require_applicant(procedure, organisation, actor)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _require_submission_open(procedure)
    if Application.objects.filter(procedure=procedure, organisation=organisation).exists():
        raise ValidationError(
            _("%(name)s already has an application in this procedure.")
            % {"name": organisation.name},
            code="duplicate",
        )
    application = Application(procedure=procedure, organisation=organisation, created_by=actor)
    _apply(application, data)
    _validate(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s already has an application in this procedure.")
            % {"name": organisation.name},
            code="duplicate",
        ) from exc
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor: User, data: dict[str, Any], submit: bool = False
) -> Application:
    """Save changes to an application before the deadline. A submitted application stays
    submitted only as a whole: its changes are submitted again with a new receipt (and must
    be complete). A withdrawn one becomes a draft again. With ``submit`` a draft is submitted
    as well."""
    _require_change(application, actor)
    application = _locked(application)
    _require_submission_open(application.procedure)
    _apply(application, data)
    _validate(application)
    resubmit = submit or application.state == ApplicationState.SUBMITTED
    if resubmit:
        _require_complete(application)
    if application.state == ApplicationState.WITHDRAWN:
        application.state = ApplicationState.DRAFT
    application.save()
    if resubmit:
        _submit(application, actor)
    return application


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> Application:
    """Submit a complete application before the deadline: it gets a receipt (the time and a
    SHA-256 of its content) that is e-mailed to the submitting editor. Submitting again
    renews the receipt."""
    _require_change(application, actor)
    application = _locked(application)
    _require_submission_open(application.procedure)
    _require_complete(application)
    _submit(application, actor)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User) -> Application:
    """Withdraw an application before the deadline: it leaves the procedure (it may be taken
    up again as a draft until the deadline)."""
    _require_change(application, actor)
    application = _locked(application)
    _require_submission_open(application.procedure)
    if application.state == ApplicationState.WITHDRAWN:
        raise ValidationError(_("The application has already been withdrawn."))
    application.state = ApplicationState.WITHDRAWN
    application.submitted_at = None
    application.receipt_hash = ""
    application.save(update_fields=["state", "submitted_at", "receipt_hash", "updated_at"])
    audit_append(
        procedure=application.procedure,
        action="withdraw",
        actor=actor,
        payload={"application": application.pk},
    )
    return application


def _locked(application: Application) -> Application:
    # Lock the procedure first, then the application: every writer takes them in this order.
    Procedure.objects.select_for_update().filter(pk=application.procedure_id).values("pk").first()
    return (
        Application.objects.select_for_update().select_related("procedure").get(pk=application.pk)
    )


def _require_complete(application: Application) -> None:
    missing = application_missing(application)
    if missing:
        raise ValidationError({field: [message] for field, message in missing.items()})


def _submit(application: Application, actor: User) -> None:
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = clock()
    application.receipt_hash = receipt_hash(application)
    application.save(update_fields=["state", "submitted_at", "receipt_hash", "updated_at"])
    audit_append(
        procedure=application.procedure,
        action="submit",
        actor=actor,
        payload={"application": application.pk, "receipt": application.receipt_hash},
    )
    email_enqueue(
        template="procedures/email/application_receipt",
        context={
            "procedure": application.procedure,
            "application": application,
            "organisation": application.organisation,
            "submitted_at": _local(application.submitted_at),
        },
        to=[actor.email],
    )


def _amount(value: Decimal | int | None) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


def receipt_content(application: Application) -> dict[str, Any]:
    """What a receipt covers: the procedure, the applicant, the submission time (UTC) and the
    submitted content (concepts, group data, financing, bid, the SHA-256 of each
    attachment). Amounts as decimal strings, so that 10 and 10.00 hash alike."""
    submitted_at = application.submitted_at
    return {
        "procedure": application.procedure_id,
        "organisation": application.organisation_id,
        "submitted_at": (
            submitted_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
            if submitted_at
            else None
        ),
        "concepts": {key: text for key, text in sorted((application.concepts or {}).items())},
        "group": {
            "legal_form": application.legal_form,
            "group_size": application.group_size,
            "self_use_share": application.self_use_share,
        },
        "financing": {
            "equity": _amount(application.equity),
            "loans": _amount(application.loans),
            "subsidies": _amount(application.subsidies),
            "planned_rent": _amount(application.planned_rent),
        },
        "bid": _amount(application.bid),
        "may_be_named": application.may_be_named,
        "attachments": sorted(application.attachments.values_list("sha256", flat=True)),
    }


def receipt_hash(application: Application) -> str:
    """SHA-256 (hex) over the canonical JSON (sorted keys, no spaces, UTF-8) of
    ``receipt_content``."""
    canonical = json.dumps(
        receipt_content(application), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- Attachments --------------------------------------------------------------------------


def attachment_file_check(upload: File[Any]) -> tuple[File[Any], str]:
    """Check an uploaded attachment: at most ``PROCEDURE_ATTACHMENT_MAX_BYTES`` (20 MB unless
    set) and a PDF, JPEG or PNG by its first bytes. Returns the file under a random name and
    its content type; raises ``ValidationError`` otherwise."""
    limit: int = getattr(settings, "PROCEDURE_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file may be at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, suffix in ATTACHMENT_KINDS:
        if head.startswith(magic):
            upload.name = f"{secrets.token_urlsafe(18)}{suffix}"
            return upload, content_type
    raise ValidationError(
        _("This file is neither a PDF document nor a JPEG or PNG image."), code="kind"
    )


def _sha256(upload: File[Any]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def attachment_add(
    *, application: Application, actor: User, file: File[Any], title: str
) -> ApplicationAttachment:
    """Attach a checked file (see ``attachment_file_check``) before the deadline, in private
    storage with its SHA-256. A submitted application is submitted again with a new
    receipt, since its content changed."""
    _require_change(application, actor)
    application = _locked(application)
    _require_submission_open(application.procedure)
    file, content_type = attachment_file_check(file)
    attachment = ApplicationAttachment(
        application=application,
        title=title.strip() or PurePath(file.name or "").stem,
        file=file,
        content_type=content_type,
        size_bytes=file.size or 0,
        sha256=_sha256(file),
    )
    attachment.save()
    if application.state == ApplicationState.SUBMITTED:
        _submit(application, actor)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: ApplicationAttachment, actor: User) -> None:
    """Remove an attachment before the deadline (its file once the transaction committed); a
    submitted application is submitted again with a new receipt."""
    application = attachment.application
    _require_change(application, actor)
    application = _locked(application)
    _require_submission_open(application.procedure)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    if application.state == ApplicationState.SUBMITTED:
        _submit(application, actor)


# --- Eligibility --------------------------------------------------------------------------


@transaction.atomic
def eligibility_check(
    *, application: Application, actor: User, decisions: dict[int, tuple[bool, str]]
) -> Application:
    """Record the managers' pass/fail decision with a reason for every eligibility criterion
    of a submitted application, after the submission closed. The application is admitted
    when it meets every criterion; otherwise its editors are e-mailed the reasons.
    ``decisions`` maps criterion ids to (met, reason)."""
    procedure = application.procedure
    _require_manager(procedure, actor)
    application = _locked(application)
    procedure = application.procedure
    if procedure.state not in ELIGIBILITY_STATES:
        raise ValidationError(
            _("Eligibility is checked after the submission deadline, before the decision."),
            code="state",
        )
    if application.state != ApplicationState.SUBMITTED:
        raise ValidationError(_("Only submitted applications are checked."), code="not_submitted")
    criteria = list(procedure.eligibility_criteria.all())
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        decision = decisions.get(criterion.pk)
        if decision is None:
            errors.setdefault(f"passed_{criterion.pk}", []).append(
                _("Please decide whether this condition is met.")
            )
        elif not decision[1].strip():
            errors.setdefault(f"reason_{criterion.pk}", []).append(
                _("Please give a reason for the decision.")
            )
    if errors:
        raise ValidationError(errors)
    now = clock()
    failed = []
    for criterion in criteria:
        passed, reason = decisions[criterion.pk]
        EligibilityDecision.objects.update_or_create(
            application=application,
            criterion=criterion,
            defaults={
                "passed": passed,
                "reason": reason.strip(),
                "decided_by": actor,
                "decided_at": now,
            },
        )
        if not passed:
            failed.append((criterion, reason.strip()))
    application.eligibility = Eligibility.INELIGIBLE if failed else Eligibility.ELIGIBLE
    application.save(update_fields=["eligibility", "updated_at"])
    audit_append(
        procedure=procedure,
        action="eligibility",
        actor=actor,
        payload={
            "application": application.pk,
            "eligibility": application.eligibility,
            "failed": [criterion.pk for criterion, _reason in failed],
        },
    )
    if failed:
        email_enqueue(
            template="procedures/email/eligibility_failed",
            context={
                "procedure": procedure,
                "organisation": application.organisation,
                "failed": [{"text": c.text, "reason": r} for c, r in failed],
            },
            to=_editor_emails(application.organisation_id),
        )
    return application
