"""Writes on space needs: permissions, validation and the look-up of the search centre."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allmende.needs.models import SpaceNeed, Visibility
from allmende.needs.services import space_need_create, space_need_update
from tests.needs.factories import SpaceNeedFactory

pytestmark = pytest.mark.django_db


def _data(**changes):
    data = {
        "title": "Treffpunkt im Ortskern",
        "uses": ["meeting_place"],
        "area_min": 100,
        "area_max": 300,
        "centre_name": "Angermünde",
        "radius_km": 20,
        "transfer_models": ["rent"],
    }
    data.update(changes)
    return data


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_create_fills_the_centre_coordinates_from_the_town_name(world):
    need = space_need_create(organisation=world.organisation, actor=world.editor, data=_data())
    need.refresh_from_db()
    assert need.centre_lat == pytest.approx(53.015, abs=0.05)
    assert need.centre_lon == pytest.approx(13.99, abs=0.05)
    assert need.created_by == world.editor
    assert need.organisation == world.organisation


def test_unknown_town_is_an_error_on_the_centre(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation,
            actor=world.editor,
            data=_data(centre_name="Nirgendwohausen an der Wolke"),
        )
    assert "centre_name" in _errors(exc_info)
    assert not SpaceNeed.objects.exists()


def test_inverted_area_range_is_an_error_on_the_largest_area(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation,
            actor=world.editor,
            data=_data(area_min=500, area_max=100),
        )
    assert set(_errors(exc_info)) == {"area_max"}


def test_at_least_one_use_and_one_transfer_model_are_required(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation,
            actor=world.editor,
            data=_data(uses=[], transfer_models=[]),
        )
    assert set(_errors(exc_info)) == {"uses", "transfer_models"}


def test_unknown_use_values_are_rejected(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation, actor=world.editor, data=_data(uses=["castle"])
        )
    assert "uses" in _errors(exc_info)


def test_search_area_needs_a_centre_or_municipalities_or_states(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation, actor=world.editor, data=_data(centre_name="")
        )
    assert "centre_name" in _errors(exc_info)


def test_states_alone_are_a_valid_search_area(world):
    need = space_need_create(
        organisation=world.organisation,
        actor=world.editor,
        data=_data(centre_name="", states=["Brandenburg"], municipalities=[" Eberswalde ", ""]),
    )
    assert need.centre_lat is None
    assert need.states == ["Brandenburg"]
    assert need.municipalities == ["Eberswalde"]


def test_network_visibility_needs_a_network(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation,
            actor=world.editor,
            data=_data(visibility=Visibility.NETWORK, network=None),
        )
    assert "network" in _errors(exc_info)


def test_from_date_time_model_needs_a_date(world):
    with pytest.raises(ValidationError) as exc_info:
        space_need_create(
            organisation=world.organisation, actor=world.editor, data=_data(time_model="from_date")
        )
    assert "available_from" in _errors(exc_info)


@pytest.mark.parametrize("role", ["member", "coordinator", "other_coordinator", "outsider"])
def test_only_editors_and_admins_may_create(world, role):
    with pytest.raises(PermissionDenied):
        space_need_create(organisation=world.organisation, actor=getattr(world, role), data=_data())
    assert not SpaceNeed.objects.exists()


def test_admin_may_create_for_any_organisation(world):
    need = space_need_create(organisation=world.other_organisation, actor=world.admin, data=_data())
    assert need.organisation == world.other_organisation


def test_update_by_the_network_coordinator_looks_up_a_new_town(world):
    need = SpaceNeedFactory(organisation=world.organisation, network=world.network)
    space_need_update(need=need, actor=world.coordinator, data={"centre_name": "Eberswalde"})
    need.refresh_from_db()
    assert need.centre_name == "Eberswalde"
    assert need.centre_lat == pytest.approx(52.83, abs=0.05)


def test_update_keeps_coordinates_when_the_town_is_unchanged(world):
    need = SpaceNeedFactory(organisation=world.organisation, centre_lat=53.0, centre_lon=14.0)
    space_need_update(need=need, actor=world.editor, data={"title": "Neuer Titel"})
    need.refresh_from_db()
    assert (need.title, need.centre_lat, need.centre_lon) == ("Neuer Titel", 53.0, 14.0)


@pytest.mark.parametrize("role", ["member", "other_coordinator", "outsider"])
def test_others_may_not_update(world, role):
    need = SpaceNeedFactory(organisation=world.organisation, network=world.network)
    with pytest.raises(PermissionDenied):
        space_need_update(need=need, actor=getattr(world, role), data={"title": "Gekapert"})
    need.refresh_from_db()
    assert need.title != "Gekapert"


def test_failed_update_changes_nothing(world):
    need = SpaceNeedFactory(organisation=world.organisation, title="Alt")
    with pytest.raises(ValidationError):
        space_need_update(
            need=need, actor=world.editor, data={"title": "Neu", "area_min": 900, "area_max": 1}
        )
    need.refresh_from_db()
    assert need.title == "Alt"
