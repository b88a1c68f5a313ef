"""Shared fixtures: one object per role so that permission tests can run over all roles."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from allmende.accounts.models import User
from allmende.networks.models import Network, Organisation, OrganisationRoleKind
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.LANGUAGE_CODE = "de"
    settings.SITE_URL = "http://testserver"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    # Saves of a previous test whose transaction was rolled back leave nothing queued.
    from allmende.matching import signals

    signals._state.pending = None


@pytest.fixture(autouse=True)
def _search_fts_follows_flush(request, django_db_blocker):
    """A transactional test ends with a flush of every model table. SQLite's FTS5 tables of
    the search (stems, pairs of stems) are not: they would keep the texts of the deleted
    entries, whose ids later entries get again, and count them as matches. Emptied after
    such tests (in production an entry's text leaves the tables with the entry)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts")
                cursor.execute("DELETE FROM search_fts_pairs")


@dataclass
class World:
    """A network with a member organisation and one person per role."""

    network: Network
    other_network: Network
    organisation: Organisation
    other_organisation: Organisation
    admin: User
    coordinator: User
    other_coordinator: User
    editor: User
    member: User
    outsider: User


@pytest.fixture
def world(db) -> World:
    network = NetworkFactory(name="Netzwerk Immovielien", slug="immovielien")
    other_network = NetworkFactory(name="Starke Orte", slug="starke-orte")
    organisation = OrganisationFactory(name="Stadtlücken Stuttgart", slug="stadtluecken")
    other_organisation = OrganisationFactory(
        name="Stadt Angermünde", slug="angermuende", kind="municipality"
    )
    MembershipFactory(network=network, organisation=organisation)
    MembershipFactory(network=other_network, organisation=other_organisation)
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    coordinator = CoordinatorFactory(network=network, user__email="koord@example.org").user
    other_coordinator = CoordinatorFactory(network=other_network).user
    editor = OrganisationRoleFactory(
        organisation=organisation, role=OrganisationRoleKind.EDITOR
    ).user
    member = OrganisationRoleFactory(
        organisation=organisation, role=OrganisationRoleKind.MEMBER
    ).user
    outsider = UserFactory()
    return World(
        network,
        other_network,
        organisation,
        other_organisation,
        admin,
        coordinator,
        other_coordinator,
        editor,
        member,
        outsider,
    )


ROLES = ["anonymous", "outsider", "member", "editor", "coordinator", "other_coordinator", "admin"]


def user_for(world: World, role: str):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if role == "anonymous" else getattr(world, role)
