"""Which properties each role sees, the list filters and the moderation queue."""

import pytest

from allmende.properties import selectors
from allmende.properties.models import Property
from allmende.properties.selectors import PropertyFilters
from tests.conftest import ROLES, user_for
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db

# fmt: off
VISIBLE = [
    # role                own draft  other org's draft
    ("anonymous",         False,     False),
    ("outsider",          False,     False),
    ("member",            True,      False),
    ("editor",            True,      False),
    ("coordinator",       True,      False),
    ("other_coordinator", False,     True),
    ("admin",             True,      True),
]
# fmt: on


def test_table_covers_every_role():
    assert [row[0] for row in VISIBLE] == ROLES


@pytest.mark.parametrize(("role", "own_draft", "other_draft"), VISIBLE)
def test_list_shows_published_to_all_drafts_to_their_people_and_reports_to_nobody(
    world, props, role, own_draft, other_draft
):
    user = user_for(world, role)

    titles = set(
        selectors.property_list(filters=PropertyFilters(), user=user).values_list(
            "title", flat=True
        )
    )

    assert {"Offenes Kaufhaus", "Verschwiegene Villa"} <= titles
    assert ("Entwurf Bahnhof" in titles) is own_draft
    assert ("Fremder Speicher" in titles) is other_draft
    assert "Gemeldete Scheune" not in titles
    assert "Abgelehnte Halle" not in titles


@pytest.mark.parametrize("role", ROLES)
def test_get_refuses_pending_and_rejected_reports_to_every_role(world, props, role):
    user = user_for(world, role)
    for key in ("pending", "rejected"):
        with pytest.raises(Property.DoesNotExist):
            selectors.property_get(pk=props[key].pk, user=user)
    assert selectors.property_get(pk=props["published"].pk, user=user).title == "Offenes Kaufhaus"


def test_get_refuses_a_draft_to_an_outsider_but_not_to_the_owners_member(world, props):
    with pytest.raises(Property.DoesNotExist):
        selectors.property_get(pk=props["draft"].pk, user=world.outsider)
    assert selectors.property_get(pk=props["draft"].pk, user=world.member) == props["draft"]


def test_draft_of_a_former_member_is_hidden_from_the_coordinator(world, props):
    world.organisation.memberships.update(status="ended")
    titles = set(
        selectors.property_list(filters=PropertyFilters(), user=world.coordinator).values_list(
            "title", flat=True
        )
    )
    assert "Entwurf Bahnhof" not in titles


def _titles(filters, user=None):
    from django.contrib.auth.models import AnonymousUser

    return set(
        selectors.property_list(filters=filters, user=user or AnonymousUser()).values_list(
            "title", flat=True
        )
    )


def test_filters_narrow_the_list(world):
    make_property(
        title="Kleiner Laden",
        kind="vacant",
        city="Angermünde",
        state="Brandenburg",
        usable_area=80,
        transfer_rent=True,
        suitable_uses=["coworking", "meeting_place"],
    )
    make_property(
        title="Große Brache",
        kind="brownfield",
        city="Leipzig-Plagwitz",
        state="Sachsen",
        usable_area=2000,
        transfer_sale=True,
        suitable_uses=["multigenerational_housing"],
    )
    make_property(
        title="Wohnhaus",
        kind="existing",
        city="Leipzig",
        state="Sachsen",
        usable_area=400,
        transfer_leasehold=True,
        suitable_uses=["housing"],
    )

    assert _titles(PropertyFilters(kind="brownfield")) == {"Große Brache"}
    assert _titles(PropertyFilters(state="Brandenburg")) == {"Kleiner Laden"}
    assert _titles(PropertyFilters(town="leipzig")) == {"Große Brache", "Wohnhaus"}
    assert _titles(PropertyFilters(area_min=100, area_max=500)) == {"Wohnhaus"}
    assert _titles(PropertyFilters(area_min=300)) == {"Große Brache", "Wohnhaus"}
    assert _titles(PropertyFilters(transfer="rent")) == {"Kleiner Laden"}
    assert _titles(PropertyFilters(transfer="leasehold")) == {"Wohnhaus"}
    assert _titles(PropertyFilters(use="coworking")) == {"Kleiner Laden"}
    # "housing" must not match "multigenerational_housing".
    assert _titles(PropertyFilters(use="housing")) == {"Wohnhaus"}
    assert _titles(PropertyFilters(status="vacant", town="Angermünde")) == {"Kleiner Laden"}
    assert _titles(PropertyFilters(status="allocated")) == set()


def test_report_queue_holds_pending_reports_of_the_coordinators_states(world, props):
    world.other_organisation.state = "Brandenburg"
    world.other_organisation.save()
    brandenburg = make_property(
        title="Gemeldeter Bahnhof",
        city="Angermünde",
        state="Brandenburg",
        is_published=False,
        moderation="pending",
    )

    def queue(user):
        return set(selectors.report_list(user=user))

    assert queue(world.coordinator) == {props["pending"]}  # the world's organisation: Sachsen
    assert queue(world.other_coordinator) == {brandenburg}
    assert queue(world.admin) == {props["pending"], brandenburg}
    assert queue(world.outsider) == set()
    assert queue(world.editor) == set()


def test_organisations_for_a_new_property_per_role(world):
    def names(user):
        return set(
            selectors.organisations_for_new_property(user=user).values_list("name", flat=True)
        )

    assert names(world.editor) == {world.organisation.name}
    assert names(world.member) == set()
    assert names(world.outsider) == set()
    assert world.organisation.name in names(world.coordinator)
    assert world.other_organisation.name not in names(world.coordinator)
    assert {world.organisation.name, world.other_organisation.name} <= names(world.admin)
