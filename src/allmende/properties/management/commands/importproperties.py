"""``allmende importproperties FILE --organisation SLUG --actor EMAIL``."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from allmende.accounts.models import User
from allmende.networks.models import Organisation
from allmende.properties import transfer, transfer_geojson


def _columns_help() -> str:
    return "; ".join(
        f"{name}{' (required)' if required else ''}: {description}"
        for name, required, description in transfer.import_column_help()
    )


class Command(BaseCommand):
    help = (
        "Import properties from a CSV file (UTF-8, header row) or a GeoJSON FeatureCollection "
        "(a file ending in .geojson or .json: the columns as properties, a Point per feature), "
        f"at most 5 MB and {transfer.MAX_IMPORT_ROWS} rows or features, for an owner "
        "organisation. If any row or feature has an error, nothing is imported and every error "
        "is listed. See --help for the columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.epilog = "Columns: " + _columns_help()
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", required=True, help="Slug of the owner.")
        parser.add_argument("--actor", required=True, help="E-mail of the person importing.")

    def handle(self, *args: object, **options: Any) -> None:
        try:
            organisation = Organisation.objects.get(slug=options["organisation"])
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation {options['organisation']}.") from exc
        try:
            actor = User.objects.get(email__iexact=options["actor"].strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"No person with the e-mail {options['actor']}.") from exc
        try:
            with options["file"].open("rb") as handle:
                result = transfer_geojson.properties_import(
                    file=handle,
                    name=options["file"].name,
                    organisation=organisation,
                    actor=actor,
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for error in result.errors:
                where = f"{result.unit} {error.row}" if error.row else "file"
                column = f", {error.field}" if error.field else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            raise CommandError(f"{len(result.errors)} errors; nothing has been imported.")
        self.stdout.write(self.style.SUCCESS(f"{result.created} properties imported."))
