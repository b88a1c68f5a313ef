"""Logging in and out, password reset, the account page and personal API tokens."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import identify_hasher, make_password
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from allmende.accounts.models import ApiToken
from allmende.accounts.services import api_token_authenticate, api_token_create
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/anmelden/"
LOGOUT = "/konto/abmelden/"
ACCOUNT = "/konto/"
RESET = "/konto/passwort-vergessen/"

RAW_TOKEN = re.compile(r"alm_[A-Za-z0-9_\-]{20,}")


def _logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- login and logout -----------------------------------------------------------------------


def test_login_page_is_german(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert 'name="username"' in html
    assert 'name="password"' in html


def test_login_with_email_and_password_goes_to_the_account_page(client):
    user = UserFactory(email="erika@example.org")

    response = client.post(LOGIN, {"username": "erika@example.org", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_with_a_wrong_password_shows_an_error_and_does_not_log_in(client):
    UserFactory(email="erika@example.org")

    response = client.post(LOGIN, {"username": "erika@example.org", "password": "falsch"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Groß-/Kleinschreibung" in html  # Django's German message for a failed login
    assert response.context["form"].non_field_errors()
    assert _logged_in_user_id(client) is None


def test_login_of_an_inactive_person_is_refused(client):
    UserFactory(email="erika@example.org", is_active=False)

    client.post(LOGIN, {"username": "erika@example.org", "password": TEST_PASSWORD})

    assert _logged_in_user_id(client) is None


def test_logout_by_post_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(client) is None


def test_logout_by_get_is_not_allowed(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert _logged_in_user_id(client) == str(user.pk)


# --- password reset -------------------------------------------------------------------------


def test_password_reset_mails_a_link_that_sets_a_new_password(client, mailoutbox):
    user = UserFactory(email="erika@example.org")

    response = client.post(RESET, {"email": "erika@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/passwort-vergessen/gesendet/"

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["erika@example.org"]
    links = re.findall(r"http://testserver(/konto/passwort-neu/[^/\s]+/[^/\s]+/)", mail.body)
    assert len(links) == 1

    form_page = client.get(links[0], follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    assert 'name="new_password1"' in form_page.content.decode()

    new_password = "ein-ganz-neues-Passwort-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert done["Location"] == "/konto/passwort-neu/fertig/"

    client.logout()
    assert client.login(username="erika@example.org", password=new_password)
    assert not client.login(username="erika@example.org", password=TEST_PASSWORD)
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_but_looks_the_same(client, mailoutbox):
    response = client.post(RESET, {"email": "niemand@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/konto/passwort-vergessen/gesendet/"
    assert mailoutbox == []


def test_password_reset_link_with_a_wrong_token_shows_no_form(client):
    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(f"/konto/passwort-neu/{uid}/falsch-falsch/", follow=True)

    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert 'name="new_password1"' not in response.content.decode()


def test_real_settings_hash_passwords_with_argon2(settings):
    import allmende.settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = real_settings.PASSWORD_HASHERS
    encoded = make_password("geheim-und-lang")
    assert encoded.startswith("argon2$")
    assert identify_hasher(encoded).algorithm == "argon2"


# --- account page ---------------------------------------------------------------------------


def test_account_page_requires_login(client):
    response = client.get(ACCOUNT)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={ACCOUNT}"


def test_account_page_shows_the_persons_email(client):
    user = UserFactory(email="erika@example.org")
    client.force_login(user)

    response = client.get(ACCOUNT)

    assert response.status_code == 200
    assert "erika@example.org" in response.content.decode()


def test_profile_form_changes_the_name(client):
    user = UserFactory(name="Erika Alt")
    client.force_login(user)

    response = client.post(ACCOUNT, {"form": "profile", "name": "Erika Neu"})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    user.refresh_from_db()
    assert user.name == "Erika Neu"


def test_profile_form_rejects_an_empty_name(client):
    user = UserFactory(name="Erika Alt")
    client.force_login(user)

    response = client.post(ACCOUNT, {"form": "profile", "name": ""})

    assert response.status_code == 200
    assert response.context["profile_form"].errors
    user.refresh_from_db()
    assert user.name == "Erika Alt"


# --- API tokens on the account page ---------------------------------------------------------


def test_new_api_token_is_shown_once_and_only_its_hash_is_stored(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(ACCOUNT, {"form": "token", "name": "Kartenimport"})

    assert response.status_code == 200
    shown = RAW_TOKEN.findall(response.content.decode())
    assert len(shown) == 1
    raw = shown[0]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Kartenimport"
    assert token.key_hash == ApiToken.hash(raw)
    assert raw not in token.key_hash
    assert api_token_authenticate(raw=raw) == user

    reloaded = client.get(ACCOUNT).content.decode()
    assert raw not in reloaded
    assert RAW_TOKEN.search(reloaded) is None
    assert "Kartenimport" in reloaded


def test_api_token_without_label_is_not_created(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(ACCOUNT, {"form": "token", "name": ""})

    assert response.status_code == 200
    assert response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_owner_can_revoke_a_token(client):
    user = UserFactory()
    token, raw = api_token_create(user=user, name="Skript")
    client.force_login(user)

    response = client.post(f"/konto/schluessel/{token.pk}/widerrufen/")

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(raw=raw) is None


def test_revoking_someone_elses_token_is_not_found_and_changes_nothing(client):
    owner = UserFactory()
    token, raw = api_token_create(user=owner, name="Skript")
    client.force_login(UserFactory())

    response = client.post(f"/konto/schluessel/{token.pk}/widerrufen/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_token_authenticate(raw=raw) == owner


def test_revoking_needs_post(client):
    user = UserFactory()
    token, _raw = api_token_create(user=user, name="Skript")
    client.force_login(user)

    response = client.get(f"/konto/schluessel/{token.pk}/widerrufen/")

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


# --- api_token_authenticate -----------------------------------------------------------------


def test_authenticate_returns_the_owner_of_a_valid_token_and_notes_the_use():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="Skript")
    assert token.last_used_at is None

    assert api_token_authenticate(raw=raw) == user

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_authenticate_rejects_a_revoked_token():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="Skript")
    token.revoked_at = timezone.now()
    token.save()

    assert api_token_authenticate(raw=raw) is None


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda raw: raw.removeprefix("alm_"), id="without-prefix"),
        pytest.param(lambda raw: "xyz_" + raw.removeprefix("alm_"), id="wrong-prefix"),
        pytest.param(lambda raw: raw[:-1], id="truncated"),
        pytest.param(lambda raw: raw + "x" * 200, id="too-long"),
        pytest.param(lambda raw: "", id="empty"),
    ],
)
def test_authenticate_rejects_a_token_that_is_not_exactly_the_secret(mangle):
    user = UserFactory()
    _token, raw = api_token_create(user=user, name="Skript")

    assert api_token_authenticate(raw=mangle(raw)) is None


def test_authenticate_rejects_the_token_of_an_inactive_person():
    user = UserFactory()
    _token, raw = api_token_create(user=user, name="Skript")
    user.is_active = False
    user.save()

    assert api_token_authenticate(raw=raw) is None


def test_authenticate_checks_the_hash_not_the_hint():
    user = UserFactory()
    token, raw = api_token_create(user=user, name="Skript")
    other_user = UserFactory()
    _other, other_raw = api_token_create(user=other_user, name="Skript")

    assert raw[:8] == token.hint
    assert api_token_authenticate(raw=other_raw) == other_user
    assert api_token_authenticate(raw=token.hint) is None
