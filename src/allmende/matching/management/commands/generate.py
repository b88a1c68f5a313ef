"""``allmende generate --properties N --needs M --seed S`` and ``allmende generate --remove``."""

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from allmende.core.progress import format_count, progress_for
from allmende.matching.synthetic import SyntheticDataExists, synthetic_generate, synthetic_remove


def _count(raw: str) -> int:
    """A whole number ≥ 0 for argparse; argparse reports the message and exits with status 2."""
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _('"%(value)s" is not a whole number.') % {"value": raw}
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(
            _("%(value)s is negative; give a number of 0 or more.") % {"value": raw}
        )
    return value


class Command(BaseCommand):
    help = (
        "Create synthetic properties and space needs on real German places (weighted by "
        "population) for the matching benchmark and load tests, marked as synthetic; "
        "--remove deletes all synthetic data again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--properties", type=_count, default=0, help="Number of properties (default 0)."
        )
        parser.add_argument(
            "--needs", type=_count, default=0, help="Number of space needs (default 0)."
        )
        parser.add_argument(
            "--seed", type=_count, default=1, help="Random seed: the same seed, the same data."
        )
        parser.add_argument(
            "--remove", action="store_true", help="Delete all synthetic data and nothing else."
        )

    def handle(self, *args: object, **options: Any) -> None:
        # Called as call_command(...) the argparse types are bypassed for keyword arguments.
        numbers = {name: options[name] for name in ("properties", "needs", "seed")}
        for name, value in numbers.items():
            if not isinstance(value, int) or value < 0:
                raise CommandError(
                    _("--%(name)s must be a whole number of 0 or more, not %(value)s.")
                    % {"name": name, "value": value}
                )
        progress = progress_for(self.stdout)
        started = time.monotonic()
        if options["remove"]:
            if numbers["properties"] or numbers["needs"]:
                raise CommandError(_("--remove cannot be combined with --properties or --needs."))
            counts = synthetic_remove(progress=progress)
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Removed %(properties)s synthetic properties, %(needs)s space needs and "
                        "%(organisations)s organisations (and %(related)s related rows) in "
                        "%(seconds)s s."
                    )
                    % {
                        **{key: format_count(value) for key, value in counts.items()},
                        "seconds": number_format(time.monotonic() - started, 1),
                    }
                )
            )
            return
        if not numbers["properties"] and not numbers["needs"]:
            raise CommandError(_("Nothing to do: give --properties and/or --needs, or --remove."))
        try:
            result = synthetic_generate(
                properties=numbers["properties"],
                needs=numbers["needs"],
                seed=numbers["seed"],
                progress=progress,
            )
        except SyntheticDataExists as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Created %(properties)s synthetic properties, %(needs)s space needs and "
                    "%(organisations)s organisations (seed %(seed)s) in %(seconds)s s."
                )
                % {
                    "properties": format_count(result.properties),
                    "needs": format_count(result.needs),
                    "organisations": format_count(result.organisations),
                    "seed": result.seed,
                    "seconds": number_format(time.monotonic() - started, 1),
                }
            )
        )
