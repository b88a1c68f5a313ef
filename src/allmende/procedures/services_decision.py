"""The decision of a procedure: the ranking preview for the manager and the decision itself
(stored result with the lot's seed, winner, audit entry, e-mails to the applicants)."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.core.mail import email_enqueue
from allmende.networks.models import OrganisationRoleKind
from allmende.procedures import scoring
from allmende.procedures.audit import audit_append
from allmende.procedures.evaluation import (
    EvaluationInputs,
    aggregate_inputs,
    evaluation_inputs,
    result_to_json,
)
from allmende.procedures.models import (
    Application,
    ApplicationState,
    Eligibility,
    Juror,
    JurorRole,
    Procedure,
    ProcedureState,
)
from allmende.procedures.services import procedure_scheme_mismatch

# States in which a procedure has a result that may be shown.
DECIDED_STATES = (ProcedureState.DECIDED, ProcedureState.OPTION, ProcedureState.CONCLUDED)


@dataclass(frozen=True)
class DecisionPreview:
    """The ranking as it stands, before the lot is drawn.

    ``result`` is None when the data cannot be aggregated (``error`` says why). ``certain_first``
    is the key of the first place when no lot is needed to decide it (choosing it is no
    deviation); ``missing_jurors`` are the voting jurors who have not submitted their scores;
    ``pending_applications`` are submitted applications whose eligibility is not checked yet.
    """

    inputs: EvaluationInputs
    result: scoring.Result | None
    data: dict[str, Any] | None
    error: str | None
    certain_first: str | None
    missing_jurors: list[Juror]
    pending_applications: list[Application]


def decision_preview(*, procedure: Procedure) -> DecisionPreview:
    """Aggregate the current scores with an empty seed: the lot is drawn only at the decision,
    so places that a lot decides are marked as such (``tie_break == "lot"``)."""
    inputs = evaluation_inputs(procedure, "")
    result: scoring.Result | None = None
    data: dict[str, Any] | None = None
    error: str | None = None
    try:
        result = aggregate_inputs(inputs)
    except ValueError as exc:
        error = str(exc)
    certain_first = None
    if result is not None:
        data = result_to_json(result, inputs)
        if result.ranking and result.ranking[0].tie_break != "lot":
            certain_first = result.ranking[0].key
    missing = [
        juror
        for juror in inputs.juror_objects.values()
        if juror.role == JurorRole.VOTING and juror.scores_submitted_at is None
    ]
    pending = [
        a for a in inputs.application_objects.values() if a.eligibility == Eligibility.PENDING
    ]
    return DecisionPreview(
        inputs=inputs,
        result=result,
        data=data,
        error=error,
        certain_first=certain_first,
        missing_jurors=missing,
        pending_applications=pending,
    )


def procedure_decide(
    *,
    procedure: Procedure,
    actor: Any,
    reasons_summary: str,
    winner: Application | None = None,
    deviation_reason: str = "",
    confirm_incomplete: bool = False,
) -> Procedure:
    """Confirm the ranking and decide the procedure: the only way to the state "decided".

    ``reasons_summary`` is the manager's summary of the reasons for the decision (required,
    published with the result). ``winner`` None follows the ranking (its first place after the
    lot). Choosing another application that has a place in the ranking is a deviation and needs
    ``deviation_reason`` (also when the preview's first place was only tied and the lot is
    still to be drawn). When voting jurors have not submitted their scores,
    ``confirm_incomplete`` must be set.

    The scheme must still be the one frozen at publication (its SHA-256 is compared with the
    stored ``scheme_hash``); if not, the decision is refused and the refusal recorded in the
    audit trail ("decide_refused").

    Draws a random seed for the lot, stores the complete aggregation output in ``result``,
    sets ``tie_break_seed``, ``winner``, ``decided_at``, ``reasons_summary``, moves the
    procedure to decided (audit entry "decided"), appends the audit entry "decide" with the
    decision and e-mails the editors of every applicant. Raises PermissionDenied or
    ValidationError.
    """
    if not actor.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied(_("Only the procedure's managers may decide it."))
    deviation_reason = deviation_reason.strip()
    reasons_summary = reasons_summary.strip()
    if not reasons_summary:
        raise ValidationError(
            {
                "reasons_summary": _(
                    "Summarise the reasons for the decision; the summary is published with the "
                    "result."
                )
            },
            code="reasons_required",
        )
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if locked.state != ProcedureState.EVALUATION:
            raise ValidationError(_("Only a procedure in evaluation can be decided."), code="state")
        mismatch = procedure_scheme_mismatch(locked)
        if mismatch is None:
            _decide(
                locked,
                actor=actor,
                reasons_summary=reasons_summary,
                winner=winner,
                deviation_reason=deviation_reason,
                confirm_incomplete=confirm_incomplete,
            )
    if mismatch is not None:
        # Recorded outside the block above, so that the refusal stays in the trail.
        audit_append(
            procedure=procedure,
            action="decide_refused",
            actor=actor,
            payload={
                "reason": "scheme_changed",
                "scheme_hash_stored": mismatch.stored,
                "scheme_hash_now": mismatch.current,
            },
        )
        raise ValidationError(
            _(
                "The procedure cannot be decided: its criteria, weights or rules no longer match "
                "the scheme frozen at publication (stored SHA-256 %(stored)s, now %(current)s). "
                "The refusal is recorded in the audit trail; cancel the procedure and start a "
                "new one."
            )
            % {"stored": mismatch.stored[:12] or "–", "current": mismatch.current[:12]},
            code="scheme_changed",
        )
    procedure.refresh_from_db()
    return procedure


def _decide(
    locked: Procedure,
    *,
    actor: Any,
    reasons_summary: str,
    winner: Application | None,
    deviation_reason: str,
    confirm_incomplete: bool,
) -> None:
    """The decision on a procedure locked in evaluation with an unchanged scheme (see
    ``procedure_decide``)."""
    preview = decision_preview(procedure=locked)
    if preview.result is None:
        raise ValidationError(
            _("The scores cannot be aggregated: %(error)s") % {"error": preview.error},
            code="invalid",
        )
    if preview.missing_jurors and not confirm_incomplete:
        raise ValidationError(
            {
                "confirm_incomplete": _(
                    "Not every voting juror has submitted their scores. Confirm that you "
                    "decide without them."
                )
            },
            code="incomplete",
        )
    ranked_keys = [entry.key for entry in preview.result.ranking]
    chosen: str | None = None
    if winner is not None:
        chosen = str(winner.pk)
        if chosen not in ranked_keys:
            raise ValidationError(
                {"winner": _("Only an application with a place in the ranking can win.")},
                code="not_ranked",
            )
        if chosen != preview.certain_first and not deviation_reason:
            raise ValidationError(
                {
                    "deviation_reason": _(
                        "Give the reason why you choose another application than the "
                        "first place of the ranking."
                    )
                },
                code="reason_required",
            )

    seed = secrets.token_hex(16)
    inputs = evaluation_inputs(locked, seed)
    result = aggregate_inputs(inputs)
    first = result.ranking[0].key if result.ranking else None
    chosen = chosen or first
    deviation = chosen is not None and chosen != first
    now = timezone.now()
    data = result_to_json(result, inputs)
    data["decision"] = {
        "winner": chosen,
        "ranking_first": first,
        "deviation": deviation,
        "deviation_reason": deviation_reason if deviation else "",
        "reasons_summary": reasons_summary,
        "missing_jurors": [juror.user.name or juror.user.email for juror in preview.missing_jurors],
        "decided_at": now.isoformat(),
    }
    locked.result = data
    locked.tie_break_seed = seed
    locked.winner_id = int(chosen) if chosen is not None else None
    locked.decided_at = now
    locked.deviation_reason = deviation_reason if deviation else ""
    locked.reasons_summary = reasons_summary
    locked.state = ProcedureState.DECIDED
    locked.save()
    audit_append(
        procedure=locked,
        action="decided",
        actor=actor,
        payload={"from": ProcedureState.EVALUATION.value, "winner": locked.winner_id},
    )
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    audit_append(
        procedure=locked,
        action="decide",
        actor=actor,
        payload={
            "winner": locked.winner_id,
            "ranking_first": int(first) if first is not None else None,
            "deviation_reason": locked.deviation_reason,
            "reasons_summary": reasons_summary,
            "seed": seed,
            "ranking": [[int(e.key), e.rank, e.total] for e in result.ranking],
            "excluded": [[int(e.key), e.excluded_reason] for e in result.excluded],
            "missing_jurors": data["decision"]["missing_jurors"],
            "result_sha256": digest,
        },
    )
    _notify_applicants(locked)


def _editor_addresses(organisation_id: int) -> list[str]:
    from allmende.accounts.models import User

    return sorted(
        User.objects.filter(
            is_active=True,
            organisation_roles__organisation_id=organisation_id,
            organisation_roles__role=OrganisationRoleKind.EDITOR,
        )
        .values_list("email", flat=True)
        .distinct()
    )


def _notify_applicants(procedure: Procedure) -> None:
    """E-mail the editors of every submitted application: the winner (as the public result
    names it), their own place and total or the reason for their exclusion. Sent after commit."""
    from allmende.procedures.report import application_label, result_entry

    data = procedure.result
    winner_key = data["decision"]["winner"]
    for application in Application.objects.filter(
        procedure=procedure, state=ApplicationState.SUBMITTED
    ).select_related("organisation"):
        key = str(application.pk)
        email_enqueue(
            template="procedures/email/decision",
            context={
                "procedure": procedure,
                "application": application,
                "is_winner": key == winner_key,
                "winner_label": (
                    application_label(data, winner_key, public=True, language="de")
                    if winner_key
                    else ""
                ),
                "entry": result_entry(data, key),
                "deviation_reason": procedure.deviation_reason,
            },
            to=_editor_addresses(application.organisation_id),
            language="de",
        )
