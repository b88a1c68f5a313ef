"""News of the networks: the list with its network filter, the page per network, the detail
with rendered Markdown, drafts and scheduled items hidden, and the coordinators' editor."""

import datetime

import pytest
from django.utils import timezone

from allmende.knowledge import services_publish
from allmende.knowledge.models import News
from tests.conftest import ROLES, user_for
from tests.knowledge.factories import NewsFactory

pytestmark = pytest.mark.django_db


def _login(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))


def test_list_shows_public_news_newest_first_and_hides_drafts_and_scheduled_ones(client, world):
    now = timezone.now()
    NewsFactory(
        network=world.network, title="Ältere Meldung", published_at=now - datetime.timedelta(days=5)
    )
    NewsFactory(
        network=world.network, title="Neue Meldung", published_at=now - datetime.timedelta(hours=1)
    )
    NewsFactory(network=world.network, title="Entwurf Meldung", is_published=False)
    NewsFactory(
        network=world.network, title="Morgen Meldung", published_at=now + datetime.timedelta(days=1)
    )

    html = client.get("/wissen/aktuelles/").content.decode()

    assert html.index("Neue Meldung") < html.index("Ältere Meldung")
    assert "Entwurf Meldung" not in html
    assert "Morgen Meldung" not in html


def test_list_filters_by_network(client, world):
    NewsFactory(network=world.network, title="Aus Immovielien")
    NewsFactory(network=world.other_network, title="Aus Starke Orte")

    html = client.get("/wissen/aktuelles/?network=starke-orte").content.decode()

    assert "Aus Starke Orte" in html
    assert "Aus Immovielien" not in html


def test_page_per_network_shows_only_its_news(client, world):
    NewsFactory(network=world.network, title="Aus Immovielien")
    NewsFactory(network=world.other_network, title="Aus Starke Orte")

    response = client.get("/wissen/aktuelles/netzwerk/immovielien/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Neuigkeiten von Netzwerk Immovielien" in html
    assert "Aus Immovielien" in html
    assert "Aus Starke Orte" not in html


def test_page_of_an_unknown_network_is_404(client, world):
    assert client.get("/wissen/aktuelles/netzwerk/gibt-es-nicht/").status_code == 404


def test_list_is_paginated(client, world):
    now = timezone.now()
    for number in range(23):
        NewsFactory(
            network=world.network,
            title=f"Meldung {number:02d}",
            published_at=now - datetime.timedelta(days=30 - number),
        )

    first = client.get("/wissen/aktuelles/").content.decode()
    second = client.get("/wissen/aktuelles/?page=2").content.decode()

    assert "Meldung 22" in first
    assert "Meldung 02" not in first
    assert "Meldung 02" in second


def test_list_needs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for _number in range(20):
        NewsFactory(network=world.network)
        NewsFactory(network=world.other_network)
    client.force_login(world.coordinator)

    with django_assert_max_num_queries(10):
        response = client.get("/wissen/aktuelles/")

    assert response.status_code == 200


def test_detail_renders_markdown_and_removes_scripts(client, world):
    NewsFactory(
        network=world.network,
        slug="neue-mitglieder",
        title="Neue Mitglieder",
        lead="Drei Gruppen sind dabei.",
        body=(
            "**Willkommen** im Netzwerk!\n\n<script>alert(1)</script>\n\n"
            "[Mehr](javascript:alert(1))"
        ),
    )

    html = client.get("/wissen/aktuelles/neue-mitglieder/").content.decode()

    assert "<h1>Neue Mitglieder</h1>" in html
    assert "<strong>Willkommen</strong>" in html
    assert "Drei Gruppen sind dabei." in html
    assert "<script>alert(1)" not in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_drafts_and_scheduled_news_are_404_for_the_public(client, world, role, state):
    if state == "draft":
        NewsFactory(network=world.network, slug="geheim", is_published=False)
    else:
        NewsFactory(
            network=world.network,
            slug="geheim",
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
    _login(client, world, role)

    response = client.get("/wissen/aktuelles/geheim/")

    assert response.status_code == (200 if role in ("coordinator", "admin") else 404)


# fmt: off
EDIT_STATUS = {
    "anonymous":         (302, 302),
    "outsider":          (403, 403),
    "member":            (403, 403),
    "editor":            (403, 403),
    "coordinator":       (200, 200),
    "other_coordinator": (200, 403),
    "admin":             (200, 200),
}
# fmt: on


def test_edit_table_covers_every_role():
    assert list(EDIT_STATUS) == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_editor(client, world, role):
    NewsFactory(network=world.network, slug="meldung")
    _login(client, world, role)

    create = client.get("/wissen/aktuelles/neu/")
    edit = client.get("/wissen/aktuelles/meldung/bearbeiten/")

    assert (create.status_code, edit.status_code) == EDIT_STATUS[role]


def test_coordinator_creates_a_scheduled_item_and_edits_it(client, world):
    client.force_login(world.coordinator)
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "network": world.network.pk,
        "title": "Sommerfest im Kaufhaus",
        "lead": "Wir feiern zwei Jahre offenes Haus.",
        "body": "Alle sind *eingeladen*.",
        "is_published": "on",
        "published_at": tomorrow,
    }

    created = client.post("/wissen/aktuelles/neu/", data)
    news = News.objects.get()
    hidden = client.get("/wissen/aktuelles/")
    client.logout()
    public = client.get("/wissen/aktuelles/sommerfest-im-kaufhaus/")

    assert created["Location"] == "/wissen/aktuelles/sommerfest-im-kaufhaus/"
    assert news.network == world.network
    assert not news.is_public
    assert "Sommerfest im Kaufhaus" in hidden.content.decode()
    assert public.status_code == 404

    client.force_login(world.coordinator)
    client.post(
        "/wissen/aktuelles/sommerfest-im-kaufhaus/bearbeiten/", {**data, "title": "Sommerfest"}
    )
    news.refresh_from_db()
    assert news.title == "Sommerfest"
    assert news.slug == "sommerfest-im-kaufhaus"


def test_news_form_shows_errors_at_the_fields_and_saves_nothing(client, world):
    client.force_login(world.coordinator)

    response = client.post("/wissen/aktuelles/neu/", {"network": world.network.pk, "title": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    for field in ("title", "lead", "body"):
        assert f'id="id_{field}_error"' in html
    assert not News.objects.exists()


def test_a_title_like_an_editor_path_gets_another_slug(world):
    data = {"title": "Neu", "lead": "Kurz", "body": "Text", "is_published": True}

    news = services_publish.news_create(network=world.network, actor=world.coordinator, data=data)

    assert news.slug == "neu-2"
