"""The procedures API: public list and detail, drafts only for their managers."""

import datetime

import pytest
from django.utils import timezone

from allmende.accounts.services import api_token_create
from allmende.procedures.models import Procedure, ProcedureState
from tests.procedures.conftest import make_procedure


def _publish(procedure, state=ProcedureState.PUBLISHED):
    Procedure.objects.filter(pk=procedure.pk).update(state=state, published_at=timezone.now())


def test_list_shows_published_procedures_only(client, proc):
    other = make_procedure(proc.town, proc.property, title="Veröffentlicht")
    _publish(other)
    response = client.get("/api/v1/procedures")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "Veröffentlicht"
    assert item["state"] == "published"
    assert item["property"] == {
        "id": proc.property.pk,
        "title": proc.property.title,
        "city": "Angermünde",
    }
    assert item["organisation"]["slug"] == proc.town.slug
    assert item["url"] == f"/verfahren/{other.pk}/"


def test_list_hides_drafts_from_their_managers_too(client, proc):
    _token, raw = api_token_create(user=proc.manager, name="Test")
    response = client.get("/api/v1/procedures", headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["count"] == 0


def test_list_filters_by_state_and_kind(client, proc):
    for state, kind in [
        ("published", "concept"),
        ("cancelled", "concept"),
        ("published", "direct"),
    ]:
        _publish(
            make_procedure(proc.town, proc.property, title=f"{state} {kind}", kind=kind), state
        )

    def titles(**query):
        items = client.get("/api/v1/procedures", query).json()["items"]
        return sorted(item["title"] for item in items)

    assert titles(state="cancelled") == ["cancelled concept"]
    assert titles(kind="direct") == ["published direct"]
    assert client.get("/api/v1/procedures", {"state": "verloren"}).status_code == 422


def test_list_is_paginated_with_a_fixed_number_of_queries(
    client, proc, django_assert_max_num_queries
):
    for number in range(12):
        _publish(make_procedure(proc.town, proc.property, title=f"Verfahren {number}"))
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/procedures", {"page_size": 5, "page": 2}).json()
    assert body["count"] == 12
    assert len(body["items"]) == 5


def test_detail_gives_terms_scheme_criteria_and_dates(client, proc):
    procedure = proc.publish()
    deadline = datetime.datetime(2030, 4, 15, 16, 0, tzinfo=datetime.UTC)
    Procedure.objects.filter(pk=procedure.pk).update(submission_deadline=deadline)
    body = client.get(f"/api/v1/procedures/{procedure.pk}").json()
    assert body["terms"]["transfer"] == "leasehold"
    assert body["terms"]["leasehold_term_years"] == 66
    assert body["terms"]["ground_rent_percent"] == 2.5
    assert body["scheme"]["price_model"] == "fixed"
    assert body["scheme"]["tie_break_criterion"] == "object"
    assert [
        (c["key"], c["weight"], c["max_points"], c["min_points"]) for c in body["criteria"]
    ] == [
        ("object", 60.0, 10.0, None),
        ("group", 40.0, 10.0, 4.0),
    ]
    assert body["criteria"][0]["guidance"]["10"] == "überzeugend"
    assert body["eligibility_criteria"][0]["text"].startswith("Gemeinnützige")
    assert body["dates"]["submission_deadline"].startswith("2030-04-15T16:00")
    assert body["documents"] == []


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 404), ("outsider", 404), ("manager", 200), ("admin", 200)]
)
def test_detail_of_a_draft_only_for_its_managers(client, proc, who, status):
    headers = {}
    if who != "anonymous":
        _token, raw = api_token_create(user=getattr(proc, who), name="Test")
        headers = {"Authorization": f"Bearer {raw}"}
    response = client.get(f"/api/v1/procedures/{proc.procedure.pk}", headers=headers)
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Not found.", "errors": []}


def test_detail_of_an_unknown_procedure_is_404(client, db):
    assert client.get("/api/v1/procedures/999999").status_code == 404


def test_openapi_documents_both_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/procedures"]) == {"get"}
    assert set(paths["/api/v1/procedures/{id}"]) == {"get"}
    assert "404" in paths["/api/v1/procedures/{id}"]["get"]["responses"]
