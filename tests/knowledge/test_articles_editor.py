"""The coordinators' article editor: who may write and edit, validation shown next to the
fields and in the summary, the preview that saves nothing, and the services behind it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allmende.knowledge.models import Article, Audience, Phase
from allmende.knowledge.services_content import article_create, article_update
from allmende.search.models import SearchEntry
from tests.conftest import ROLES, user_for
from tests.knowledge.factories import ArticleFactory, ToolFactory, TopicFactory

pytestmark = pytest.mark.django_db

NEW_URL = "/wissen/artikel/neu/"


def _html(response) -> str:
    return response.content.decode()


def _client_for(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


def _form_data(**overrides):
    data = {
        "audience": Audience.INITIATIVES,
        "phase": Phase.FOUND,
        "title": "Einen Verein gründen",
        "key_point_1": "Sieben Mitglieder genügen für die Gründung.",
        "key_point_2": "Die Satzung legt den Zweck fest.",
        "key_point_3": "Das Finanzamt prüft die Gemeinnützigkeit.",
        "body": "## Schritt für Schritt\n\nZuerst trifft sich die **Gruppe**.",
        "author_organisation": "",
        "is_published": "on",
        "published_at": "2025-01-15T10:00",
        "save": "1",
    }
    data.update(overrides)
    return data


# fmt: off
EDITOR_ACCESS = [
    # role                create page   edit own network's article   edit other network's
    ("anonymous",         "login",      "login",                      "login"),
    ("outsider",          403,          403,                          403),
    ("member",            403,          403,                          403),
    ("editor",            403,          403,                          403),
    ("coordinator",       200,          200,                          403),
    ("other_coordinator", 200,          403,                          200),
    ("admin",             200,          200,                          200),
]
# fmt: on


def test_editor_table_covers_every_role():
    assert [row[0] for row in EDITOR_ACCESS] == ROLES


def _expect(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert "/konto/anmelden/" in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("role", "create", "own", "other"), EDITOR_ACCESS)
def test_editor_pages_are_open_to_coordinators_of_the_network_and_admins(
    client, world, role, create, own, other
):
    own_article = ArticleFactory(network=world.network)
    other_article = ArticleFactory(network=world.other_network)
    client = _client_for(client, world, role)

    _expect(client.get(NEW_URL), create)
    _expect(client.get(f"/wissen/artikel/{own_article.slug}/bearbeiten/"), own)
    _expect(client.get(f"/wissen/artikel/{other_article.slug}/bearbeiten/"), other)


@pytest.mark.parametrize(("role", "create", "own", "other"), EDITOR_ACCESS)
def test_posting_an_edit_changes_the_article_only_for_those_who_may(
    client, world, role, create, own, other
):
    article = ArticleFactory(network=world.network, title="Alter Titel")
    client = _client_for(client, world, role)

    response = client.post(
        f"/wissen/artikel/{article.slug}/bearbeiten/", _form_data(title="Neuer Titel")
    )

    article.refresh_from_db()
    if own == 200:
        assert response.status_code == 302
        assert article.title == "Neuer Titel"
    else:
        assert article.title == "Alter Titel"


def test_create_offers_only_the_networks_the_coordinator_may_write_for(client, world):
    client.force_login(world.coordinator)

    form = client.get(NEW_URL).context["form"]

    assert list(form.fields["network"].queryset) == [world.network]


def test_admin_may_choose_any_network(client, world):
    client.force_login(world.admin)

    form = client.get(NEW_URL).context["form"]

    assert set(form.fields["network"].queryset) == {world.network, world.other_network}


def test_coordinator_cannot_post_an_article_into_another_network(client, world):
    client.force_login(world.coordinator)

    response = client.post(NEW_URL, _form_data(network=world.other_network.pk))

    assert response.status_code == 200
    assert 'id="id_network_error"' in _html(response)
    assert not Article.objects.exists()


def test_coordinator_writes_an_article_with_topics_and_it_is_found(client, world):
    finance = TopicFactory(name="Finanzierung", slug="finanzierung")
    TopicFactory(name="Rechtsform", slug="rechtsform")
    client.force_login(world.coordinator)

    response = client.post(
        NEW_URL,
        _form_data(
            network=world.network.pk,
            topics=[finance.pk],
            author_organisation=world.organisation.pk,
            title="Einen Verein gründen: Übersicht",
        ),
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/wissen/artikel/einen-verein-gruenden-uebersicht/"
    assert article.network == world.network
    assert article.author_organisation == world.organisation
    assert list(article.topics.all()) == [finance]
    assert article.is_published
    entry = SearchEntry.objects.get(object_id=article.pk, type="article")
    assert entry.facets["topic"] == ["finanzierung"]
    page = client.get(response["Location"])
    assert "Der Artikel wurde gespeichert." in _html(page)


def test_an_article_titled_like_the_create_page_gets_another_short_name(client, world):
    client.force_login(world.coordinator)

    client.post(NEW_URL, _form_data(network=world.network.pk, title="Neu"))

    assert Article.objects.get().slug == "neu-2"


def test_editing_keeps_the_address_and_updates_topics_and_index(client, world):
    old_topic = TopicFactory(slug="alt")
    new_topic = TopicFactory(slug="neu")
    article = ArticleFactory(network=world.network, slug="vereinsgruendung")
    article.topics.set([old_topic])
    client.force_login(world.coordinator)

    response = client.post(
        "/wissen/artikel/vereinsgruendung/bearbeiten/",
        _form_data(title="Ganz anderer Titel", topics=[new_topic.pk]),
    )

    article.refresh_from_db()
    assert response["Location"] == "/wissen/artikel/vereinsgruendung/"
    assert article.title == "Ganz anderer Titel"
    assert list(article.topics.all()) == [new_topic]
    entry = SearchEntry.objects.get(object_id=article.pk, type="article")
    assert entry.title == "Ganz anderer Titel"
    assert entry.facets["topic"] == ["neu"]


def test_unpublishing_removes_the_article_from_the_search(client, world):
    article = ArticleFactory(network=world.network)
    assert SearchEntry.objects.filter(object_id=article.pk, type="article").exists()
    client.force_login(world.coordinator)

    data = _form_data()
    del data["is_published"]
    client.post(f"/wissen/artikel/{article.slug}/bearbeiten/", data)

    assert not SearchEntry.objects.filter(object_id=article.pk, type="article").exists()


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("key_point_1", ""),
        ("key_point_2", "   "),
        ("key_point_3", "x" * 201),
        ("body", ""),
        ("audience", ""),
        ("audience", "everyone"),
        ("phase", "sleeping"),
        ("published_at", "gestern"),
    ],
)
def test_invalid_input_is_shown_next_to_the_field_and_in_the_summary(client, world, field, value):
    client.force_login(world.coordinator)

    response = client.post(NEW_URL, _form_data(network=world.network.pk, **{field: value}))

    html = _html(response)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert 'class="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert not Article.objects.exists()


def test_a_missing_key_point_is_named_in_german(client, world):
    client.force_login(world.coordinator)

    html = _html(client.post(NEW_URL, _form_data(network=world.network.pk, key_point_2="")))

    assert "Zweiter Kernpunkt" in html
    assert "Dieses Feld ist zwingend erforderlich." in html


def test_a_long_key_point_is_refused_with_its_limit(client, world):
    client.force_login(world.coordinator)

    html = _html(client.post(NEW_URL, _form_data(network=world.network.pk, key_point_3="x" * 201)))

    assert "200" in html


# --- preview ----------------------------------------------------------------------------------


def test_preview_renders_the_article_without_saving(client, world):
    client.force_login(world.coordinator)
    data = _form_data(network=world.network.pk)
    del data["save"]
    data["preview"] = "1"

    response = client.post(NEW_URL, data)

    html = _html(response)
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert "Vorschau (noch nicht gespeichert)" in html
    assert "<h3>Schritt für Schritt</h3>" in html
    assert "<strong>Gruppe</strong>" in html
    assert "<li>Sieben Mitglieder genügen für die Gründung.</li>" in html
    # The form keeps what was typed, to go on writing.
    assert "Einen Verein gründen" in html
    assert "## Schritt für Schritt" in html


def test_preview_of_an_edit_leaves_the_stored_article_alone(client, world):
    article = ArticleFactory(network=world.network, title="Gespeicherter Titel")
    client.force_login(world.coordinator)
    data = _form_data(title="Entwurfstitel")
    del data["save"]
    data["preview"] = "1"

    html = _html(client.post(f"/wissen/artikel/{article.slug}/bearbeiten/", data))

    article.refresh_from_db()
    assert article.title == "Gespeicherter Titel"
    assert "„Gespeicherter Titel“ bearbeiten" in html
    assert "Entwurfstitel" in html


def test_preview_sanitises_the_body(client, world):
    client.force_login(world.coordinator)
    data = _form_data(
        network=world.network.pk,
        body="<script>alert(1)</script>\n\n[klick](javascript:alert(1))",
        preview="1",
    )
    del data["save"]

    html = _html(client.post(NEW_URL, data))
    preview = html.split('id="preview"', 1)[1].split("</section>", 2)[1]

    assert "<script>alert" not in preview
    assert 'href="javascript:' not in preview


def test_preview_with_errors_shows_the_errors_and_no_preview(client, world):
    client.force_login(world.coordinator)
    data = _form_data(network=world.network.pk, key_point_1="", preview="1")
    del data["save"]

    html = _html(client.post(NEW_URL, data))

    assert 'id="id_key_point_1_error"' in html
    assert "Vorschau (noch nicht gespeichert)" not in html


# --- services ---------------------------------------------------------------------------------


def _service_data(**overrides):
    data = {
        "title": "Gemeinschaftlich bauen",
        "key_point_1": "Eins.",
        "key_point_2": "Zwei.",
        "key_point_3": "Drei.",
        "body": "Text",
        "audience": Audience.BOTH,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["outsider", "member", "editor", "other_coordinator"])
def test_article_create_refuses_those_who_may_not(world, role):
    with pytest.raises(PermissionDenied):
        article_create(network=world.network, actor=user_for(world, role), data=_service_data())


def test_article_update_refuses_the_other_networks_coordinator(world):
    article = ArticleFactory(network=world.network)

    with pytest.raises(PermissionDenied):
        article_update(article=article, actor=world.other_coordinator, data={"title": "X"})


def test_article_create_needs_three_key_points(world):
    with pytest.raises(ValidationError) as excinfo:
        article_create(
            network=world.network,
            actor=world.coordinator,
            data=_service_data(key_point_2="  ", key_point_3=""),
        )

    assert set(excinfo.value.message_dict) == {"key_point_2", "key_point_3"}
    assert not Article.objects.exists()


def test_article_create_derives_a_unique_slug_with_umlauts_spelled_out(world):
    first = article_create(
        network=world.network, actor=world.admin, data=_service_data(title="Übergänge gestalten")
    )
    second = article_create(
        network=world.network, actor=world.admin, data=_service_data(title="Übergänge gestalten")
    )

    assert first.slug == "uebergaenge-gestalten"
    assert second.slug == "uebergaenge-gestalten-2"


def test_article_update_ignores_unknown_keys_and_keeps_topics_when_not_given(world):
    topic = TopicFactory()
    article = ArticleFactory(network=world.network, slug="bleibt")
    article.topics.set([topic])

    article_update(
        article=article,
        actor=world.coordinator,
        data={"title": "Neu", "slug": "anders", "network": world.other_network},
    )

    article.refresh_from_db()
    assert article.title == "Neu"
    assert article.slug == "bleibt"
    assert article.network == world.network
    assert list(article.topics.all()) == [topic]


# --- related articles and tools ---------------------------------------------------------------


def test_the_editor_links_related_articles_and_tools_of_the_same_network(client, world):
    article = ArticleFactory(network=world.network, slug="vereinsgruendung")
    other = ArticleFactory(network=world.network, title="Die Satzung schreiben")
    foreign = ArticleFactory(network=world.other_network, title="Fremder Artikel")
    tool = ToolFactory(toolbox__network=world.network, title="Gründungsberatung")
    foreign_tool = ToolFactory(toolbox__network=world.other_network, title="Fremdes Werkzeug")
    client.force_login(world.coordinator)

    page = _html(client.get("/wissen/artikel/vereinsgruendung/bearbeiten/"))
    assert "Die Satzung schreiben" in page
    assert "Gründungsberatung" in page
    assert "Fremder Artikel" not in page
    assert "Fremdes Werkzeug" not in page

    response = client.post(
        "/wissen/artikel/vereinsgruendung/bearbeiten/",
        _form_data(related_articles=[other.pk], related_tools=[tool.pk]),
    )

    assert response.status_code == 302
    assert list(article.related_articles.all()) == [other]
    assert list(article.related_tools.all()) == [tool]
    shown = _html(client.get("/wissen/artikel/vereinsgruendung/"))
    assert "Die Satzung schreiben" in shown
    assert "Gründungsberatung" in shown
    # The edit page offers the stored links as chosen.
    page = _html(client.get("/wissen/artikel/vereinsgruendung/bearbeiten/"))
    assert f'<option value="{other.pk}" selected>' in page

    refused = client.post(
        "/wissen/artikel/vereinsgruendung/bearbeiten/",
        _form_data(related_articles=[foreign.pk], related_tools=[foreign_tool.pk]),
    )
    assert refused.status_code == 200
    assert 'class="error-summary"' in _html(refused)
    assert list(article.related_articles.all()) == [other]


def test_article_update_refuses_related_items_of_another_network(world):
    article = ArticleFactory(network=world.network)
    foreign = ArticleFactory(network=world.other_network)
    foreign_tool = ToolFactory(toolbox__network=world.other_network)

    with pytest.raises(ValidationError) as refused:
        article_update(
            article=article,
            actor=world.coordinator,
            data={},
            related_articles=[foreign],
            related_tools=[foreign_tool],
        )

    assert set(refused.value.message_dict) == {"related_articles", "related_tools"}
    assert not article.related_articles.exists()


def test_related_items_stay_when_not_given(world):
    article = ArticleFactory(network=world.network)
    other = ArticleFactory(network=world.network)
    article.related_articles.set([other])

    article_update(article=article, actor=world.coordinator, data={"title": "Neu"})

    assert list(article.related_articles.all()) == [other]
