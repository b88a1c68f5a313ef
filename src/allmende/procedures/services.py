"""Every write on the set-up and the lifecycle of allocation procedures.

The state machine: draft → published → submission_closed → evaluation → decided → option →
concluded, or cancelled from any state before concluded. Every transition goes through
``procedure_transition``, which checks the permission, the table of allowed transitions and the
preconditions of the target state, then writes the audit entry; only evaluation → decided is
taken by ``services_decision.procedure_decide`` alone, together with the result it stores. The
scheme (criteria, weights, scales, aggregation, tie-break) is checked here before publication
and frozen afterwards; the model refuses changes too (``FrozenSchemeError``), whoever saves;
``procedure_scheme_mismatch`` finds changes made around the model.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.procedures.audit import audit_append
from allmende.procedures.models import (
    FROZEN_PROCEDURE_FIELDS,
    Aggregation,
    AwardCriterion,
    EligibilityCriterion,
    FrozenSchemeError,
    PriceModel,
    Procedure,
    ProcedureDocument,
    ProcedureState,
    _frozen_error,
)
from allmende.procedures.schemes import SCHEMES
from allmende.properties.models import Property

BERLIN = ZoneInfo("Europe/Berlin")

BASICS_FIELDS = (
    "title",
    "kind",
    "summary",
    "transfer",
    "leasehold_term_years",
    "ground_rent_percent",
    "rent_per_m2",
    "fixed_price",
    "minimum_bid",
    "terms_note",
)
SCHEME_FIELDS = FROZEN_PROCEDURE_FIELDS
DATE_FIELDS = (
    "publication_date",
    "question_deadline",
    "submission_deadline",
    "presentation_date",
    "jury_session_date",
    "decision_date",
    "option_until",
    "status_check_date",
)
DRAFT_FIELDS = BASICS_FIELDS + SCHEME_FIELDS + DATE_FIELDS
AWARD_FIELDS = ("key", "name", "description", "weight", "max_points", "min_points", "guidance")
ELIGIBILITY_FIELDS = ("text", "description")

S = ProcedureState
# Which state may follow which through ``procedure_transition``. Evaluation → decided is not
# here: only ``services_decision.procedure_decide`` takes that step, because a decided
# procedure must carry its result, the lot's seed and the chosen application.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED, S.CANCELLED}),
    S.PUBLISHED: frozenset({S.SUBMISSION_CLOSED, S.CANCELLED}),
    S.SUBMISSION_CLOSED: frozenset({S.EVALUATION, S.CANCELLED}),
    S.EVALUATION: frozenset({S.CANCELLED}),
    S.DECIDED: frozenset({S.OPTION, S.CONCLUDED, S.CANCELLED}),
    S.OPTION: frozenset({S.CONCLUDED, S.CANCELLED}),
    S.CONCLUDED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Audit names of the state changes.
AUDIT_ACTIONS: dict[str, str] = {
    S.PUBLISHED: "publish",
    S.SUBMISSION_CLOSED: "close_submission",
    S.EVALUATION: "start_evaluation",
    S.OPTION: "start_option",
    S.CONCLUDED: "conclude",
    S.CANCELLED: "cancel",
}
MAX_DOCUMENTS = 30

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _require_manage(actor: Any, procedure: Procedure) -> None:
    if actor is None or not actor.has_perm("procedures.manage_procedure", procedure):
        raise PermissionDenied(_("Only the managers of this procedure may do this."))


def _stored_state(procedure: Procedure) -> str:
    """The state in the database, locked for the rest of the transaction."""
    state: str = (
        Procedure.objects.select_for_update().values_list("state", flat=True).get(pk=procedure.pk)
    )
    return state


# --- The scheme: canonical form and checks -----------------------------------------------------


def _number(value: Any) -> str | None:
    """Decimals and floats as canonical strings: 60, 60.0 and 60.00 give the same hash."""
    if value is None:
        return None
    normalised = Decimal(str(value)).normalize()
    return format(normalised, "f")


def procedure_scheme(procedure: Procedure) -> dict[str, Any]:
    """The published scheme as plain JSON values: the frozen fields, the award criteria and the
    eligibility criteria in their order."""
    return {
        "price_model": procedure.price_model,
        "price_weight": _number(procedure.price_weight),
        "aggregation": procedure.aggregation,
        "averaging": procedure.averaging,
        "tie_break_criterion": procedure.tie_break_criterion,
        "disagreement_threshold": _number(procedure.disagreement_threshold),
        "classes": [[str(label), _number(minimum)] for label, minimum in procedure.classes or []],
        "threshold_points": _number(procedure.threshold_points),
        "criteria": [
            {
                "key": c.key,
                "name": c.name,
                "description": c.description,
                "weight": _number(c.weight),
                "max_points": _number(c.max_points),
                "min_points": _number(c.min_points),
                "guidance": {str(k): str(v) for k, v in (c.guidance or {}).items()},
            }
            for c in procedure.criteria.order_by("position", "pk")
        ],
        "eligibility_criteria": [
            {"text": e.text, "description": e.description}
            for e in procedure.eligibility_criteria.order_by("position", "pk")
        ],
    }


def procedure_scheme_hash(procedure: Procedure) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of ``procedure_scheme``."""
    content = json.dumps(
        procedure_scheme(procedure), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SchemeMismatch:
    """The scheme hash stored at publication (empty: none was stored) and the hash of the
    scheme as it is now."""

    stored: str
    current: str


def procedure_scheme_mismatch(procedure: Procedure) -> SchemeMismatch | None:
    """None when the procedure's scheme is still the one frozen at publication (or the
    procedure was never published: a draft, or cancelled as a draft); else both hashes.

    The model refuses changes made through ``save()``; this also finds those made around it
    (bulk updates, SQL) and a stored hash that was removed."""
    never_published = procedure.is_draft or (
        procedure.state == ProcedureState.CANCELLED
        and procedure.published_at is None
        and not procedure.scheme_hash
    )
    if never_published:
        return None
    current = procedure_scheme_hash(procedure)
    if current == procedure.scheme_hash:
        return None
    return SchemeMismatch(stored=procedure.scheme_hash, current=current)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _valid_classes(classes: Any) -> bool:
    if not isinstance(classes, list) or not classes:
        return False
    for pair in classes:
        if not isinstance(pair, list | tuple) or len(pair) != 2 or not str(pair[0]).strip():
            return False
        if _decimal(pair[1]) is None:
            return False
    return True


def scheme_errors(procedure: Procedure, *, criteria_keys: list[str] | None = None) -> Errors:
    """Problems of the procedure's own scheme fields (price model, aggregation, tie-break);
    ``criteria_keys`` defaults to the stored award criteria."""
    errors: Errors = {}
    weight = _decimal(procedure.price_weight) or Decimal(0)
    if procedure.price_model == PriceModel.HIGHEST_BID:
        if weight <= 0:
            _add(errors, "price_weight", _("When bids count, give the price a weight above 0 %."))
    elif weight > 0:
        _add(
            errors,
            "price_weight",
            _("Only a procedure in which the highest bid counts may give the price a weight."),
        )
    if procedure.aggregation == Aggregation.CLASS_BANDING and not _valid_classes(procedure.classes):
        _add(
            errors,
            "classes",
            _(
                "Class banding needs classes: one line per class with its minimum total on the "
                "0–100 scale, e.g. “A: 80”."
            ),
        )
    if procedure.aggregation == Aggregation.THRESHOLD and not (
        procedure.threshold_points is not None and Decimal(procedure.threshold_points) > 0
    ):
        _add(
            errors,
            "threshold_points",
            _("The threshold model needs the points total an application must reach."),
        )
    if criteria_keys is None:
        criteria_keys = list(procedure.criteria.values_list("key", flat=True))
    if procedure.tie_break_criterion and procedure.tie_break_criterion not in criteria_keys:
        _add(
            errors,
            "tie_break_criterion",
            _("The tie-break criterion “%(key)s” is not the key of an award criterion.")
            % {"key": procedure.tie_break_criterion},
        )
    return errors


def criteria_errors(procedure: Procedure, award: list[dict[str, Any]]) -> Errors:
    """Problems of a set of award criteria (dicts with ``AWARD_FIELDS``): per row under
    ``award.<index>.<field>``, for the whole set under ``__all__``."""
    errors: Errors = {}
    if not award:
        _add(errors, "__all__", _("Add at least one award criterion."))
    seen: set[str] = set()
    total = _decimal(procedure.price_weight) or Decimal(0)
    for index, row in enumerate(award):
        key = (row.get("key") or "").strip()
        if key in seen:
            _add(
                errors,
                f"award.{index}.key",
                _("The key “%(key)s” is used twice; every criterion needs its own key.")
                % {"key": key},
            )
        seen.add(key)
        maximum, minimum = _decimal(row.get("max_points")), _decimal(row.get("min_points"))
        if maximum is not None and minimum is not None and minimum > maximum:
            _add(
                errors,
                f"award.{index}.min_points",
                _("The minimum points must not be above the maximum points."),
            )
        for level in (row.get("guidance") or {}).keys():
            points = _decimal(level)
            if points is None or points < 0 or (maximum is not None and points > maximum):
                _add(
                    errors,
                    f"award.{index}.guidance",
                    _("The guidance level “%(level)s” is not a number of points on the scale.")
                    % {"level": level},
                )
        total += _decimal(row.get("weight")) or Decimal(0)
    if award and total != Decimal(100):
        _add(
            errors,
            "__all__",
            _(
                "The weights of the award criteria and the price weight add up to %(total)s %%; "
                "they must add up to 100 %%."
            )
            % {"total": _number(total)},
        )
    if procedure.tie_break_criterion and procedure.tie_break_criterion not in seen:
        _add(
            errors,
            "__all__",
            _("The tie-break criterion “%(key)s” is not the key of an award criterion.")
            % {"key": procedure.tie_break_criterion},
        )
    return errors


def dates_errors(procedure: Procedure) -> Errors:
    """The stages must be in order, where given. Two deadlines compare exactly; a day compares
    with a deadline by its Berlin calendar day."""
    errors: Errors = {}
    labels = {name: _label(name) for name in DATE_FIELDS}
    previous: tuple[str, Any] | None = None
    for name in DATE_FIELDS:
        value = getattr(procedure, name)
        if value is None:
            continue
        if previous is not None:
            earlier_name, earlier = previous
            if isinstance(value, datetime.datetime) and isinstance(earlier, datetime.datetime):
                wrong = value < earlier
            else:
                later_day = _berlin_day(value)
                wrong = later_day < _berlin_day(earlier)
            if wrong:
                _add(
                    errors,
                    name,
                    _("“%(later)s” must not be before “%(earlier)s”.")
                    % {"later": labels[name], "earlier": labels[earlier_name]},
                )
        previous = (name, value)
    return errors


def _label(name: str) -> str:
    field = Procedure._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _berlin_day(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value, BERLIN).date()
    return value


def _award_rows(procedure: Procedure) -> list[dict[str, Any]]:
    return [
        {name: getattr(c, name) for name in AWARD_FIELDS}
        for c in procedure.criteria.order_by("position", "pk")
    ]


def procedure_publish_errors(procedure: Procedure) -> Errors:
    """Everything that keeps the draft from being published (empty: it may be published)."""
    errors: Errors = {}
    for source in (
        scheme_errors(procedure),
        criteria_errors(procedure, _award_rows(procedure)),
        dates_errors(procedure),
    ):
        for field, messages in source.items():
            for message in messages:
                if message not in errors.get(field, []):
                    _add(errors, field, message)
    now = timezone.now()
    for name in ("question_deadline", "submission_deadline"):
        value = getattr(procedure, name)
        label = _label(name)
        if value is None:
            _add(errors, name, _("Give the %(label)s before publishing.") % {"label": label})
        elif value <= now:
            _add(
                errors,
                name,
                _("The %(label)s must be in the future when the procedure is published.")
                % {"label": label},
            )
    return errors


# --- Create and edit the draft -----------------------------------------------------------------


def _apply_template(procedure: Procedure, template: str) -> None:
    scheme = SCHEMES.get(template)
    if scheme is None:
        raise ValidationError({"template": [_("Choose a template from the list.")]})
    for name, value in scheme.scheme_fields().items():
        setattr(procedure, name, value)
    procedure.save()
    for position, c in enumerate(scheme.criteria, start=1):
        AwardCriterion.objects.create(
            procedure=procedure,
            key=c.key,
            position=position,
            name=c.name,
            description=c.description,
            weight=c.weight,
            max_points=c.max_points,
            min_points=c.min_points,
            guidance=dict(c.guidance),
        )
    for position, text in enumerate(scheme.eligibility, start=1):
        EligibilityCriterion.objects.create(procedure=procedure, position=position, text=text)


@transaction.atomic
def procedure_create(
    *, property: Property, actor: Any, data: dict[str, Any], template: str = ""
) -> Procedure:
    """Start a draft procedure for the property, run by the property's owner organisation;
    needs ``procedures.add_procedure`` on the property. ``template`` (a key of
    ``schemes.SCHEMES``) copies a real scheme with its criteria into the draft."""
    if not actor.has_perm("procedures.add_procedure", property):
        raise PermissionDenied(_("Only those who manage this property may start a procedure."))
    if property.owner_organisation_id is None:
        raise ValidationError(
            _("This property has no owner organisation that could run a procedure.")
        )
    procedure = Procedure(
        property=property, organisation_id=property.owner_organisation_id, created_by=actor
    )
    for name, value in data.items():
        if name in BASICS_FIELDS:
            setattr(procedure, name, value)
    procedure.full_clean(exclude=["winner"])
    procedure.save()
    if template:
        _apply_template(procedure, template)
    audit_append(
        procedure=procedure,
        action="create",
        actor=actor,
        payload={"title": procedure.title, "template": template, "property": property.pk},
    )
    return procedure


@transaction.atomic
def procedure_update_draft(*, procedure: Procedure, actor: Any, data: dict[str, Any]) -> Procedure:
    """Change fields of a draft (basics, terms, scheme, dates; other keys are ignored). The
    scheme and dates are checked; the weights' sum only on the criteria and at publication,
    because the price weight and the criteria are set in different steps. After publication a
    change to the scheme raises ``FrozenSchemeError``, any other change ``ValidationError``."""
    _require_manage(actor, procedure)
    if _stored_state(procedure) != ProcedureState.DRAFT:
        if any(name in SCHEME_FIELDS for name in data):
            raise _frozen_error()
        raise ValidationError(
            _("The procedure has been published; its set-up can no longer change."),
            code="not_draft",
        )
    stored = Procedure.objects.get(pk=procedure.pk)
    changed = []
    for name, value in data.items():
        if name in DRAFT_FIELDS and getattr(stored, name) != value:
            setattr(stored, name, value)
            changed.append(name)
    errors: Errors = {}
    if any(name in SCHEME_FIELDS for name in data):
        errors.update(scheme_errors(stored))
    if any(name in DATE_FIELDS for name in data):
        errors.update(dates_errors(stored))
    if errors:
        raise ValidationError(errors)
    stored.full_clean(exclude=["winner"])
    stored.save()
    if changed:
        audit_append(
            procedure=stored, action="update_draft", actor=actor, payload={"fields": changed}
        )
    for name in DRAFT_FIELDS:
        setattr(procedure, name, getattr(stored, name))
    return stored


def _require_draft(procedure: Procedure) -> None:
    if _stored_state(procedure) != ProcedureState.DRAFT:
        raise _frozen_error()


def _criterion_row(data: dict[str, Any]) -> dict[str, Any]:
    row = {name: data.get(name) for name in AWARD_FIELDS}
    row["key"] = (row["key"] or "").strip()
    row["description"] = row["description"] or ""
    row["guidance"] = {str(k): str(v) for k, v in (row["guidance"] or {}).items()}
    return row


@transaction.atomic
def procedure_criteria_set(
    *,
    procedure: Procedure,
    actor: Any,
    award: list[dict[str, Any]],
    eligibility: list[dict[str, Any]],
) -> None:
    """Replace the draft's criteria by the given lists, in their order. A row with an ``id``
    updates that criterion, one without creates a new one; criteria missing from the lists are
    deleted. The whole set is checked (at least one award criterion, unique keys, minimum ≤
    maximum, weights and price weight add up to 100 %, the tie-break key exists); errors of a
    row come under ``award.<index>.<field>``."""
    _require_manage(actor, procedure)
    _require_draft(procedure)
    rows = [_criterion_row(row) for row in award]
    errors = criteria_errors(procedure, rows)
    if errors:
        raise ValidationError(errors)
    keep_award = [int(row["id"]) for row in award if row.get("id")]
    keep_eligibility = [int(row["id"]) for row in eligibility if row.get("id")]
    AwardCriterion.objects.filter(procedure=procedure).exclude(pk__in=keep_award).delete()
    EligibilityCriterion.objects.filter(procedure=procedure).exclude(
        pk__in=keep_eligibility
    ).delete()
    for position, (source, row) in enumerate(zip(award, rows, strict=True), start=1):
        criterion = (
            AwardCriterion.objects.get(procedure=procedure, pk=source["id"])
            if source.get("id")
            else AwardCriterion(procedure=procedure)
        )
        for name, value in row.items():
            setattr(criterion, name, value)
        criterion.position = position
        criterion.full_clean(exclude=["procedure"], validate_unique=False)
        criterion.save()
    for position, source in enumerate(eligibility, start=1):
        item = (
            EligibilityCriterion.objects.get(procedure=procedure, pk=source["id"])
            if source.get("id")
            else EligibilityCriterion(procedure=procedure)
        )
        item.text = source.get("text") or ""
        item.description = source.get("description") or ""
        item.position = position
        item.full_clean(exclude=["procedure"])
        item.save()
    audit_append(
        procedure=procedure,
        action="update_criteria",
        actor=actor,
        payload={"criteria": [r["key"] for r in rows], "eligibility": len(eligibility)},
    )


@transaction.atomic
def award_criterion_add(
    *, procedure: Procedure, actor: Any, data: dict[str, Any]
) -> AwardCriterion:
    """Add one award criterion to a draft (the weights' sum is checked at publication)."""
    _require_manage(actor, procedure)
    _require_draft(procedure)
    row = _criterion_row(data)
    others = _award_rows(procedure)
    errors = criteria_errors(procedure, [*others, row])
    own = {k: v for k, v in errors.items() if k.startswith(f"award.{len(others)}.")}
    if own:
        raise ValidationError({k.rsplit(".", 1)[1]: v for k, v in own.items()})
    criterion = AwardCriterion(procedure=procedure, position=len(others) + 1, **row)
    criterion.full_clean(exclude=["procedure"], validate_unique=False)
    criterion.save()
    audit_append(
        procedure=procedure, action="add_criterion", actor=actor, payload={"key": criterion.key}
    )
    return criterion


@transaction.atomic
def award_criterion_update(
    *, criterion: AwardCriterion, actor: Any, data: dict[str, Any]
) -> AwardCriterion:
    """Change one award criterion of a draft."""
    procedure = criterion.procedure
    _require_manage(actor, procedure)
    _require_draft(procedure)
    row = _criterion_row({**{n: getattr(criterion, n) for n in AWARD_FIELDS}, **data})
    others = [
        {name: getattr(c, name) for name in AWARD_FIELDS}
        for c in procedure.criteria.exclude(pk=criterion.pk).order_by("position", "pk")
    ]
    errors = criteria_errors(procedure, [*others, row])
    own = {k: v for k, v in errors.items() if k.startswith(f"award.{len(others)}.")}
    if own:
        raise ValidationError({k.rsplit(".", 1)[1]: v for k, v in own.items()})
    for name, value in row.items():
        setattr(criterion, name, value)
    criterion.full_clean(exclude=["procedure"], validate_unique=False)
    criterion.save()
    audit_append(
        procedure=procedure, action="change_criterion", actor=actor, payload={"key": criterion.key}
    )
    return criterion


@transaction.atomic
def award_criterion_delete(*, criterion: AwardCriterion, actor: Any) -> None:
    """Delete one award criterion of a draft."""
    procedure = criterion.procedure
    _require_manage(actor, procedure)
    _require_draft(procedure)
    key = criterion.key
    criterion.delete()
    audit_append(procedure=procedure, action="delete_criterion", actor=actor, payload={"key": key})


@transaction.atomic
def document_add(
    *, procedure: Procedure, actor: Any, title: str, file: File[Any]
) -> ProcedureDocument:
    """Add a PDF (exposé, plans …) to a draft; checked by size and content like the property
    documents, stored in private storage."""
    from allmende.properties.services_media import document_file_check

    _require_manage(actor, procedure)
    if _stored_state(procedure) != ProcedureState.DRAFT:
        raise ValidationError(
            _("The procedure has been published; its set-up can no longer change."),
            code="not_draft",
        )
    if procedure.documents.count() >= MAX_DOCUMENTS:
        raise ValidationError(
            _("A procedure has at most %(count)s documents.") % {"count": MAX_DOCUMENTS}
        )
    checked = document_file_check(file)
    document = ProcedureDocument(procedure=procedure, title=title.strip())
    document.size_bytes = checked.size or 0
    document.file.save(checked.name or "dokument.pdf", checked, save=False)
    document.full_clean(exclude=["procedure", "file"])
    document.save()
    audit_append(procedure=procedure, action="add_document", actor=actor, payload={"title": title})
    return document


@transaction.atomic
def document_delete(*, document: ProcedureDocument, actor: Any) -> None:
    """Remove a document of a draft, with its file."""
    procedure = document.procedure
    _require_manage(actor, procedure)
    if _stored_state(procedure) != ProcedureState.DRAFT:
        raise ValidationError(
            _("The procedure has been published; its set-up can no longer change."),
            code="not_draft",
        )
    title, name = document.title, document.file.name
    document.delete()
    storage = document.file.storage
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    audit_append(
        procedure=procedure, action="delete_document", actor=actor, payload={"title": title}
    )


# --- Lifecycle ---------------------------------------------------------------------------------


def _precondition_errors(procedure: Procedure, to_state: str) -> list[str]:
    now = timezone.now()
    problems: list[str] = []
    if to_state == ProcedureState.SUBMISSION_CLOSED:
        if procedure.submission_deadline is None or procedure.submission_deadline > now:
            problems.append(
                _("The submission can only be closed once the submission deadline has passed.")
            )
    elif to_state == ProcedureState.OPTION:
        if procedure.option_until is None:
            problems.append(_("Give the end of the option period before starting it."))
        elif procedure.option_until < timezone.localdate(now, BERLIN):
            problems.append(_("The end of the option period has already passed."))
    elif to_state == ProcedureState.CANCELLED:
        if not (procedure.cancel_reason or "").strip():
            problems.append(_("Give a reason for cancelling the procedure."))
    return problems


@transaction.atomic
def procedure_transition(
    procedure: Procedure,
    to_state: str,
    actor: Any,
    *,
    payload: dict[str, Any] | None = None,
) -> Procedure:
    """Move the procedure to ``to_state``: checks ``procedures.manage_procedure``, the table of
    allowed transitions (against the stored state) and the preconditions of the target state,
    saves the procedure (with any other fields the caller has set on it, e.g. the cancel
    reason) and appends an audit entry named after the target state with ``payload``. Refuses
    ``decided``: that is ``procedure_decide``'s step. Raises PermissionDenied or
    ValidationError with a German message."""
    _require_manage(actor, procedure)
    current = _stored_state(procedure)
    if to_state == ProcedureState.DECIDED:
        raise ValidationError(
            _(
                "A procedure is decided only through its decision, which stores the result, "
                "the lot's seed and the chosen application."
            ),
            code="decision_only",
        )
    if to_state not in TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            _("A procedure in the state “%(current)s” cannot move to “%(target)s”.")
            % {
                "current": ProcedureState(current).label,
                "target": ProcedureState(to_state).label
                if to_state in ProcedureState.values
                else to_state,
            },
            code="transition",
        )
    if to_state == ProcedureState.PUBLISHED:
        errors = procedure_publish_errors(procedure)
        if errors:
            raise ValidationError(errors)
    problems = _precondition_errors(procedure, to_state)
    if problems:
        raise ValidationError(problems, code="precondition")
    now = timezone.now()
    procedure.state = to_state
    if to_state == ProcedureState.CANCELLED:
        procedure.cancelled_at = now
    procedure.save()
    audit_append(
        procedure=procedure,
        action=AUDIT_ACTIONS.get(to_state, str(to_state)),
        actor=actor,
        payload={"from": current, **(payload or {})},
    )
    return procedure


@transaction.atomic
def procedure_publish(*, procedure: Procedure, actor: Any) -> Procedure:
    """Publish a complete draft: the scheme and dates pass every check, the question and
    submission deadlines lie ahead. Stores ``published_at`` and the scheme's SHA-256; from now
    on the scheme cannot change."""
    procedure.refresh_from_db()
    now = timezone.now()
    procedure.published_at = now
    if procedure.publication_date is None:
        procedure.publication_date = timezone.localdate(now, BERLIN)
    procedure.scheme_hash = procedure_scheme_hash(procedure)
    return procedure_transition(
        procedure,
        ProcedureState.PUBLISHED,
        actor,
        payload={"scheme_hash": procedure.scheme_hash, "scheme": procedure_scheme(procedure)},
    )


@transaction.atomic
def procedure_close_submission(*, procedure: Procedure, actor: Any) -> Procedure:
    """Close the submission of a published procedure; only once its deadline has passed."""
    procedure.refresh_from_db()
    return procedure_transition(procedure, ProcedureState.SUBMISSION_CLOSED, actor)


@transaction.atomic
def procedure_start_evaluation(*, procedure: Procedure, actor: Any) -> Procedure:
    """Start the jury's evaluation after the submission closed."""
    procedure.refresh_from_db()
    return procedure_transition(procedure, ProcedureState.EVALUATION, actor)


@transaction.atomic
def procedure_start_option(*, procedure: Procedure, actor: Any) -> Procedure:
    """Grant the chosen applicant the option period (needs its end date, not past)."""
    procedure.refresh_from_db()
    return procedure_transition(
        procedure,
        ProcedureState.OPTION,
        actor,
        payload={"option_until": str(procedure.option_until)},
    )


@transaction.atomic
def procedure_conclude(*, procedure: Procedure, actor: Any) -> Procedure:
    """Conclude a decided procedure (or its option period): the contract has been signed."""
    procedure.refresh_from_db()
    return procedure_transition(procedure, ProcedureState.CONCLUDED, actor)


@transaction.atomic
def procedure_cancel(*, procedure: Procedure, actor: Any, reason: str) -> Procedure:
    """Cancel the procedure from any state before concluded; the reason is required and
    published."""
    procedure.refresh_from_db()
    procedure.cancel_reason = (reason or "").strip()
    return procedure_transition(
        procedure, ProcedureState.CANCELLED, actor, payload={"reason": procedure.cancel_reason}
    )


__all__ = [
    "TRANSITIONS",
    "FrozenSchemeError",
    "SchemeMismatch",
    "award_criterion_add",
    "award_criterion_delete",
    "award_criterion_update",
    "criteria_errors",
    "dates_errors",
    "document_add",
    "document_delete",
    "procedure_cancel",
    "procedure_close_submission",
    "procedure_conclude",
    "procedure_create",
    "procedure_criteria_set",
    "procedure_publish",
    "procedure_publish_errors",
    "procedure_scheme",
    "procedure_scheme_hash",
    "procedure_scheme_mismatch",
    "procedure_start_evaluation",
    "procedure_start_option",
    "procedure_transition",
    "procedure_update_draft",
    "scheme_errors",
]
