import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from allmende.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create a platform administrator (password from --password, $ADMIN_PASSWORD or a prompt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="Administrator")
        parser.add_argument("--password", default=None)

    def handle(self, *args: object, **options: str) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"A person with the e-mail {email} exists already.")
        password = options["password"] or os.environ.get("ADMIN_PASSWORD")
        if not password:
            password = getpass.getpass("Password: ")
        user = User(email=email, name=options["name"])
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        User.objects.create_superuser(email=email, password=password, name=options["name"])
        self.stdout.write(self.style.SUCCESS(f"Administrator {email} created."))
