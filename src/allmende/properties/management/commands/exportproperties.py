"""``allmende exportproperties``: the properties as CSV or GeoJSON on stdout or into a file."""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from allmende.accounts.models import User
from allmende.properties import selectors, transfer


class Command(BaseCommand):
    help = (
        "Export the properties as CSV or GeoJSON. Without --user only what the public may see "
        "(published properties, public positions); with --user what that person may see."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
        parser.add_argument("--user", default="", help="E-mail of the person to export as.")
        parser.add_argument("--output", default="", help="File to write (default: stdout).")

    def handle(self, *args: object, **options: Any) -> None:
        user: Any = AnonymousUser()
        if options["user"]:
            try:
                user = User.objects.get(email__iexact=options["user"].strip())
            except User.DoesNotExist as exc:
                raise CommandError(f"No person with the e-mail {options['user']}.") from exc
        queryset = selectors.property_list(filters=selectors.PropertyFilters(), user=user)
        if options["format"] == "csv":
            content = transfer.properties_export_csv(queryset=queryset, user=user)
        else:
            collection = transfer.properties_export_geojson(queryset=queryset, user=user)
            content = json.dumps(collection, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(content, encoding="utf-8")
        else:
            self.stdout.write(content, ending="")
