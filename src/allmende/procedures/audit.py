"""The audit trail of a procedure: append-only entries chained by SHA-256 hashes.

Each entry's hash covers the procedure, its position, the action, the actor, the payload, the
time and the previous entry's hash, so that changing, deleting or reordering any entry breaks
every later link. ``audit_verify`` recomputes the chains (``allmende verify-audit``).
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from allmende.procedures.models import AuditEntry, Procedure

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    """The payload as plain JSON values (what the database gives back)."""
    return json.loads(json.dumps(value, default=str))


def entry_digest(
    *,
    procedure_id: int,
    position: int,
    action: str,
    actor_id: int | None,
    actor_label: str,
    payload: Any,
    created_at: str,
    previous_hash: str,
) -> str:
    """SHA-256 over the canonical JSON of an entry's content."""
    content = json.dumps(
        {
            "procedure": procedure_id,
            "position": position,
            "action": action,
            "actor": actor_id,
            "actor_label": actor_label,
            "payload": payload,
            "created_at": created_at,
            "previous": previous_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _timestamp(entry: AuditEntry) -> str:
    return entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def audit_append(
    *, procedure: Procedure, action: str, actor: Any = None, payload: dict[str, Any] | None = None
) -> AuditEntry:
    """Append one entry to the procedure's chain (serialised by a lock on the procedure)."""
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=procedure.pk).values_list("pk").first()
        last = (
            AuditEntry.objects.filter(procedure_id=procedure.pk)
            .order_by("-position")
            .values_list("position", "entry_hash")
            .first()
        )
        position, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
        label = (getattr(actor, "name", "") or getattr(actor, "email", "")) if actor_id else ""
        entry = AuditEntry(
            procedure_id=procedure.pk,
            position=position,
            action=action,
            actor_id=actor_id,
            actor_label=label,
            payload=_canonical(payload or {}),
            created_at=timezone.now(),
            previous_hash=previous,
        )
        entry.entry_hash = entry_digest(
            procedure_id=procedure.pk,
            position=position,
            action=action,
            actor_id=actor_id,
            actor_label=label,
            payload=entry.payload,
            created_at=_timestamp(entry),
            previous_hash=previous,
        )
        entry.save()
        # .update(): the head is not part of the frozen scheme and must not go through save().
        Procedure.objects.filter(pk=procedure.pk).update(audit_head=entry.entry_hash)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    procedure_id: int
    position: int
    message: str


def audit_verify(procedure_ids: list[int] | None = None) -> list[ChainProblem]:
    """The first broken entry of every chain (none: all chains intact)."""
    queryset = AuditEntry.objects.order_by("procedure_id", "position")
    if procedure_ids is not None:
        queryset = queryset.filter(procedure_id__in=procedure_ids)
    problems: list[ChainProblem] = []
    heads = dict(
        Procedure.objects.filter(
            **({"pk__in": procedure_ids} if procedure_ids is not None else {})
        ).values_list("pk", "audit_head")
    )
    last_hash: dict[int, tuple[int, str]] = {}
    current: int | None = None
    previous, expected_position, broken = GENESIS, 1, False
    for entry in queryset.iterator():
        if entry.procedure_id != current:
            current, previous, expected_position, broken = entry.procedure_id, GENESIS, 1, False
        if broken:
            continue
        digest = entry_digest(
            procedure_id=entry.procedure_id,
            position=entry.position,
            action=entry.action,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            payload=entry.payload,
            created_at=_timestamp(entry),
            previous_hash=entry.previous_hash,
        )
        message = ""
        if entry.position != expected_position:
            message = f"position {entry.position}, expected {expected_position} (entry missing)"
        elif entry.previous_hash != previous:
            message = "previous hash does not match the entry before"
        elif entry.entry_hash != digest:
            message = "content does not match its hash (changed after writing)"
        if message:
            problems.append(ChainProblem(entry.procedure_id, entry.position, message))
            broken = True
        previous, expected_position = entry.entry_hash, entry.position + 1
        last_hash[entry.procedure_id] = (entry.position, entry.entry_hash)
    broken_chains = {problem.procedure_id for problem in problems}
    for procedure_id, head in heads.items():
        if procedure_id in broken_chains or not head:
            continue
        position, digest = last_hash.get(procedure_id, (0, GENESIS))
        if digest != head:
            problems.append(
                ChainProblem(
                    procedure_id,
                    position + 1,
                    "the newest entries are missing (the chain ends before its recorded head)",
                )
            )
    return problems
