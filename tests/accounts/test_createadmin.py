"""The ``createadmin`` management command."""

import pytest
from django.core.management import CommandError, call_command

from allmende.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "lange-und-sichere-Passphrase-2025"


def test_createadmin_creates_a_superuser_who_can_log_in(client, capsys):
    call_command("createadmin", email="Chefin@Example.org", password=STRONG, name="Alma Admin")

    user = User.objects.get()
    assert user.email == "chefin@example.org"
    assert user.name == "Alma Admin"
    assert user.is_superuser
    assert user.is_staff
    assert user.is_active
    assert user.check_password(STRONG)
    assert "chefin@example.org" in capsys.readouterr().out
    assert client.login(username="chefin@example.org", password=STRONG)


def test_createadmin_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", STRONG)

    call_command("createadmin", email="chefin@example.org")

    assert User.objects.get().check_password(STRONG)


def test_createadmin_refuses_an_existing_email_in_any_case():
    UserFactory(email="chefin@example.org", is_superuser=False)

    with pytest.raises(CommandError, match="exists already"):
        call_command("createadmin", email="CHEFIN@example.org", password=STRONG)

    assert User.objects.count() == 1
    assert not User.objects.get().is_superuser


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("kurz", id="too-short"),
        pytest.param("password123", id="common"),
        pytest.param("8362940175", id="numeric"),
        pytest.param("chefin-example", id="like-the-email"),
    ],
)
def test_createadmin_refuses_a_weak_password(password):
    with pytest.raises(CommandError):
        call_command("createadmin", email="chefin@example.org", password=password)

    assert not User.objects.exists()
