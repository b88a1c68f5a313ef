"""Every write of the jury: invitations, conflict declarations, scores and their submission.

Rules kept here (not in forms or views):

- Only a procedure's managers invite and remove jurors, in the states published, submission
  closed and evaluation; a juror who has scored anything cannot be removed.
- Jurors act only for themselves. Declarations are possible while submissions are closed and
  during the evaluation. A conflict may be declared at any time in these states, also after
  scoring: a conflict found late must never be kept off the record. Declaring it deletes the
  juror's scores for that application (recorded in the audit trail). Withdrawing a conflict
  (changing it to "no conflict") is refused once the juror has submitted, because the
  submission would no longer be complete.
- Scores are saved per application, all criteria at once, each with points on the
  criterion's scale in steps of 0.5 and a written reason; only during the evaluation, only
  after the juror declared for every application, never for an application with a conflict,
  and no longer after the juror submitted.
- Submitting requires a declaration for every eligible application and complete scores for
  each one without conflict; afterwards the juror's scores are final.

The audit entries of scores carry a SHA-256 digest of the points and reasons rather than the
points themselves: the audit trail is visible to the manager before the evaluation closes, the
scores are not.
"""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from allmende.accounts.models import User
from allmende.core.mail import email_enqueue
from allmende.procedures.audit import audit_append
from allmende.procedures.models import (
    Application,
    AwardCriterion,
    ConflictDeclaration,
    Juror,
    JurorRole,
    JuryScore,
    Procedure,
)
from allmende.procedures.selectors_jury import (
    DECLARATION_STATES,
    INVITATION_STATES,
    SCORING_STATES,
    criterion_list,
    jury_application_list,
    jury_desk,
)

POINT_STEP = Decimal("0.5")


def _require_manager(*, procedure: Procedure, actor: Any) -> None:
    if not actor.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied(_("Only the managers of this procedure may change its jury."))


def _require_self(*, juror: Juror, actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != juror.user_id:
        raise PermissionDenied(_("Only the juror themselves may do this."))


def _locked_juror(juror: Juror) -> Juror:
    """The juror row locked for this transaction, so that saving and submitting serialise."""
    return Juror.objects.select_for_update().select_related("procedure", "user").get(pk=juror.pk)


def _set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def juror_invite(
    *, procedure: Procedure, actor: Any, email: str, role: str, name: str = ""
) -> Juror:
    """Add the person with this e-mail address to the procedure's jury with the role and
    e-mail them the invitation.

    An unknown address gets a new account without a usable password; the invitation then
    links to setting one (Django's password reset token). Refused outside the states published,
    submission closed and evaluation, for non-managers, for unknown roles and for people who
    already sit on the jury.
    """
    _require_manager(procedure=procedure, actor=actor)
    if procedure.state not in INVITATION_STATES:
        raise ValidationError(
            _("Jurors can be invited only while the procedure is published or being evaluated.")
        )
    if role not in JurorRole.values:
        raise ValidationError({"role": _("Choose the role voting or advisory.")})
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from exc
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=name.strip())
    elif Juror.objects.filter(procedure=procedure, user=user).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this jury.") % {"email": email}}
        )
    juror = Juror.objects.create(procedure=procedure, user=user, role=role, invited_by=actor)
    audit_append(
        procedure=procedure,
        action="invite",
        actor=actor,
        payload={"juror": juror.pk, "user": user.pk, "role": role, "new_account": created},
    )
    email_enqueue(
        template="procedures/email/jury_invitation",
        context={
            "procedure": procedure,
            "juror": juror,
            "role_label": JurorRole(role).label,
            "desk_path": reverse("procedures:jury_desk", kwargs={"pk": procedure.pk}),
            "set_password_path": "" if user.has_usable_password() else _set_password_link(user),
        },
        to=[user.email],
    )
    return juror


@transaction.atomic
def juror_remove(*, juror: Juror, actor: Any) -> None:
    """Remove a juror from the jury; refused once they have saved any score (their scores
    are part of the record) and after the evaluation."""
    procedure = juror.procedure
    _require_manager(procedure=procedure, actor=actor)
    juror = _locked_juror(juror)
    if procedure.state not in INVITATION_STATES:
        raise ValidationError(_("The jury can no longer be changed in this state."))
    if juror.scores_submitted_at is not None or JuryScore.objects.filter(juror=juror).exists():
        raise ValidationError(
            _("%(name)s has already scored and can no longer be removed.")
            % {"name": str(juror.user)}
        )
    audit_append(
        procedure=procedure,
        action="juror_removed",
        actor=actor,
        payload={"juror": juror.pk, "user": juror.user_id, "role": juror.role},
    )
    juror.delete()


@transaction.atomic
def conflicts_declare(
    *, juror: Juror, actor: Any, declarations: Mapping[int, tuple[bool, str]]
) -> list[ConflictDeclaration]:
    """Record the juror's declaration for every eligible application:
    ``{application pk: (has_conflict, reason)}``, a reason required with a conflict.

    The mapping must cover every eligible application. A new conflict deletes the juror's
    scores for that application; withdrawing a conflict is refused after submission. Every
    change is appended to the audit trail as "conflict".
    """
    _require_self(juror=juror, actor=actor)
    juror = _locked_juror(juror)
    procedure = juror.procedure
    if procedure.state not in DECLARATION_STATES:
        raise ValidationError(_("Conflicts of interest cannot be declared in this state."))
    applications = {a.pk: a for a in jury_application_list(procedure=procedure)}
    errors: dict[str, list[str]] = {}
    missing = [pk for pk in applications if pk not in declarations]
    if missing:
        raise ValidationError(_("Declare for every application whether you have a conflict."))
    unknown = [pk for pk in declarations if pk not in applications]
    if unknown:
        raise ValidationError(_("One of the applications is not evaluated by the jury."))
    existing = {d.application_id: d for d in ConflictDeclaration.objects.filter(juror=juror)}
    for pk, (has_conflict, reason) in declarations.items():
        if has_conflict and not reason.strip():
            errors.setdefault(f"reason_{pk}", []).append(
                _("Give the reason for the conflict of interest.")
            )
        previous = existing.get(pk)
        if (
            previous is not None
            and previous.has_conflict
            and not has_conflict
            and juror.scores_submitted_at is not None
        ):
            errors.setdefault(f"conflict_{pk}", []).append(
                _(
                    "You have already submitted your scores; a declared conflict can no "
                    "longer be withdrawn."
                )
            )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    result = []
    for pk, (has_conflict, reason) in declarations.items():
        reason = reason.strip()
        previous = existing.get(pk)
        if (
            previous is not None
            and previous.has_conflict == has_conflict
            and previous.reason == reason
        ):
            result.append(previous)
            continue
        deleted = 0
        if has_conflict:
            deleted, _detail = JuryScore.objects.filter(juror=juror, application_id=pk).delete()
        declaration, _created = ConflictDeclaration.objects.update_or_create(
            juror=juror,
            application_id=pk,
            defaults={"has_conflict": has_conflict, "reason": reason, "declared_at": now},
        )
        audit_append(
            procedure=procedure,
            action="conflict",
            actor=actor,
            payload={
                "juror": juror.pk,
                "application": pk,
                "has_conflict": has_conflict,
                "reason": reason,
                "changed": previous is not None,
                "scores_deleted": deleted,
            },
        )
        result.append(declaration)
    if juror.conflicts_declared_at is None:
        juror.conflicts_declared_at = now
        juror.save(update_fields=["conflicts_declared_at"])
    return result


def _points_error(criterion: AwardCriterion, points: Decimal | None) -> str | None:
    if points is None:
        return _("Give the points.")
    if points < 0 or points > criterion.max_points:
        return _("Give between 0 and %(max)s points.") % {"max": _number(criterion.max_points)}
    if points % POINT_STEP != 0:
        return _("Give the points in steps of 0.5.")
    return None


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _digest(rows: list[tuple[str, Decimal, str]]) -> str:
    content = json.dumps(
        [[key, str(points.normalize()), reason] for key, points, reason in rows],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@transaction.atomic
def scores_save(
    *,
    juror: Juror,
    actor: Any,
    application: Application,
    scores: Mapping[int, tuple[Decimal | None, str]],
) -> list[JuryScore]:
    """Store the juror's points and reasons for every criterion of one application:
    ``{criterion pk: (points, reason)}``.

    Errors are keyed ``points_<criterion key>`` / ``reason_<criterion key>``. Refused outside
    the evaluation, before the juror declared for every application, for an application with
    a declared conflict or not under evaluation, and after the juror submitted.
    """
    _require_self(juror=juror, actor=actor)
    juror = _locked_juror(juror)
    procedure = juror.procedure
    if application.procedure_id != procedure.pk:
        raise PermissionDenied(_("This application belongs to another procedure."))
    if procedure.state not in SCORING_STATES:
        raise ValidationError(_("Scores can be given only during the evaluation."))
    if juror.scores_submitted_at is not None:
        raise ValidationError(_("You have submitted your scores; they can no longer change."))
    desk = jury_desk(juror=juror)
    row = next((r for r in desk.rows if r.application.pk == application.pk), None)
    if row is None:
        raise ValidationError(_("This application is not evaluated by the jury."))
    if not desk.declarations_complete:
        raise ValidationError(
            _("Declare your conflicts of interest for all applications before scoring.")
        )
    if row.has_conflict:
        raise ValidationError(
            _(
                "You declared a conflict of interest for this application and are excluded "
                "from its evaluation."
            )
        )
    criteria = criterion_list(procedure=procedure)
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[AwardCriterion, Decimal, str]] = []
    for criterion in criteria:
        points, reason = scores.get(criterion.pk, (None, ""))
        reason = (reason or "").strip()
        problem = _points_error(criterion, points)
        if problem:
            errors.setdefault(f"points_{criterion.key}", []).append(problem)
        if not reason:
            errors.setdefault(f"reason_{criterion.key}", []).append(
                _("Give a written reason for your points.")
            )
        if points is not None and not problem and reason:
            cleaned.append((criterion, points, reason))
    if errors:
        raise ValidationError(errors)
    saved = []
    for criterion, points, reason in cleaned:
        score, _created = JuryScore.objects.update_or_create(
            juror=juror,
            application=application,
            criterion=criterion,
            defaults={"points": points, "reason": reason},
        )
        saved.append(score)
    audit_append(
        procedure=procedure,
        action="score",
        actor=actor,
        payload={
            "juror": juror.pk,
            "application": application.pk,
            "criteria": len(saved),
            "digest": _digest([(c.key, p, r) for c, p, r in cleaned]),
        },
    )
    return saved


@transaction.atomic
def scores_submit(*, juror: Juror, actor: Any) -> Juror:
    """Make the juror's scores final: requires a declaration for every application under
    evaluation and complete scores for each one without conflict. Only during the evaluation,
    once."""
    _require_self(juror=juror, actor=actor)
    juror = _locked_juror(juror)
    procedure = juror.procedure
    if procedure.state not in SCORING_STATES:
        raise ValidationError(_("Scores can be submitted only during the evaluation."))
    if juror.scores_submitted_at is not None:
        raise ValidationError(_("You have already submitted your scores."))
    desk = jury_desk(juror=juror)
    if not desk.rows:
        raise ValidationError(_("There are no applications to score yet."))
    if not desk.declarations_complete:
        raise ValidationError(
            _("Declare your conflicts of interest for all applications before submitting.")
        )
    if not desk.ready_to_submit:
        missing = [str(r.application.organisation) for r in desk.to_score if not r.fully_scored]
        raise ValidationError(
            _("Score every criterion of every application first. Still missing: %(list)s")
            % {"list": ", ".join(missing)}
        )
    juror.scores_submitted_at = timezone.now()
    juror.save(update_fields=["scores_submitted_at"])
    audit_append(
        procedure=procedure,
        action="scores_submitted",
        actor=actor,
        payload={
            "juror": juror.pk,
            "applications": [r.application.pk for r in desk.to_score],
            "conflicts": [r.application.pk for r in desk.rows if r.has_conflict],
        },
    )
    return juror
