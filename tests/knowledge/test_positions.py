"""Positions: list and detail with the signing organisations, signing and withdrawing by editors
of member organisations, and the coordinators' editor."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from allmende.knowledge import services_publish
from allmende.knowledge.models import Position, PositionSignature
from allmende.networks.models import MembershipStatus, OrganisationRoleKind
from tests.conftest import ROLES, user_for
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
)
from tests.knowledge.factories import PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(world):
    return PositionFactory(
        network=world.network,
        slug="forderungen",
        title="Forderungen zur Bodenpolitik",
        text="Wir fordern:\n\n1. Konzeptvergabe statt Höchstpreis.\n2. Erbbaurecht stärken.",
    )


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))


def _sign(client, organisation, confirm=True):
    data = {"organisation": organisation.pk}
    if confirm:
        data[f"sign-{organisation.pk}-confirm"] = "on"
    return client.post("/wissen/positionen/forderungen/unterzeichnen/", data)


# --- Pages -------------------------------------------------------------------------------


def test_list_shows_public_positions_with_their_number_of_signatures(client, world, position):
    PositionFactory(network=world.network, title="Geheimer Entwurf", is_published=False)
    PositionSignature.objects.create(position=position, organisation=world.organisation)

    html = client.get("/wissen/positionen/").content.decode()

    assert "Forderungen zur Bodenpolitik" in html
    assert "1 unterzeichnende Organisation" in html
    assert "Geheimer Entwurf" not in html


def test_list_needs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for _number in range(15):
        signed = PositionFactory(network=world.network)
        PositionSignature.objects.create(position=signed, organisation=world.organisation)
    client.force_login(world.coordinator)

    with django_assert_max_num_queries(10):
        response = client.get("/wissen/positionen/")

    assert response.status_code == 200


def test_detail_renders_the_text_and_links_the_signing_organisations(client, world, position):
    PositionSignature.objects.create(position=position, organisation=world.organisation)

    html = client.get("/wissen/positionen/forderungen/").content.decode()

    assert "<ol>" in html
    assert "<li>Konzeptvergabe statt Höchstpreis.</li>" in html
    assert '<a href="/organisationen/stadtluecken/">Stadtlücken Stuttgart</a>' in html


def test_markdown_of_a_position_is_sanitised(client, world):
    PositionFactory(
        network=world.network,
        slug="boese",
        text="<script>alert(1)</script> [x](javascript:alert(1))",
    )

    html = client.get("/wissen/positionen/boese/").content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_404_for_everyone_who_may_not_change_them(client, world, role):
    PositionFactory(network=world.network, slug="entwurf", is_published=False)
    _login(client, world, role)

    response = client.get("/wissen/positionen/entwurf/")

    assert response.status_code == (200 if role in ("coordinator", "admin") else 404)


# --- Signing -----------------------------------------------------------------------------

# fmt: off
# role → sees the signing form and may sign for world.organisation (member of world.network)
MAY_SIGN = {
    "anonymous": False, "outsider": False, "member": False, "editor": True,
    "coordinator": False, "other_coordinator": False, "admin": False,
}
# fmt: on


def test_signing_table_covers_every_role():
    assert list(MAY_SIGN) == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_only_an_editor_of_a_member_organisation_sees_the_signing_form(
    client, world, position, role
):
    _login(client, world, role)

    html = client.get("/wissen/positionen/forderungen/").content.decode()

    assert ("Für Stadtlücken Stuttgart unterzeichnen" in html) is MAY_SIGN[role]
    assert (
        "Ich bestätige als Redakteur*in, dass Stadtlücken Stuttgart diese Position unterzeichnet."
        in html
    ) is MAY_SIGN[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_sign_through_the_page(client, world, position, role):
    _login(client, world, role)

    response = _sign(client, world.organisation)

    signed = PositionSignature.objects.filter(position=position).exists()
    assert signed is MAY_SIGN[role]
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    elif MAY_SIGN[role]:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_signing_records_who_confirmed_it_and_when(client, world, position):
    client.force_login(world.editor)
    before = timezone.now()

    response = _sign(client, world.organisation)

    signature = PositionSignature.objects.get()
    assert response["Location"] == "/wissen/positionen/forderungen/#signatures"
    assert signature.organisation == world.organisation
    assert signature.confirmed_by == world.editor
    assert signature.signed_at >= before
    html = client.get("/wissen/positionen/forderungen/").content.decode()
    assert "Stadtlücken Stuttgart hat „Forderungen zur Bodenpolitik“ unterzeichnet." in html
    assert "Für Stadtlücken Stuttgart unterzeichnen" not in html
    assert "Unterschrift von Stadtlücken Stuttgart zurückziehen" in html


def test_the_confirmation_is_required(client, world, position):
    client.force_login(world.editor)

    response = _sign(client, world.organisation, confirm=False)

    html = response.content.decode()
    assert response.status_code == 200
    field = f"sign-{world.organisation.pk}-confirm"
    assert f'id="id_{field}_error"' in html
    assert f'href="#id_{field}"' in html.split('class="error-summary"', 1)[1]
    assert "Bitte bestätigen Sie, dass Ihre Organisation diese Position unterzeichnet." in html
    assert not PositionSignature.objects.exists()


def test_a_coordinator_who_also_edits_a_member_organisation_may_sign(world, position):
    OrganisationRoleFactory(
        user=world.coordinator, organisation=world.organisation, role=OrganisationRoleKind.EDITOR
    )

    signature = services_publish.position_sign(
        position=position, organisation=world.organisation, actor=world.coordinator
    )

    assert signature.confirmed_by == world.coordinator


def test_a_coordinator_of_the_network_may_not_sign_for_a_member(world, position):
    with pytest.raises(PermissionDenied):
        services_publish.position_sign(
            position=position, organisation=world.organisation, actor=world.coordinator
        )


def test_a_member_role_may_not_sign(world, position):
    with pytest.raises(PermissionDenied):
        services_publish.position_sign(
            position=position, organisation=world.organisation, actor=world.member
        )


def test_an_editor_of_a_non_member_organisation_may_not_sign(client, world, position):
    outside_editor = OrganisationRoleFactory(
        organisation=world.other_organisation, role=OrganisationRoleKind.EDITOR
    ).user

    with pytest.raises(PermissionDenied):
        services_publish.position_sign(
            position=position, organisation=world.other_organisation, actor=outside_editor
        )
    client.force_login(outside_editor)
    html = client.get("/wissen/positionen/forderungen/").content.decode()
    assert "unterzeichnen</h3>" not in html
    assert _sign(client, world.other_organisation).status_code == 403
    assert not PositionSignature.objects.exists()


def test_an_editor_may_not_sign_for_another_organisation(client, world, position):
    neighbour = OrganisationFactory(name="Nachbarverein")
    MembershipFactory(network=world.network, organisation=neighbour)

    with pytest.raises(PermissionDenied):
        services_publish.position_sign(
            position=position, organisation=neighbour, actor=world.editor
        )
    client.force_login(world.editor)
    assert _sign(client, neighbour).status_code == 403
    assert not PositionSignature.objects.exists()


def test_an_organisation_whose_membership_is_not_active_may_not_sign(world, position):
    membership = world.organisation.memberships.get(network=world.network)
    membership.status = next(s for s in MembershipStatus.values if s != MembershipStatus.ACTIVE)
    membership.save()

    with pytest.raises(PermissionDenied):
        services_publish.position_sign(
            position=position, organisation=world.organisation, actor=world.editor
        )


def test_an_editor_of_two_member_organisations_gets_one_form_each(client, world, position):
    second = OrganisationFactory(name="Zweiter Verein")
    MembershipFactory(network=world.network, organisation=second)
    OrganisationRoleFactory(
        user=world.editor, organisation=second, role=OrganisationRoleKind.EDITOR
    )
    client.force_login(world.editor)

    html = client.get("/wissen/positionen/forderungen/").content.decode()
    _sign(client, second)

    assert "Für Stadtlücken Stuttgart unterzeichnen" in html
    assert "Für Zweiter Verein unterzeichnen" in html
    assert list(PositionSignature.objects.values_list("organisation__name", flat=True)) == [
        "Zweiter Verein"
    ]


def test_a_second_signature_of_the_same_organisation_is_refused_with_a_message(
    client, world, position
):
    services_publish.position_sign(
        position=position, organisation=world.organisation, actor=world.editor
    )

    with pytest.raises(ValidationError) as info:
        services_publish.position_sign(
            position=position, organisation=world.organisation, actor=world.editor
        )
    # The same form sent again (from a second tab, say) meets the service's refusal.
    client.force_login(world.editor)
    response = _sign(client, world.organisation)

    assert info.value.messages == [
        "Stadtlücken Stuttgart hat diese Position bereits unterzeichnet."
    ]
    assert response.status_code == 302
    html = client.get("/wissen/positionen/forderungen/").content.decode()
    assert "Stadtlücken Stuttgart hat diese Position bereits unterzeichnet." in html
    assert PositionSignature.objects.count() == 1


def test_a_closed_position_cannot_be_signed(client, world, position):
    position.signing_open = False
    position.save()

    with pytest.raises(ValidationError):
        services_publish.position_sign(
            position=position, organisation=world.organisation, actor=world.editor
        )
    client.force_login(world.editor)
    html = client.get("/wissen/positionen/forderungen/").content.decode()
    assert "Für Stadtlücken Stuttgart unterzeichnen" not in html
    assert "Diese Position ist für Unterschriften geschlossen." in html


def test_a_draft_position_cannot_be_signed(client, world):
    draft = PositionFactory(network=world.network, slug="forderungen", is_published=False)

    with pytest.raises(ValidationError):
        services_publish.position_sign(
            position=draft, organisation=world.organisation, actor=world.editor
        )
    client.force_login(world.editor)
    assert _sign(client, world.organisation).status_code == 404
    assert not PositionSignature.objects.exists()


def test_a_scheduled_position_cannot_be_signed(world):
    scheduled = PositionFactory(
        network=world.network, published_at=timezone.now() + datetime.timedelta(days=2)
    )

    with pytest.raises(ValidationError):
        services_publish.position_sign(
            position=scheduled, organisation=world.organisation, actor=world.editor
        )


def test_an_editor_withdraws_the_signature(client, world, position):
    services_publish.position_sign(
        position=position, organisation=world.organisation, actor=world.editor
    )
    client.force_login(world.editor)

    response = client.post(
        "/wissen/positionen/forderungen/zurueckziehen/", {"organisation": world.organisation.pk}
    )

    assert response.status_code == 302
    assert not PositionSignature.objects.exists()
    html = client.get("/wissen/positionen/forderungen/").content.decode()
    assert "Die Unterschrift von Stadtlücken Stuttgart wurde zurückgezogen." in html


@pytest.mark.parametrize(
    "role", ["member", "coordinator", "other_coordinator", "outsider", "admin"]
)
def test_only_an_editor_of_the_organisation_may_withdraw(client, world, position, role):
    PositionSignature.objects.create(position=position, organisation=world.organisation)
    client.force_login(user_for(world, role))

    response = client.post(
        "/wissen/positionen/forderungen/zurueckziehen/", {"organisation": world.organisation.pk}
    )

    assert response.status_code == 403
    assert PositionSignature.objects.count() == 1


def test_withdrawing_a_signature_that_does_not_exist_gives_a_message(client, world, position):
    client.force_login(world.editor)

    response = client.post(
        "/wissen/positionen/forderungen/zurueckziehen/",
        {"organisation": world.organisation.pk},
        follow=True,
    )

    assert (
        "Stadtlücken Stuttgart hat diese Position nicht unterzeichnet." in response.content.decode()
    )


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_a_bad_organisation_in_the_post_is_404_not_500(client, world, position, value):
    client.force_login(world.editor)

    response = client.post("/wissen/positionen/forderungen/unterzeichnen/", {"organisation": value})

    assert response.status_code == 404


# --- Editor ------------------------------------------------------------------------------

# fmt: off
EDIT_STATUS = {
    "anonymous":         (302, 302),
    "outsider":          (403, 403),
    "member":            (403, 403),
    "editor":            (403, 403),
    "coordinator":       (200, 200),
    "other_coordinator": (200, 403),
    "admin":             (200, 200),
}
# fmt: on


def test_edit_table_covers_every_role():
    assert list(EDIT_STATUS) == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_editor(client, world, position, role):
    _login(client, world, role)

    create = client.get("/wissen/positionen/neu/")
    edit = client.get("/wissen/positionen/forderungen/bearbeiten/")

    assert (create.status_code, edit.status_code) == EDIT_STATUS[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_close_signing(client, world, position, role):
    _login(client, world, role)

    response = client.post("/wissen/positionen/forderungen/zeichnung/", {"open": "0"})

    position.refresh_from_db()
    may = EDIT_STATUS[role][1] == 200
    assert position.signing_open is not may
    assert response.status_code == (302 if may or role == "anonymous" else 403)


def test_coordinator_creates_and_edits_a_position(client, world):
    client.force_login(world.coordinator)
    data = {
        "network": world.network.pk,
        "title": "Erklärung zum Leerstand",
        "kind": "declaration",
        "dated": "2025-06-01",
        "text": "Leerstand ist eine Chance.",
        "signing_open": "on",
        "is_published": "on",
        "published_at": "2025-06-01T09:00",
    }

    created = client.post("/wissen/positionen/neu/", data)
    position = Position.objects.get()
    edited = client.post(
        f"/wissen/positionen/{position.slug}/bearbeiten/",
        {**data, "title": "Erklärung zum Leerstand 2025", "signing_open": ""},
    )

    position.refresh_from_db()
    assert created["Location"] == "/wissen/positionen/erklaerung-zum-leerstand/"
    assert edited.status_code == 302
    assert position.title == "Erklärung zum Leerstand 2025"
    assert position.slug == "erklaerung-zum-leerstand"
    assert position.signing_open is False
    assert position.network == world.network


def test_position_form_shows_errors_at_the_fields(client, world):
    client.force_login(world.coordinator)

    response = client.post("/wissen/positionen/neu/", {"network": world.network.pk})

    html = response.content.decode()
    assert response.status_code == 200
    for field in ("title", "kind", "dated", "text"):
        assert f'id="id_{field}_error"' in html
    assert not Position.objects.exists()


def test_a_coordinator_needs_no_extra_rights_from_other_networks(world):
    CoordinatorFactory(network=world.other_network, user=world.coordinator)
    with pytest.raises(PermissionDenied):
        services_publish.position_create(
            network=world.network, actor=world.other_coordinator, data={"title": "x"}
        )
