"""The pages of space needs through the test client: visibility per role, create and edit with
errors next to the field and in the summary, and a list whose query count does not grow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext, override

from allmende.needs.models import SpaceNeed
from tests.conftest import ROLES, user_for
from tests.factories import OrganisationRoleFactory
from tests.needs.factories import SpaceNeedFactory
from tests.needs.test_rules import CHANGE, NEED_STATES, VIEW

pytestmark = pytest.mark.django_db

LIST_MAX_QUERIES = 8


def _client_for(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


def _html(response) -> str:
    return response.content.decode()


def _german(message: str) -> str:
    with override("de"):
        return gettext(message)


def _form_data(**changes):
    data = {
        "title": "Werkstatt gesucht",
        "uses": ["workshops", "coworking"],
        "area_min": "80",
        "area_max": "250",
        "centre_name": "Angermünde",
        "radius_km": "25",
        "municipalities": "",
        "transfer_models": ["rent", "leasehold"],
        "time_model": "permanent",
        "renovation_willingness": "1",
        "visibility": "public",
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_the_needs_each_role_may_see(client, world, needs, role):
    response = _client_for(client, world, role).get("/raumgesuche/")
    assert response.status_code == 200
    html = _html(response)
    for index, state in enumerate(NEED_STATES):
        link = f'href="/raumgesuche/{getattr(needs, state).pk}/"'
        assert (link in html) is VIEW[role][index], state
    assert html.count("<h1") == 1


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_detail_is_shown_only_to_those_who_may_see_it(client, world, needs, role, state):
    need = getattr(needs, state)
    response = _client_for(client, world, role).get(f"/raumgesuche/{need.pk}/")
    assert response.status_code == (200 if VIEW[role][NEED_STATES.index(state)] else 404)
    if response.status_code == 200:
        edit_link = f'href="/raumgesuche/{need.pk}/bearbeiten/"'
        assert (edit_link in _html(response)) is CHANGE[role][NEED_STATES.index(state)]


def test_detail_shows_every_field_readably(client, world):
    need = SpaceNeedFactory(
        organisation=world.organisation,
        uses=["socioculture", "founder_hub"],
        transfer_models=["leasehold", "interim"],
        max_rent="7.50",
        max_price=450000,
        group_size=12,
        legal_form="eG",
        self_use_share=60,
        accessibility_required=True,
        renovation_willingness=3,
        common_good_offer="Offenes Café für die Nachbarschaft",
        states=["Brandenburg"],
        municipalities=["Schwedt", "Eberswalde"],
    )
    html = _html(client.get(f"/raumgesuche/{need.pk}/"))
    with override("de"):
        from allmende.core.choices import Condition, TransferModel, Use

        for label in (
            Use.SOCIOCULTURE.label,
            Use.FOUNDER_HUB.label,
            TransferModel.LEASEHOLD.label,
            TransferModel.INTERIM.label,
            Condition.SHELL.label,
        ):
            assert str(label) in html
    for text in ("100–400 m²", "Angermünde", "30 km", "7,50", "450.000", "12", "eG", "60 %"):
        assert text in html, text
    assert "Offenes Café für die Nachbarschaft" in html
    assert "Schwedt, Eberswalde" in html
    assert "Brandenburg" in html


def test_list_filters_by_use_area_and_text(client, world):
    wanted = SpaceNeedFactory(title="Werkhof", uses=["workshops"], area_min=50, area_max=150)
    SpaceNeedFactory(title="Werkhof zwei", uses=["housing"], area_min=50, area_max=150)
    SpaceNeedFactory(title="Werkhof drei", uses=["workshops"], area_min=500, area_max=900)
    response = client.get("/raumgesuche/", {"use": "workshops", "area": "100", "q": "werkhof"})
    assert [n.pk for n in response.context["page"].object_list] == [wanted.pk]


def test_list_answers_htmx_with_the_results_only(client, world, needs):
    response = client.get("/raumgesuche/", headers={"HX-Request": "true"})
    html = _html(response)
    assert "<h1" not in html
    assert f'href="/raumgesuche/{needs.public.pk}/"' in html


def test_list_query_count_does_not_grow_with_needs(client, world, django_assert_max_num_queries):
    client.force_login(world.member)
    SpaceNeedFactory.create_batch(15, organisation=world.organisation, network=world.network)
    with django_assert_max_num_queries(LIST_MAX_QUERIES) as measured:
        client.get("/raumgesuche/")
    SpaceNeedFactory.create_batch(15, network=world.network)
    with CaptureQueriesContext(connection) as second:
        response = client.get("/raumgesuche/")
    assert response.context["page"].paginator.count == 30
    assert len(second.captured_queries) == len(measured.captured_queries)


def test_editor_creates_a_need_through_the_form(client, world):
    client.force_login(world.editor)
    response = client.post("/raumgesuche/neu/?organisation=stadtluecken", _form_data())
    need = SpaceNeed.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/raumgesuche/{need.pk}/"
    assert need.organisation == world.organisation
    assert need.uses == ["workshops", "coworking"]
    assert need.transfer_models == ["rent", "leasehold"]
    assert need.centre_lat == pytest.approx(53.015, abs=0.05)


def test_municipalities_are_split_at_commas(client, world):
    client.force_login(world.editor)
    client.post(
        "/raumgesuche/neu/?organisation=stadtluecken",
        _form_data(centre_name="", municipalities="Schwedt, Eberswalde ,", states=["Brandenburg"]),
    )
    need = SpaceNeed.objects.get()
    assert need.municipalities == ["Schwedt", "Eberswalde"]
    assert need.states == ["Brandenburg"]


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<div class="errors" id="id_{field}_error">(.*?)</div>', html, re.S)
    assert match, f"no error next to {field}"
    return match.group(1)


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"area_min": "300", "area_max": "100"},
            "area_max",
            "The largest area must not be smaller than the smallest area.",
        ),
        ({"uses": []}, "uses", "Choose at least one use."),
        (
            {"transfer_models": []},
            "transfer_models",
            "Choose at least one transfer model you accept.",
        ),
        (
            {"centre_name": ""},
            "centre_name",
            "Give a search centre with a radius, or a list of municipalities or states.",
        ),
    ],
)
def test_form_errors_appear_next_to_the_field_and_in_the_summary(
    client, world, changes, field, message
):
    client.force_login(world.editor)
    response = client.post("/raumgesuche/neu/?organisation=stadtluecken", _form_data(**changes))
    assert response.status_code == 200
    html = _html(response)
    expected = _german(message)
    assert expected in _field_error(html, field)
    summary = _summary(html)
    assert f'href="#id_{field}' in summary
    assert expected in summary
    assert not SpaceNeed.objects.exists()


def test_unknown_town_error_comes_from_the_service_and_sits_at_the_centre(client, world):
    client.force_login(world.editor)
    response = client.post(
        "/raumgesuche/neu/?organisation=stadtluecken", _form_data(centre_name="Atlantis")
    )
    html = _html(response)
    assert "Atlantis" in _field_error(html, "centre_name")
    assert 'href="#id_centre_name"' in _summary(html)


def test_checkbox_groups_are_fieldsets_with_a_legend(client, world):
    client.force_login(world.editor)
    html = _html(client.get("/raumgesuche/neu/?organisation=stadtluecken"))
    assert html.count("<fieldset>") >= 3
    assert html.count("<h1") == 1
    assert 'for="id_centre_name"' in html


@pytest.mark.parametrize("role", ["member", "coordinator", "other_coordinator", "outsider"])
def test_create_is_forbidden_for_non_editors(client, world, role):
    client.force_login(getattr(world, role))
    response = client.get("/raumgesuche/neu/?organisation=stadtluecken")
    assert response.status_code == 403
    response = client.post("/raumgesuche/neu/?organisation=stadtluecken", _form_data())
    assert response.status_code == 403
    assert not SpaceNeed.objects.exists()


def test_create_redirects_anonymous_visitors_to_the_login(client, world):
    response = client.get("/raumgesuche/neu/?organisation=stadtluecken")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/?next=")


def test_editor_of_one_organisation_is_sent_to_its_form(client, world):
    client.force_login(world.editor)
    response = client.get("/raumgesuche/neu/")
    assert response.status_code == 302
    assert response["Location"] == "/raumgesuche/neu/?organisation=stadtluecken"


def test_editor_of_several_organisations_chooses_one(client, world):
    OrganisationRoleFactory(user=world.editor, organisation=world.other_organisation)
    client.force_login(world.editor)
    response = client.get("/raumgesuche/neu/")
    html = _html(response)
    assert response.status_code == 200
    assert '<select name="organisation"' in html
    assert 'value="stadtluecken"' in html
    assert 'value="angermuende"' in html


def test_editor_edits_a_need(client, world, needs):
    client.force_login(world.editor)
    path = f"/raumgesuche/{needs.public.pk}/bearbeiten/"
    form = client.get(path)
    assert form.status_code == 200
    response = client.post(path, _form_data(title="Neuer Titel", centre_name="Eberswalde"))
    assert response.status_code == 302
    needs.public.refresh_from_db()
    assert needs.public.title == "Neuer Titel"
    assert needs.public.centre_lat == pytest.approx(52.83, abs=0.05)


def test_edit_form_shows_the_stored_municipalities_as_text(client, world):
    need = SpaceNeedFactory(organisation=world.organisation, municipalities=["Schwedt", "Gartz"])
    client.force_login(world.editor)
    html = _html(client.get(f"/raumgesuche/{need.pk}/bearbeiten/"))
    assert 'value="Schwedt, Gartz"' in html


@pytest.mark.parametrize("state", NEED_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_edit_page_access_per_role(client, world, needs, role, state):
    need = getattr(needs, state)
    path = f"/raumgesuche/{need.pk}/bearbeiten/"
    response = _client_for(client, world, role).get(path)
    index = NEED_STATES.index(state)
    if role == "anonymous":
        assert response.status_code == 302
    elif CHANGE[role][index]:
        assert response.status_code == 200
    elif VIEW[role][index]:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_forbidden_edit_post_changes_nothing(client, world, needs):
    client.force_login(world.member)
    path = f"/raumgesuche/{needs.public.pk}/bearbeiten/"
    response = client.post(path, _form_data(title="Gekapert"))
    assert response.status_code == 403
    needs.public.refresh_from_db()
    assert needs.public.title != "Gekapert"


def test_network_choices_are_the_initiatives_active_networks(client, world):
    client.force_login(world.editor)
    response = client.get("/raumgesuche/neu/?organisation=stadtluecken")
    networks = list(response.context["form"].fields["network"].queryset)
    assert networks == [world.network]
