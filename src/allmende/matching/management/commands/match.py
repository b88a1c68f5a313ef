"""``allmende match --region …``: the optimal assignment of a region beside the greedy one;
``--refresh`` recomputes every stored recommendation first."""

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from allmende.core.progress import Progress
from allmende.matching import services
from allmende.matching.regions import region_assign, region_parse


class Command(BaseCommand):
    help = (
        "Print the optimal assignment of properties to space needs for a region "
        "(network:<slug>, state:<state> or district:<state>/<district>) beside the greedy one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", help="network:<slug>, state:<name> or district:<state>/<name>"
        )
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Recompute all stored recommendations (after bulk imports or generate).",
        )
        parser.add_argument(
            "--limit", type=int, default=50, help="Print at most this many pairs (default 50)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["region"] and not options["refresh"]:
            raise CommandError(_("Give --region (or --refresh to recompute recommendations)."))
        if options["limit"] < 0:
            raise CommandError(_("--limit must not be negative."))
        region = None
        if options["region"]:
            try:
                region = region_parse(options["region"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        if options["refresh"]:
            started = time.monotonic()
            with Progress(_("Recommendations"), total=3, stream=self.stdout) as progress:

                def step(message: str) -> None:
                    progress.advance(1)

                written = services.recommendations_rebuild(progress=step)
                progress.set(3)
            self.stdout.write(
                _("%(count)d recommendations stored in %(seconds).1f s.")
                % {"count": written, "seconds": time.monotonic() - started}
            )
        if region is None:
            return
        started = time.monotonic()
        with Progress(_("Assignment"), total=1, stream=self.stdout) as progress:
            result = region_assign(region)
            progress.advance(1)
        elapsed = time.monotonic() - started
        self.stdout.write(
            _(
                "Region %(region)s: %(properties)d available properties, %(needs)d active space "
                "needs, %(pairs)d possible pairs (%(seconds).2f s)."
            )
            % {
                "region": region.label,
                "properties": result.properties,
                "needs": result.needs,
                "pairs": result.feasible_pairs,
                "seconds": elapsed,
            }
        )
        for label, proposal in ((_("Optimal"), result.optimal), (_("Greedy"), result.greedy)):
            self.stdout.write(
                _("%(label)s: %(count)d pairs, total score %(total).3f")
                % {"label": label, "count": len(proposal.pairs), "total": proposal.total}
            )
        self.stdout.write(_("Gain of the optimal assignment: %(gain).3f") % {"gain": result.gain})
        shown = result.optimal.pairs[: options["limit"]]
        if shown:
            self.stdout.write("")
            self.stdout.write(_("Optimal assignment (score · space need ← property):"))
            for pair in shown:
                self.stdout.write(
                    f"  {pair.score:5.3f}  {pair.need_title} (#{pair.need_id})"
                    f"  ←  {pair.property_title} (#{pair.property_id})"
                )
            if len(result.optimal.pairs) > len(shown):
                self.stdout.write(
                    _("… and %(count)d more.") % {"count": len(result.optimal.pairs) - len(shown)}
                )
