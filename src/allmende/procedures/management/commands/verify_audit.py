"""``allmende verify_audit`` (also ``verify-audit``): recompute every procedure's audit chain
and name the first broken entry."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils.translation import gettext as _

from allmende.procedures.audit import audit_verify
from allmende.procedures.models import Procedure


class Command(BaseCommand):
    help = (
        "Check the hash chain of every procedure's audit trail. Prints OK per procedure or its "
        "first broken entry (position and what is wrong); exits with status 1 if any chain is "
        "broken."
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
        for procedure in procedures:
            problem = problems.get(procedure.pk)
            if problem is None:
                self.stdout.write(
                    _("Procedure %(id)s “%(title)s”: OK (%(count)s entries)")
                    % {"id": procedure.pk, "title": procedure.title, "count": procedure.entries}
                )
            else:
                self.stdout.write(
                    _("Procedure %(id)s “%(title)s”: BROKEN at entry %(position)s: %(message)s")
                    % {
                        "id": procedure.pk,
                        "title": procedure.title,
                        "position": problem.position,
                        "message": problem.message,
                    }
                )
        if problems:
            raise CommandError(
                _("%(count)s audit chain(s) broken.") % {"count": len(problems)}, returncode=1
            )
