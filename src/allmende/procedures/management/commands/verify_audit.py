"""``allmende verify_audit`` (also ``verify-audit``): recompute every procedure's audit chain
and name the first broken entry; recompute the scheme of every published procedure and name
those that no longer match the hash stored at publication."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from allmende.procedures.audit import audit_verify
from allmende.procedures.models import Procedure
from allmende.procedures.services import procedure_scheme_mismatch


class Command(BaseCommand):
    help = (
        "Check the hash chain of every procedure's audit trail and the scheme of every "
        "published procedure against the hash stored at publication. Prints OK per procedure, "
        "or its first broken entry (position and what is wrong) and a changed scheme; exits "
        "with status 1 if any chain is broken or any scheme changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--procedure",
            type=int,
            action="append",
            dest="procedures",
            metavar="ID",
            help="Check only this procedure (repeatable).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        procedures = Procedure.objects.annotate(entries=Count("audit")).order_by("pk")
        ids: list[int] | None = options.get("procedures")
        if ids:
            procedures = procedures.filter(pk__in=ids)
            missing = sorted(set(ids) - set(procedures.values_list("pk", flat=True)))
            if missing:
                raise CommandError(
                    _("No procedure with the id %(ids)s.")
                    % {"ids": ", ".join(str(pk) for pk in missing)}
                )
        problems = {p.procedure_id: p for p in audit_verify(ids or None)}
        changed_schemes = 0
        for procedure in procedures:
            names = {"id": procedure.pk, "title": procedure.title}
            problem = problems.get(procedure.pk)
            mismatch = procedure_scheme_mismatch(procedure)
            if problem is None and mismatch is None:
                self.stdout.write(
                    _("Procedure %(id)s “%(title)s”: OK (%(count)s entries)")
                    % {**names, "count": procedure.entries}
                )
            if problem is not None:
                self.stdout.write(
                    _("Procedure %(id)s “%(title)s”: BROKEN at entry %(position)s: %(message)s")
                    % {**names, "position": problem.position, "message": problem.message}
                )
            if mismatch is not None:
                changed_schemes += 1
                self.stdout.write(
                    _(
                        "Procedure %(id)s “%(title)s”: SCHEME CHANGED after publication: "
                        "stored hash %(stored)s, now %(current)s"
                    )
                    % {**names, "stored": mismatch.stored or "–", "current": mismatch.current}
                )
        failures = []
        if problems:
            failures.append(_("%(count)s audit chain(s) broken.") % {"count": len(problems)})
        if changed_schemes:
            failures.append(
                _("%(count)s published scheme(s) no longer match their hash.")
                % {"count": changed_schemes}
            )
        if failures:
            raise CommandError(" ".join(failures), returncode=1)
