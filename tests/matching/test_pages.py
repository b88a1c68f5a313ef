"""Pages "Passende Objekte" / "Passende Gruppen", interest with contact sharing, the
coordinators' assignment page and the API, per role."""

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allmende.matching import services
from allmende.matching.models import Interest, InterestState, Recommendation
from allmende.needs.models import SpaceNeed, Visibility
from tests.conftest import ROLES, user_for
from tests.needs.factories import SpaceNeedFactory


def _client(client, world, role):
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)
    return client


def _owner(client, matching):
    client.force_login(matching.owner_editor)
    return client


# Who sees which recommendation -----------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_need_page_lists_the_recommendation_with_components_and_reasons(
    client, world, matching, role
):
    response = _client(client, world, role).get(
        reverse("matching:need_matches", args=[matching.need.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Passende Objekte" in html
    assert "Alte Schule Angermünde" in html
    assert "Suchradius 30 km" in html
    assert "Entfernung" in html
    assert "Gemeinwohl" in html
    can_act = role in ("editor", "coordinator", "admin")
    assert ("Interesse bekunden" in html) is can_act


@pytest.mark.parametrize("role", ROLES)
def test_network_only_need_and_its_page_stay_hidden_from_outsiders(client, world, matching, role):
    SpaceNeed.objects.filter(pk=matching.need.pk).update(visibility=Visibility.NETWORK)

    response = _client(client, world, role).get(
        reverse("matching:need_matches", args=[matching.need.pk])
    )

    visible = role in ("member", "editor", "coordinator", "admin")
    assert response.status_code == (200 if visible else 404)


@pytest.mark.parametrize("role", ROLES)
def test_unpublished_property_is_left_out_for_those_who_may_not_see_it(
    client, world, matching, role
):
    # The stored row stays (it was computed while published) but only permitted people see it.
    type(matching.school).objects.filter(pk=matching.school.pk).update(is_published=False)

    response = _client(client, world, role).get(
        reverse("matching:need_matches", args=[matching.need.pk])
    )

    assert response.status_code == 200
    # The owner is a member of the other network: its coordinator sees drafts too.
    visible = role in ("admin", "other_coordinator")
    assert ("Alte Schule Angermünde" in response.content.decode()) is visible


@pytest.mark.parametrize("role", ROLES)
def test_property_page_lists_the_groups_visible_to_the_user(client, world, matching, role):
    SpaceNeed.objects.filter(pk=matching.need.pk).update(visibility=Visibility.NETWORK)

    response = _client(client, world, role).get(
        reverse("matching:property_matches", args=[matching.school.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Passende Gruppen" in html
    visible = role in ("member", "editor", "coordinator", "admin")
    assert ("Werkstatt und Treffpunkt" in html) is visible


def test_pages_of_unknown_items_are_404(client, world, matching):
    assert client.get(reverse("matching:need_matches", args=[999999])).status_code == 404
    assert client.get(reverse("matching:property_matches", args=[999999])).status_code == 404


def test_need_page_query_count_is_constant(client, world, matching, django_assert_max_num_queries):
    from tests.matching.conftest import make_property

    for number in range(9):
        make_property(title=f"Laden {number}", owner_organisation=world.other_organisation)
    services.recommendations_rebuild()
    assert Recommendation.objects.filter(need=matching.need).count() == 10
    client.force_login(world.editor)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("matching:need_matches", args=[matching.need.pk]))
    assert response.content.decode().count('class="recommendation"') == 10


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _ten_needs(world, matching) -> None:
    for number in range(9):
        SpaceNeedFactory(
            organisation=world.organisation,
            network=world.network,
            title=f"Gesuch {number}",
            max_rent=8,
            common_good_offer=matching.need.common_good_offer,
        )
    services.recommendations_rebuild()
    assert Recommendation.objects.filter(rank_for_property__isnull=False).count() >= 10


def _ten_properties(world) -> None:
    from tests.matching.conftest import make_property

    for number in range(9):
        make_property(title=f"Laden {number}", owner_organisation=world.other_organisation)
    services.recommendations_rebuild()


def test_property_page_query_count_does_not_grow_with_the_groups(
    client, world, matching, django_assert_max_num_queries
):
    client.force_login(matching.owner_editor)
    url = reverse("matching:property_matches", args=[matching.school.pk])
    client.get(url)  # warm caches of the session and the permissions
    one, html = _queries(client, url)
    assert html.count('class="recommendation"') == 1
    _ten_needs(world, matching)

    with django_assert_max_num_queries(10):
        ten, html = _queries(client, url)

    assert html.count('class="recommendation"') == 10
    assert ten <= one


@pytest.mark.parametrize("side", ["need", "property"])
def test_recommendation_api_query_count_does_not_grow_with_the_list(
    client, world, matching, side, django_assert_max_num_queries
):
    client.force_login(world.admin)
    if side == "need":
        url, grow = f"/api/v1/needs/{matching.need.pk}/recommendations", _ten_properties
    else:
        url = f"/api/v1/properties/{matching.school.pk}/recommendations"

        def grow(world):
            _ten_needs(world, matching)

    services.interest_express(property=matching.school, need=matching.need, actor=world.editor)
    client.get(url)
    one, body = _queries(client, url)
    assert len(json.loads(body)) == 1
    grow(world)

    with django_assert_max_num_queries(9):
        ten, body = _queries(client, url)

    assert len(json.loads(body)) == 10
    assert ten <= one


# Interest -------------------------------------------------------------------------------


def _express(client, matching, message="Wir würden gern besichtigen."):
    return client.post(
        reverse("matching:interest_express", args=[matching.school.pk, matching.need.pk]),
        {"message": message, "back": "need"},
    )


def test_initiative_expresses_interest_owner_is_mailed_and_accepts_then_both_see_contact(
    client, world, matching, django_capture_on_commit_callbacks
):
    client.force_login(world.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _express(client, matching)
    interest = Interest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:interest_detail", args=[interest.pk])
    assert interest.state == InterestState.PENDING
    assert interest.side == "need"
    assert [m.to for m in mail.outbox] == [["rathaus@example.org"]]
    assert "Alte Schule Angermünde" in mail.outbox[0].subject
    assert "Wir würden gern besichtigen." in mail.outbox[0].body
    assert f"/abgleich/interesse/{interest.pk}/" in mail.outbox[0].body

    # Before the answer, the initiative sees the state but no contact data.
    page = client.get(reverse("matching:interest_detail", args=[interest.pk])).content.decode()
    assert "wartet auf Antwort" in page
    assert "rathaus@example.org" not in page

    owner = _owner(client, matching)
    page = owner.get(reverse("matching:interest_detail", args=[interest.pk])).content.decode()
    assert "Annehmen und Kontaktdaten teilen" in page
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("matching:interest_detail", args=[interest.pk]), {"action": "accept"})
    interest.refresh_from_db()
    assert interest.state == InterestState.ACCEPTED
    assert mail.outbox[-1].to == [world.editor.email]

    owner_page = owner.get(reverse("matching:interest_detail", args=[interest.pk])).content.decode()
    assert world.editor.email in owner_page
    client.force_login(world.editor)
    initiative_page = client.get(
        reverse("matching:interest_detail", args=[interest.pk])
    ).content.decode()
    assert "rathaus@example.org" in initiative_page
    assert "Rita Rathaus" in initiative_page
    # The need's page shows the state to both sides.
    need_page = client.get(reverse("matching:need_matches", args=[matching.need.pk]))
    assert "angenommen" in need_page.content.decode()


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_people_without_a_side_cannot_express_interest(client, world, matching, role):
    client.force_login(getattr(world, role))

    response = _express(client, matching)

    assert response.status_code in (403, 404)
    assert not Interest.objects.exists()


def test_anonymous_is_sent_to_the_login(client, matching):
    response = _express(client, matching)

    assert response.status_code == 302
    assert "/konto/" in response["Location"]
    assert not Interest.objects.exists()


def test_owner_can_express_interest_from_the_property_page(
    client, world, matching, django_capture_on_commit_callbacks
):
    owner = _owner(client, matching)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            reverse("matching:interest_express", args=[matching.school.pk, matching.need.pk]),
            {"message": "", "back": "property"},
        )

    interest = Interest.objects.get()
    assert interest.side == "property"
    assert mail.outbox[0].to == [world.editor.email]
    # The owner cannot answer its own interest; the initiative can.
    owner.post(reverse("matching:interest_detail", args=[interest.pk]), {"action": "accept"})
    interest.refresh_from_db()
    assert interest.state == InterestState.PENDING
    client.force_login(world.editor)
    client.post(reverse("matching:interest_detail", args=[interest.pk]), {"action": "decline"})
    interest.refresh_from_db()
    assert interest.state == InterestState.DECLINED


def test_interest_twice_is_refused_with_a_message(client, world, matching):
    client.force_login(world.editor)
    _express(client, matching)

    response = _express(client, matching)

    assert response.status_code == 302
    assert Interest.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "bereits" in page


def test_interest_needs_a_recommendation(client, world, matching):
    client.force_login(world.editor)

    client.post(
        reverse("matching:interest_express", args=[matching.far.pk, matching.need.pk]),
        {"message": ""},
    )

    assert not Interest.objects.exists()


def test_overlong_message_is_refused_and_nothing_saved(client, world, matching):
    client.force_login(world.editor)

    _express(client, matching, message="x" * 2001)

    assert not Interest.objects.exists()


def test_withdrawn_interest_can_be_renewed(client, world, matching):
    client.force_login(world.editor)
    _express(client, matching)
    interest = Interest.objects.get()
    client.post(reverse("matching:interest_detail", args=[interest.pk]), {"action": "withdraw"})
    interest.refresh_from_db()
    assert interest.state == InterestState.WITHDRAWN

    _express(client, matching)

    interest.refresh_from_db()
    assert interest.state == InterestState.PENDING


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member"])
def test_interest_page_is_hidden_from_people_without_a_side(client, world, matching, role):
    interest = services.interest_express(
        property=matching.school, need=matching.need, actor=world.editor
    )
    response = _client(client, world, role).get(
        reverse("matching:interest_detail", args=[interest.pk])
    )

    assert response.status_code in (302, 404)
    assert "rathaus@example.org" not in response.content.decode()


# Assignment -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_assignment_page_is_for_coordinators_and_admins(client, world, matching, role):
    response = _client(client, world, role).get(
        reverse("matching:assignment"), {"kind": "state", "state": "Brandenburg"}
    )

    if role == "anonymous":
        assert response.status_code == 302
    elif role in ("coordinator", "other_coordinator", "admin"):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Optimale Zuordnung" in html
        assert "Gierige Zuordnung" in html
        assert "Werkstatt und Treffpunkt" in html
    else:
        assert response.status_code == 403


def test_assignment_by_network(client, world, matching):
    from allmende.networks.models import Membership

    Membership.objects.create(network=world.network, organisation=world.other_organisation)
    client.force_login(world.admin)

    html = client.get(
        reverse("matching:assignment"), {"kind": "network", "network": "immovielien"}
    ).content.decode()

    assert "Alte Schule Angermünde" in html
    assert "Speicher Leipzig" not in html


def test_assignment_by_district(client, world, matching):
    SpaceNeedFactory(
        organisation=world.organisation,
        title="Atelier in Leipzig",
        centre_name="Leipzig",
        centre_lat=51.34,
        centre_lon=12.37,
    )
    client.force_login(world.admin)

    html = client.get(
        reverse("matching:assignment"), {"kind": "district", "district": "Sachsen/Leipzig"}
    ).content.decode()

    assert "Speicher Leipzig" in html
    assert "Atelier in Leipzig" in html
    assert "Alte Schule Angermünde" not in html


def test_assignment_form_errors_are_shown_next_to_the_field(client, world):
    client.force_login(world.coordinator)

    response = client.get(reverse("matching:assignment"), {"kind": "state", "state": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert "Wählen Sie" in html


# API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_api_need_recommendations(client, world, matching, role):
    response = _client(client, world, role).get(f"/api/v1/needs/{matching.need.pk}/recommendations")

    assert response.status_code == 200
    body = response.json()
    assert [item["property"]["title"] for item in body] == ["Alte Schule Angermünde"]
    item = body[0]
    assert item["rank"] == 1
    assert 0 < item["score"] <= 1
    assert [c["name"] for c in item["components"]] == [
        "distance",
        "area",
        "use",
        "cost",
        "condition",
        "common_good",
    ]
    assert "Suchradius" in item["components"][0]["reason"]
    assert "lat" not in item["property"]


@pytest.mark.parametrize("role", ROLES)
def test_api_property_recommendations_respect_need_visibility(client, world, matching, role):
    SpaceNeed.objects.filter(pk=matching.need.pk).update(visibility=Visibility.NETWORK)

    response = _client(client, world, role).get(
        f"/api/v1/properties/{matching.school.pk}/recommendations"
    )

    assert response.status_code == 200
    titles = [item["need"]["title"] for item in response.json()]
    visible = role in ("member", "editor", "coordinator", "admin")
    assert titles == (["Werkstatt und Treffpunkt"] if visible else [])


def test_api_hidden_or_unknown_items_are_404_json(client, world, matching):
    type(matching.school).objects.filter(pk=matching.school.pk).update(is_published=False)

    for url in (
        f"/api/v1/properties/{matching.school.pk}/recommendations",
        "/api/v1/needs/999999/recommendations",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "detail" in response.json()


def test_api_shows_the_interest_state(client, world, matching):
    services.interest_express(property=matching.school, need=matching.need, actor=world.editor)
    client.force_login(world.editor)

    body = client.get(f"/api/v1/needs/{matching.need.pk}/recommendations").json()

    assert body[0]["interest"] == "pending"


# Weights --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_weights_page_is_for_the_networks_coordinators(client, world, role):
    response = _client(client, world, role).get(
        reverse("matching:weights", args=[world.network.slug])
    )

    expected = {"anonymous": 302, "coordinator": 200, "admin": 200}.get(role, 403)
    assert response.status_code == expected


def test_coordinator_sets_weights_and_the_needs_are_re_ranked(
    client, world, matching, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    page = client.get(reverse("matching:weights", args=[world.network.slug])).content.decode()
    assert 'value="25"' in page  # the default distance weight

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:weights", args=[world.network.slug]),
            {"distance": 0, "area": 0, "use": 0, "cost": 0, "condition": 0, "common_good": 100},
        )

    assert response.status_code == 302
    world.network.refresh_from_db()
    assert world.network.matching_weights["common_good"] == 1.0
    recommendation = Recommendation.objects.get()
    assert recommendation.score == pytest.approx(recommendation.components["common_good"])


def test_weights_that_do_not_add_up_are_refused_and_kept_in_the_form(client, world):
    client.force_login(world.coordinator)

    response = client.post(
        reverse("matching:weights", args=[world.network.slug]),
        {"distance": 50, "area": 20, "use": 20, "cost": 15, "condition": 10, "common_good": -5},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'value="50"' in html
    world.network.refresh_from_db()
    assert world.network.matching_weights == {}
