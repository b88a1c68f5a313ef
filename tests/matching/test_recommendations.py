"""Stored recommendations: computed from the database, kept current on change, per-network
weights, state lists, top-k limits."""

import pytest
from django.db import connection

from allmende.matching import selectors, services
from allmende.matching.engine import COMPONENT_NAMES, Weights
from allmende.matching.models import Recommendation
from allmende.matching.snapshot import NeedSnapshot, common_good_strength, need_search_area
from allmende.needs.models import SpaceNeed
from allmende.properties.models import Property, PropertyStatus
from allmende.properties.services import property_status_change
from tests.matching.conftest import make_property
from tests.needs.factories import SpaceNeedFactory


def _pairs(**filters):
    return list(
        Recommendation.objects.filter(**filters)
        .order_by("need_id", "rank_for_need", "property_id")
        .values_list("property__title", "need__title", "rank_for_need", "rank_for_property")
    )


def test_rebuild_stores_feasible_pairs_with_components_and_german_reasons(matching):
    recommendation = Recommendation.objects.get()

    assert (recommendation.property, recommendation.need) == (matching.school, matching.need)
    assert recommendation.rank_for_need == 1
    assert recommendation.rank_for_property == 1
    assert 0 < recommendation.score <= 1
    assert set(recommendation.components) == set(COMPONENT_NAMES)
    assert all(0 <= value <= 1 for value in recommendation.components.values())
    assert set(recommendation.reasons) == set(COMPONENT_NAMES)
    assert "km" in recommendation.reasons["distance"]
    assert "Suchradius 30 km" in recommendation.reasons["distance"]
    assert recommendation.distance_km < 2


def test_far_property_outside_the_radius_is_never_recommended(matching):
    assert not Recommendation.objects.filter(property=matching.far).exists()


def test_only_top_ten_per_need_are_ranked(matching, world):
    for number in range(12):
        make_property(
            title=f"Halle {number:02d}",
            lat=53.0 + number * 0.002,
            owner_organisation=world.other_organisation,
        )
    services.recommendations_rebuild()

    ranks = list(
        Recommendation.objects.filter(need=matching.need, rank_for_need__isnull=False)
        .order_by("rank_for_need")
        .values_list("rank_for_need", flat=True)
    )
    assert ranks == list(range(1, 11))
    scores = list(
        Recommendation.objects.filter(need=matching.need, rank_for_need__isnull=False)
        .order_by("rank_for_need")
        .values_list("score", flat=True)
    )
    assert scores == sorted(scores, reverse=True)


def test_refresh_after_a_new_property_matches_a_full_rebuild(matching, world):
    make_property(title="Bahnhof Angermünde", usable_area=300, owner_organisation=None)
    Recommendation.objects.all().delete()
    services.recommendations_rebuild()
    rebuilt = _pairs()
    scores = dict(Recommendation.objects.values_list("property__title", "score"))

    Recommendation.objects.all().delete()
    services.recommendations_rebuild()
    newest = make_property(title="Kornspeicher", usable_area=220, owner_organisation=None)
    services.recommendations_refresh(property_ids=[newest.pk])
    services.recommendations_refresh(property_ids=[newest.pk])  # idempotent

    assert "Kornspeicher" in {row[0] for row in _pairs()}
    services.recommendations_rebuild()
    assert {row[0] for row in _pairs()} >= {row[0] for row in rebuilt}
    assert scores["Bahnhof Angermünde"] == pytest.approx(
        Recommendation.objects.get(property__title="Bahnhof Angermünde").score
    )


def test_incremental_refresh_equals_rebuild(matching, world):
    extra_need = SpaceNeedFactory(organisation=world.organisation, title="Zweites Gesuch")
    services.recommendations_refresh(need_ids=[extra_need.pk])
    incremental = _pairs()

    services.recommendations_rebuild()

    assert incremental == _pairs()


def test_property_leaving_the_market_drops_out_of_every_list(matching, world):
    property_status_change(
        property=matching.school,
        status=PropertyStatus.RENTED_SOLD,
        actor=world.admin,
        note="vermietet",
    )
    services.recommendations_refresh(property_ids=[matching.school.pk])

    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    "status",
    [PropertyStatus.RENTED_SOLD, PropertyStatus.ALLOCATED, PropertyStatus.DEMOLISHED],
)
def test_status_change_drops_the_property_from_every_list_after_commit(
    matching, world, status, django_capture_on_commit_callbacks
):
    second = make_property(title="Altes Kino", owner_organisation=world.other_organisation)
    services.recommendations_rebuild()
    assert Recommendation.objects.filter(property=matching.school).exists()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        property_status_change(property=matching.school, status=status, actor=world.admin)

    assert callbacks  # the refresh was queued by the status change itself, not by hand
    assert not Recommendation.objects.filter(property=matching.school).exists()
    need_list = selectors.need_recommendations(need=matching.need, user=world.admin)
    assert [r.property for r in need_list] == [second]
    assert Recommendation.objects.get(property=second).rank_for_need == 1
    assert not selectors.property_recommendations(property=matching.school, user=world.admin)


def test_stored_rows_of_a_property_off_the_market_are_not_shown(matching, world):
    # Rows written before the status changed (the refresh has not run yet) stay hidden.
    Property.objects.filter(pk=matching.school.pk).update(status=PropertyStatus.DEMOLISHED)
    matching.school.refresh_from_db()
    assert Recommendation.objects.filter(property=matching.school).exists()

    assert not selectors.need_recommendations(need=matching.need, user=world.admin)
    assert not selectors.property_recommendations(property=matching.school, user=world.admin)


def test_inactive_need_loses_its_recommendations(matching):
    SpaceNeed.objects.filter(pk=matching.need.pk).update(is_active=False)
    services.recommendations_refresh(need_ids=[matching.need.pk])

    assert not Recommendation.objects.exists()


def test_saving_through_the_services_recomputes_in_the_background(
    matching, world, django_capture_on_commit_callbacks
):
    Recommendation.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        make_property(title="Neues Gemeindehaus", owner_organisation=world.other_organisation)

    assert "Neues Gemeindehaus" in {row[0] for row in _pairs()}
    assert Recommendation.objects.filter(property=matching.school).exists()


def test_deleting_a_property_re_ranks_the_needs_that_listed_it(
    matching, world, django_capture_on_commit_callbacks
):
    second = make_property(title="Altes Kino", owner_organisation=world.other_organisation)
    services.recommendations_rebuild()
    assert Recommendation.objects.get(property=second).rank_for_need in (1, 2)

    with django_capture_on_commit_callbacks(execute=True):
        matching.school.delete()

    assert Recommendation.objects.get(property=second).rank_for_need == 1


def test_network_weights_change_the_score(matching, world):
    before = Recommendation.objects.get().score
    world.network.matching_weights = {
        "distance": 0,
        "area": 0,
        "use": 0,
        "cost": 0,
        "condition": 0,
        "common_good": 1,
    }
    world.network.save()

    services.recommendations_refresh(need_ids=[matching.need.pk])

    after = Recommendation.objects.get()
    assert after.score == pytest.approx(after.components["common_good"])
    assert after.score != pytest.approx(before)


def test_invalid_network_weights_fall_back_to_the_defaults(matching, world):
    world.network.matching_weights = {"distance": -1}
    world.network.save()

    services.recommendations_refresh(need_ids=[matching.need.pk])

    recommendation = Recommendation.objects.get()
    expected = sum(
        getattr(Weights().normalised(), name) * recommendation.components[name]
        for name in COMPONENT_NAMES
    )
    assert recommendation.score == pytest.approx(expected)


def test_need_given_as_states_only_gets_properties_in_those_states(matching, world):
    need = SpaceNeedFactory(
        organisation=world.organisation,
        title="Irgendwo in Sachsen",
        centre_name="",
        centre_lat=None,
        centre_lon=None,
        states=["Sachsen"],
        radius_km=30,
    )
    services.recommendations_refresh(need_ids=[need.pk])

    titles = {row[0] for row in _pairs(need=need)}
    assert titles == {"Speicher Leipzig"}


def test_need_given_as_municipalities_searches_around_them(world):
    need = SpaceNeedFactory(
        organisation=world.organisation,
        centre_name="",
        centre_lat=None,
        centre_lon=None,
        municipalities=["Angermünde", "Eberswalde"],
        radius_km=10,
    )
    lat, lon, radius = need_search_area(need)

    # Between the two towns (about 30 km apart), reaching both plus the radius.
    assert 52.8 < lat < 53.0
    assert 13.8 < lon < 14.0
    assert 20 < radius < 30


def test_need_naming_no_known_place_is_left_out(world):
    SpaceNeedFactory(
        organisation=world.organisation,
        centre_name="",
        centre_lat=None,
        centre_lon=None,
        municipalities=["Nirgendwo am See"],
    )

    assert len(NeedSnapshot.of(SpaceNeed.objects.all()).table) == 0


@pytest.mark.parametrize(
    ("offer", "low", "high"),
    [("", 0, 0), ("Offene Werkstatt", 0.4, 0.5), (" ".join(["Wort"] * 80), 1, 1)],
)
def test_common_good_strength_grows_with_the_described_offer(offer, low, high):
    assert low <= common_good_strength(offer) <= high


def test_sensitive_property_is_matched_by_its_public_position(matching, world):
    matching.school.is_sensitive = True
    matching.school.privacy_radius_m = 2000
    matching.school.save()
    services.recommendations_refresh(property_ids=[matching.school.pk])

    recommendation = Recommendation.objects.get(property=matching.school)
    from allmende.core.geo import distance_m

    public = distance_m(
        matching.need.centre_lat,
        matching.need.centre_lon,
        matching.school.public_lat,
        matching.school.public_lon,
    )
    assert recommendation.distance_km == pytest.approx(public / 1000, abs=0.05)


def test_refresh_query_count_does_not_grow_with_the_number_of_properties(
    matching, world, django_assert_max_num_queries
):
    for number in range(30):
        make_property(title=f"Laden {number}", owner_organisation=world.other_organisation)
    with django_assert_max_num_queries(40):
        services.recommendations_refresh(need_ids=[matching.need.pk])
    assert connection.vendor in ("sqlite", "postgresql")


def test_saves_in_one_transaction_queue_one_task(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from types import SimpleNamespace

    from django.db import transaction

    queued = []
    monkeypatch.setattr(
        "allmende.matching.tasks.refresh_recommendations",
        SimpleNamespace(enqueue=lambda **kw: queued.append(kw)),
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = make_property(title="Eins", owner_organisation=world.other_organisation)
        second = make_property(title="Zwei", owner_organisation=world.other_organisation)
        need = SpaceNeedFactory(organisation=world.organisation)

    assert queued == [{"need_ids": [need.pk], "property_ids": [first.pk, second.pk]}]


def test_deferred_saves_queue_nothing(world, django_capture_on_commit_callbacks):
    from allmende.matching.signals import recommendations_deferred

    with django_capture_on_commit_callbacks() as callbacks, recommendations_deferred():
        make_property(title="Eins", owner_organisation=world.other_organisation)

    assert [c for c in callbacks if c.__module__ == "allmende.matching.signals"] == []


@pytest.mark.parametrize("change", ["need", "property"])
def test_refresh_of_full_lists_equals_a_rebuild(world, monkeypatch, change):
    """Lists are full (top 3 here), so a change must find exactly the lists it enters or
    leaves; the stored rows then equal a full rebuild's."""
    import random

    monkeypatch.setattr(services, "TOP_K", 3)
    rng = random.Random(5)
    props = [
        make_property(
            title=f"Haus {i}",
            lat=53.0 + rng.uniform(-0.05, 0.05),
            lon=14.0 + rng.uniform(-0.05, 0.05),
            usable_area=rng.randint(150, 350),
            asking_rent=rng.choice([3, 5, 7, 9]),
            condition=rng.randint(0, 3),
            owner_organisation=world.other_organisation,
        )
        for i in range(8)
    ]
    needs = [
        SpaceNeedFactory(
            organisation=world.organisation,
            title=f"Gesuch {i}",
            area_min=rng.randint(100, 200),
            area_max=400,
            max_rent=rng.choice([4, 6, 8]),
            renovation_willingness=rng.randint(0, 3),
        )
        for i in range(7)
    ]
    services.recommendations_rebuild()
    for step in range(6):
        if change == "need":
            need = needs[step % len(needs)]
            SpaceNeed.objects.filter(pk=need.pk).update(
                area_min=rng.randint(100, 300), max_rent=rng.choice([4, 6, 8, 10])
            )
            services.recommendations_refresh(need_ids=[need.pk])
        else:
            prop = props[step % len(props)]
            type(prop).objects.filter(pk=prop.pk).update(
                usable_area=rng.randint(120, 380), asking_rent=rng.choice([3, 5, 7, 9, 11])
            )
            services.recommendations_refresh(property_ids=[prop.pk])
        incremental = _pairs()
        services.recommendations_rebuild()
        assert incremental == _pairs(), f"step {step}"
