"""The list selector applies the view rule in the query and the filters."""

import pytest

from allmende.needs.selectors import SpaceNeedFilters, space_need_get, space_need_list
from tests.conftest import ROLES, user_for
from tests.needs.factories import SpaceNeedFactory
from tests.needs.test_rules import NEED_STATES, VIEW

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_exactly_the_needs_the_rule_allows(world, needs, role):
    user = user_for(world, role)
    expected = {
        getattr(needs, state).pk for index, state in enumerate(NEED_STATES) if VIEW[role][index]
    }
    listed = [n.pk for n in space_need_list(filters=SpaceNeedFilters(), user=user)]
    assert sorted(listed) == sorted(expected)  # no duplicates from joins either


def test_get_hides_invisible_needs(world, needs):
    from django.http import Http404

    assert space_need_get(pk=needs.public.pk, user=world.outsider) == needs.public
    with pytest.raises(Http404):
        space_need_get(pk=needs.network.pk, user=world.outsider)


def test_filters_by_use_without_matching_longer_names(world):
    housing = SpaceNeedFactory(uses=["housing"])
    SpaceNeedFactory(uses=["multigenerational_housing"])
    found = space_need_list(filters=SpaceNeedFilters(use="housing"), user=world.outsider)
    assert list(found) == [housing]


def test_filters_by_area_within_range(world):
    small = SpaceNeedFactory(area_min=50, area_max=150)
    SpaceNeedFactory(area_min=200, area_max=900)
    found = space_need_list(filters=SpaceNeedFilters(area=100), user=world.outsider)
    assert list(found) == [small]


def test_filters_by_state_of_the_list_or_of_the_initiative(world):
    listed = SpaceNeedFactory(states=["Baden-Württemberg"], centre_name="")
    from tests.factories import OrganisationFactory

    by_seat = SpaceNeedFactory(organisation=OrganisationFactory(state="Baden-Württemberg"))
    SpaceNeedFactory(states=["Bayern"])
    found = space_need_list(
        filters=SpaceNeedFilters(state="Baden-Württemberg"), user=world.outsider
    )
    assert {n.pk for n in found} == {listed.pk, by_seat.pk}


def test_filters_by_text_in_title_and_initiative(world):
    wanted = SpaceNeedFactory(title="Werkstatt am Fluss")
    SpaceNeedFactory(title="Büro")
    found = space_need_list(filters=SpaceNeedFilters(q="werkstatt"), user=world.outsider)
    assert list(found) == [wanted]
