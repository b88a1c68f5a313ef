"""``allmende generate --properties N --needs M --knowledge K --seed S`` and
``allmende generate --remove``."""

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from allmende.core.progress import ProgressCallback, format_count, progress_for
from allmende.knowledge.synthetic import (
    KnowledgeSyntheticError,
    knowledge_synthetic_generate,
    knowledge_synthetic_remove,
)
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
        "population) for the matching benchmark and load tests, and German knowledge content "
        "(articles, tools, example places, news) for the search benchmark, marked as synthetic; "
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
            "--knowledge",
            type=_count,
            default=0,
            help="Number of knowledge items: articles, tools, example places, news (default 0).",
        )
        parser.add_argument(
            "--seed", type=_count, default=1, help="Random seed: the same seed, the same data."
        )
        parser.add_argument(
            "--remove", action="store_true", help="Delete all synthetic data and nothing else."
        )

    def handle(self, *args: object, **options: Any) -> None:
        # Called as call_command(...) the argparse types are bypassed for keyword arguments.
        numbers = {name: options[name] for name in ("properties", "needs", "knowledge", "seed")}
        for name, value in numbers.items():
            if not isinstance(value, int) or value < 0:
                raise CommandError(
                    _("--%(name)s must be a whole number of 0 or more, not %(value)s.")
                    % {"name": name, "value": value}
                )
        progress = progress_for(self.stdout)
        started = time.monotonic()
        if options["remove"]:
            if numbers["properties"] or numbers["needs"] or numbers["knowledge"]:
                raise CommandError(
                    _("--remove cannot be combined with --properties, --needs or --knowledge.")
                )
            knowledge = knowledge_synthetic_remove(progress=progress)
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
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Removed %(articles)s synthetic articles, %(tools)s tools, %(places)s "
                        "example places and %(news)s news items."
                    )
                    % {key: format_count(value) for key, value in knowledge.items()}
                )
            )
            return
        if not numbers["properties"] and not numbers["needs"] and not numbers["knowledge"]:
            raise CommandError(
                _("Nothing to do: give --properties, --needs and/or --knowledge, or --remove.")
            )
        if numbers["knowledge"]:
            self._knowledge(numbers["knowledge"], numbers["seed"], progress)
            if not numbers["properties"] and not numbers["needs"]:
                return
            started = time.monotonic()
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

    def _knowledge(self, count: int, seed: int, progress: ProgressCallback) -> None:
        try:
            result = knowledge_synthetic_generate(count=count, seed=seed, progress=progress)
        except KnowledgeSyntheticError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Created %(articles)s synthetic articles, %(tools)s tools, %(places)s "
                    "example places and %(news)s news items (seed %(seed)s) in %(seconds)s s, "
                    "of which %(index_seconds)s s for the search index."
                )
                % {
                    "articles": format_count(result.articles),
                    "tools": format_count(result.tools),
                    "places": format_count(result.places),
                    "news": format_count(result.news),
                    "seed": result.seed,
                    "seconds": number_format(result.seconds, 1),
                    "index_seconds": number_format(result.index_seconds, 1),
                }
            )
        )
