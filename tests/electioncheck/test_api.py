"""The election check API: list, detail and the score of posted answers, with JSON errors."""

import pytest

from allmende.electioncheck.models import Party
from tests.electioncheck.factories import ElectionFactory, build_election

pytestmark = pytest.mark.django_db
API = "/api/v1/electionchecks"


@pytest.fixture
def election(world):
    election, _theses, _parties = build_election(
        {"GLP": [1, 1, -1], "MP": [-1, 0, 1]}, network=world.network, slug="landtag"
    )
    Party.objects.create(election=election, short_name="NWL", responded=False)
    return election


def test_list_shows_published_election_checks_only(client, world, election):
    ElectionFactory(network=world.network, is_published=False, slug="entwurf")

    body = client.get(API).json()

    assert body["count"] == 1
    assert body["items"][0]["slug"] == "landtag"
    assert body["items"][0]["url"] == "/wahlcheck/landtag/"


def test_detail_has_theses_parties_and_positions(client, election, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/{election.pk}").json()

    assert [t["short_title"] for t in body["theses"]] == [
        t.short_title for t in election.theses.all()
    ]
    glp = next(p for p in body["parties"] if p["short_name"] == "GLP")
    assert [p["value"] for p in glp["positions"]] == [1, 1, -1]
    assert next(p for p in body["parties"] if p["short_name"] == "NWL")["responded"] is False


def test_score_computes_the_percentages_without_storing_anything(client, election):
    theses = list(election.theses.all())
    payload = {
        "answers": [
            {"thesis": theses[0].pk, "position": 1, "double": True},
            {"thesis": theses[1].pk, "position": None},
            {"thesis": theses[2].pk, "position": -1},
        ]
    }

    response = client.post(f"{API}/{election.pk}/score", payload, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert [(r["short_name"], r["percent"]) for r in body["results"]] == [("GLP", 100), ("MP", 0)]
    assert body["silent"] == ["NWL"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([{"thesis": 999999, "position": 1}], "not part of this election check"),
        ([{"thesis": "THESIS", "position": 2}], "not on the scale"),
    ],
)
def test_score_refuses_foreign_theses_and_positions_off_the_scale(
    client, election, answers, message
):
    first = election.theses.first()
    for answer in answers:
        if answer["thesis"] == "THESIS":
            answer["thesis"] = first.pk

    response = client.post(
        f"{API}/{election.pk}/score", {"answers": answers}, content_type="application/json"
    )

    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_draft_and_unknown_election_checks_are_json_404(client, world):
    draft = ElectionFactory(network=world.network, is_published=False)

    for url in (f"{API}/{draft.pk}", f"{API}/999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_score_body_must_be_an_object(client, election):
    response = client.post(f"{API}/{election.pk}/score", [1], content_type="application/json")

    assert response.status_code == 422
