"""The demo properties and space needs that ``loaddemo`` adds, and the matching they show."""

import pytest
from django.core.management import call_command

from allmende.accounts.models import User
from allmende.matching import demo
from allmende.matching.models import Recommendation
from allmende.needs.models import SpaceNeed, Visibility
from allmende.properties.models import Property, PropertyStatus, PropertyStatusChange

KOMMUNE = "kommune@demo.allmende.example"
INITIATIVE = "initiative@demo.allmende.example"


@pytest.fixture
def demo_loaded(db, monkeypatch, capsys):
    monkeypatch.delenv("ALLMENDE_FACTS", raising=False)
    call_command("loaddemo")
    return capsys.readouterr().out


def _edited_organisation(email: str):
    return User.objects.get(email=email).organisation_roles.get().organisation


def _counts() -> dict[str, int]:
    return {
        "properties": Property.objects.count(),
        "needs": SpaceNeed.objects.count(),
        "status changes": PropertyStatusChange.objects.count(),
        "recommendations": Recommendation.objects.count(),
    }


def test_loaddemo_twice_creates_the_demo_properties_and_needs_once(demo_loaded):
    first = _counts()

    call_command("loaddemo")

    assert _counts() == first
    assert first["properties"] == len(demo.PROPERTIES)
    assert first["needs"] == len(demo.NEEDS)


def test_loaddemo_prints_the_matching_counts(demo_loaded):
    properties, needs = len(demo.PROPERTIES), len(demo.NEEDS)

    assert f"{properties} properties, {needs} space needs" in demo_loaded


def test_initiative_login_need_is_recommended_a_property_of_the_kommune_login(demo_loaded):
    initiative = _edited_organisation(INITIATIVE)
    kommune = _edited_organisation(KOMMUNE)

    recommended = Recommendation.objects.filter(
        need__organisation=initiative,
        property__owner_organisation=kommune,
        rank_for_need__isnull=False,
    )

    assert recommended.exists()


def test_demo_logins_can_edit_their_own_demo_items(demo_loaded):
    kommune_user = User.objects.get(email=KOMMUNE)
    initiative_user = User.objects.get(email=INITIATIVE)
    own_properties = Property.objects.filter(owner_organisation=_edited_organisation(KOMMUNE))
    own_needs = SpaceNeed.objects.filter(organisation=_edited_organisation(INITIATIVE))

    assert own_properties.count() >= 2
    assert own_needs.count() >= 2
    assert all(kommune_user.has_perm("properties.change_property", p) for p in own_properties)
    assert all(initiative_user.has_perm("needs.change_space_need", n) for n in own_needs)


def test_most_demo_needs_get_recommendations(demo_loaded):
    with_recommendations = SpaceNeed.objects.filter(
        recommendations__rank_for_need__isnull=False
    ).distinct()

    assert with_recommendations.count() >= len(demo.NEEDS) - 1


def test_sensitive_demo_property_shows_a_shifted_position(demo_loaded):
    sensitive = Property.objects.get(is_sensitive=True)

    assert (sensitive.public_lat, sensitive.public_lon) != (sensitive.lat, sensitive.lon)
    assert sensitive.public_position() == (sensitive.public_lat, sensitive.public_lon)


def test_demo_properties_are_published_with_a_status_timeline(demo_loaded):
    properties = list(Property.objects.prefetch_related("status_changes"))

    assert all(p.is_published for p in properties)
    assert all(p.status_changes.all() for p in properties)
    assert {p.pipeline_stage for p in properties} == {1, 2, 3, 4, 5, 6}
    statuses = [p.status for p in properties]
    assert statuses.count(PropertyStatus.INTERIM_USE) >= 2
    assert statuses.count(PropertyStatus.VACANT) > len(statuses) / 2


def test_demo_needs_search_by_centre_municipalities_and_states(demo_loaded):
    needs = list(SpaceNeed.objects.all())

    assert any(n.centre_lat is not None for n in needs)
    assert any(n.municipalities for n in needs)
    assert any(n.states for n in needs)
    network_only = [n for n in needs if n.visibility == Visibility.NETWORK]
    assert network_only
    assert all(n.network is not None for n in network_only)
