"""The JSON API against its own OpenAPI schema: property-based, with schemathesis.

The schema is loaded in-process from the WSGI app, and the requests go through Django's real
request handler (CSRF enforced, as in production). For every operation schemathesis generates
valid and invalid requests and runs all its checks on each answer: no 5xx, a documented status
code, content type and headers, a body matching the documented schema, invalid input rejected,
valid input accepted, missing or wrong credentials answered with 401, and no method but the
documented ones accepted.
"""

import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import strategies as st
from schemathesis.openapi.checks import RejectedPositiveData

from allmende.accounts.services import api_token_create
from allmende.properties.models import Property
from allmende.wsgi import application
from tests.needs.factories import SpaceNeedFactory

# Schema-valid input that the API still turns away with a documented error, because the rule
# is not expressible in the schema: a bbox that is no box ("a,b", west east of east: 400), an
# e-mail address or web address the model rejects, an application without privacy consent
# (422), a space need whose largest area is smaller than its smallest, whose search centre is a
# town we do not know or whose network does not exist (422), a property with only one of its two
# coordinates (422), a tool filter with a term or prefix the toolbox does not have or without
# its toolbox (422), a newsletter sign-up without consent or with an address that is no e-mail
# address (422). Everywhere else schema-valid input must be accepted.
SEMANTIC_REJECTIONS = [
    ("GET /api/v1/organisations.geojson", "400"),
    ("PATCH /api/v1/organisations/{slug}", "422"),
    ("POST /api/v1/membership-applications", "422"),
    ("GET /api/v1/properties.geojson", "400"),
    ("POST /api/v1/properties", "422"),
    ("PATCH /api/v1/properties/{id}", "422"),
    ("POST /api/v1/needs", "422"),
    ("PATCH /api/v1/needs/{id}", "422"),
    ("GET /api/v1/places", "400"),
    ("GET /api/v1/events.geojson", "400"),
    ("GET /api/v1/tools", "422"),
    ("POST /api/v1/newsletter/subscribe", "422"),
    # An empty or malformed e-mail address (one of the generated "valid" values) is refused.
    ("POST /api/v1/events/{id}/registrations", "422"),
]
ACCEPTED_FOR_VALID_INPUT = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    application,
    config=schemathesis.Config.from_dict(
        {
            "operations": [
                {
                    "include-name": name,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*ACCEPTED_FOR_VALID_INPUT, status]
                        }
                    },
                }
                for name, status in SEMANTIC_REJECTIONS
            ]
        }
    ),
)

# Slugs of the `world` fixture, so that generated requests also find and change objects
# instead of only getting 404.
KNOWN_ORGANISATIONS = ["stadtluecken", "angermuende"]
KNOWN_NETWORKS = ["immovielien", "starke-orte"]

# Values the API accepts for fields that the schema leaves as free text, so that some
# generated applications and profile changes get through (201, 200).
VALID_BODY_VALUES: dict[str, list[object]] = {
    "network": KNOWN_NETWORKS,
    "organisation": KNOWN_ORGANISATIONS,
    "contact_email": ["bewerbung@example.org"],
    "email": ["", "info@example.org"],
    "org_website": ["", "https://example.org"],
    "website": ["", "https://example.org"],
    "privacy_consent": [True],
    "consent": [True],
}


# Ids of a property and a space need of `stadtluecken`, filled by the `known_objects` fixture
# before any request is generated, so that `{id}` paths find them too.
KNOWN_IDS: dict[str, list[int]] = {"properties": [], "needs": []}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if isinstance(path_parameters, dict) and isinstance(path_parameters.get("id"), int):
        collection = context.operation.path.split("/")[3]
        known = KNOWN_IDS.get(collection, [])
        return st.sampled_from([path_parameters["id"], *known]).map(
            lambda pk: {**path_parameters, "id": pk}
        )
    if not isinstance(path_parameters, dict) or not isinstance(path_parameters.get("slug"), str):
        return st.just(path_parameters)
    known = KNOWN_NETWORKS if "/networks/" in context.operation.path else KNOWN_ORGANISATIONS
    return st.sampled_from([path_parameters["slug"], *known]).map(
        lambda slug: {**path_parameters, "slug": slug}
    )


@schema.hook
def flatmap_query(context, query):
    if not isinstance(query, dict) or not isinstance(query.get("network"), str):
        return st.just(query)
    return st.sampled_from([query["network"], "", *KNOWN_NETWORKS]).map(
        lambda network: {**query, "network": network}
    )


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    # Only values that are schema-valid already (right type, short) are replaced, so that a
    # body generated to be invalid stays invalid.
    replaceable = {
        name: values
        for name, values in VALID_BODY_VALUES.items()
        if type(body.get(name)) is type(values[-1])
        and not (isinstance(body[name], str) and len(body[name]) > 200)
    }
    if not replaceable:
        return st.just(body)
    valid = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in replaceable.items()})
    return st.one_of(st.just(body), valid.map(lambda values: {**body, **values}))


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(v) for v in value)
    return False


@schema.hook
def filter_failure(context, failure, case, response):
    # The API refuses text with NUL characters in query and body with 422, as Django's forms
    # do (PostgreSQL cannot hold it); the schema does not say so, so that is no valid request
    # rejected. Generating NUL stays on: anything else than 404/422 for it still fails.
    refused_nul = response.status_code == 422 and _contains_nul([case.query, case.body])
    return not (isinstance(failure, RejectedPositiveData) and refused_nul)


@pytest.fixture
def _real_request_handler(settings):
    """The WSGI handler closes the database connection after each request, which on
    PostgreSQL would end the test's transaction; Django's test client unhooks it the same
    way. The membership application limit (10/h per address) is off: 429 is documented."""
    settings.RATELIMIT_ENABLE = False
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(world) -> str:
    return api_token_create(user=world.editor, name="schemathesis")[1]


@pytest.fixture
def known_objects(world):
    prop = Property.objects.create(
        title="Altes Kaufhaus",
        kind="vacant",
        city="Leipzig",
        state="Sachsen",
        owner_kind="private",
        owner_organisation=world.organisation,
        is_published=True,
    )
    need = SpaceNeedFactory(organisation=world.organisation)
    KNOWN_IDS.update(properties=[prop.pk], needs=[need.pk])
    yield
    KNOWN_IDS.update(properties=[], needs=[])


@pytest.mark.django_db
@pytest.mark.usefixtures("_real_request_handler", "known_objects")
@schema.parametrize()
@hypothesis.settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
def test_api_conforms_to_its_openapi_schema(case, editor_token):
    # The Host header belongs to the transport, not to the API: Django answers a host outside
    # ALLOWED_HOSTS with its own 400 page before any view runs. Generated extra headers may
    # include one; drop it.
    if isinstance(case.headers, dict):
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "host"}
    # As generated: without credentials or with made-up ones for the secured operations.
    case.call_and_validate()
    if case.operation.definition.raw.get("security"):
        # And as the editor of `stadtluecken` (not of `angermuende`: 403).
        case.call_and_validate(headers={"Authorization": f"Bearer {editor_token}"})


# Bugs found with the test above, kept as plain examples: random generation meets them only
# now and then (NUL characters, bodies that are no object), or cannot call them a failure
# (403 for a request without credentials is documented, but 401 is right).


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", [None, "Bearer alm_made-up"])
def test_change_without_valid_credentials_is_401_even_with_csrf_checks(world, authorization):
    client = Client(enforce_csrf_checks=True)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.patch(
        "/api/v1/organisations/stadtluecken",
        data=json.dumps({"city": "Stuttgart"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/api/v1/organisations?q=a%00b", None, 422),
        ("get", "/api/v1/organisations.geojson?network=a%00b", None, 422),
        ("get", "/api/v1/networks/a%00b", None, 404),
        ("get", "/api/v1/organisations/a%00b", None, 404),
        ("patch", "/api/v1/organisations/stadtluecken", {"city": "a\x00b"}, 422),
        ("post", "/api/v1/membership-applications", {"network": "a\x00b"}, 422),
    ],
)
def test_nul_characters_are_refused_not_a_server_error(
    client, world, editor_token, method, url, body, status
):
    if method == "post":
        body = {
            "org_name": "Stadt Beispielhausen",
            "org_kind": "municipality",
            "org_city": "Beispielhausen",
            "org_state": "Hessen",
            "contact_name": "Erika Beispiel",
            "contact_email": "erika@example.org",
            "stance": "Gemeinwohl",
            "motivation": "Lernen",
            "expectations": "Austausch",
            "privacy_consent": True,
            **body,
        }
    response = getattr(client, method)(
        url,
        **(
            {"data": json.dumps(body), "content_type": "application/json"}
            if body is not None
            else {}
        ),
        HTTP_AUTHORIZATION=f"Bearer {editor_token}",
    )
    assert response.status_code == status
    assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["-100", "[]", '"Halle"', "null"])
def test_a_body_that_is_no_json_object_is_422_not_an_empty_change(client, editor_token, body):
    response = client.patch(
        "/api/v1/organisations/stadtluecken",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {editor_token}",
    )
    assert response.status_code == 422
