"""The services behind the property pages: registration, editing and report moderation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allmende.properties import services
from allmende.properties.models import Moderation
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db

DATA = {
    "title": "Alte Mühle",
    "kind": "existing",
    "city": "Angermünde",
    "state": "Brandenburg",
    "owner_kind": "municipal",
}


def test_property_create_places_the_property_in_its_town_and_ignores_unknown_keys(world):
    prop = services.property_create(
        organisation=world.organisation,
        actor=world.editor,
        data={**DATA, "status": "demolished", "moderation": "pending"},
    )

    assert prop.owner_organisation == world.organisation
    assert prop.status == "vacant"
    assert prop.moderation == Moderation.APPROVED
    assert prop.lat == pytest.approx(53.015, abs=0.01)


@pytest.mark.parametrize("role", ["member", "outsider", "other_coordinator"])
def test_property_create_is_refused_without_permission(world, role):
    with pytest.raises(PermissionDenied):
        services.property_create(
            organisation=world.organisation, actor=getattr(world, role), data=DATA
        )


def test_property_update_moves_the_property_to_a_new_town_without_new_coordinates(world):
    prop = make_property(owner_organisation=world.organisation)

    services.property_update(
        property=prop, actor=world.coordinator, data={"city": "Angermünde", "state": "Brandenburg"}
    )

    assert prop.lat == pytest.approx(53.015, abs=0.01)


def test_property_update_is_refused_to_a_member(world):
    prop = make_property(owner_organisation=world.organisation)
    with pytest.raises(PermissionDenied):
        services.property_update(property=prop, actor=world.member, data={"title": "Neu"})


def test_report_submit_stores_a_hidden_pending_private_report():
    report = services.report_submit(
        data={"title": "Leerer Laden", "city": "Leipzig", "state": "Sachsen", "kind": "brownfield"}
    )

    assert report.moderation == Moderation.PENDING
    assert report.is_published is False
    assert report.kind == "vacant"
    assert report.owner_kind == "private"


def test_report_approve_publishes_and_a_second_decision_is_refused(world):
    report = make_property(is_published=False, moderation=Moderation.PENDING)

    services.report_approve(property=report, actor=world.coordinator)

    report.refresh_from_db()
    assert (report.moderation, report.is_published) == (Moderation.APPROVED, True)
    with pytest.raises(ValidationError):
        services.report_reject(property=report, actor=world.admin)


def test_report_reject_is_refused_to_an_editor(world):
    report = make_property(is_published=False, moderation=Moderation.PENDING)
    with pytest.raises(PermissionDenied):
        services.report_reject(property=report, actor=world.editor)
    report.refresh_from_db()
    assert report.moderation == Moderation.PENDING
