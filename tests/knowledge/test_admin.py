"""The admin of the knowledge models: every list, add and change page opens with content in
it (inlines included), search and filters work, and saving keeps the search index current."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allmende.knowledge.models import (
    Article,
    ExamplePlacePhoto,
    ImpactCriterion,
    PositionSignature,
    Publication,
    ToolExample,
    ToolLink,
    ToolStep,
)
from allmende.search.models import SearchEntry
from tests.knowledge.factories import (
    MINIMAL_PDF,
    ArticleFactory,
    ExamplePlaceFactory,
    FacetTermFactory,
    NewsFactory,
    PositionFactory,
    PublicationFactory,
    ToolFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge(world):
    """One object of every knowledge model, with the rows its inlines show."""
    topic = TopicFactory(name="Erbbaurecht")
    article = ArticleFactory(network=world.network, title="Erbbaurecht erklärt")
    article.topics.set([topic])
    tool = ToolFactory(toolbox__network=world.network, title="Leerstandslotsen", number=7)
    other_tool = ToolFactory(toolbox=tool.toolbox, prefix=tool.prefix, number=2)
    term = FacetTermFactory(toolbox=tool.toolbox, name="regional")
    tool.terms.set([term])
    ToolStep.objects.create(tool=tool, phase="before", text="Leerstand erfassen")
    ToolExample.objects.create(tool=tool, title="Lotsen in Görlitz")
    ToolLink.objects.create(source=tool, target=other_tool)
    criterion = ImpactCriterion.objects.create(name="Begegnung")
    place = ExamplePlaceFactory(network=world.network, name="Altes Kaufhaus")
    place.impact_criteria.set([criterion])
    ExamplePlacePhoto.objects.create(
        place=place,
        image="knowledge/places/x.jpg",
        alt_text="Fassade",
        author="A",
        licence="cc-by-4.0",
    )
    position = PositionFactory(network=world.network, title="Forderungen 2025")
    PositionSignature.objects.create(position=position, organisation=world.organisation)
    return {
        "topic": topic,
        "article": article,
        "toolbox": tool.toolbox,
        "prefix": tool.prefix,
        "term": term,
        "tool": tool,
        "criterion": criterion,
        "place": place,
        "publication": PublicationFactory(network=world.network, title="Leitfaden Leerstand"),
        "position": position,
        "news": NewsFactory(network=world.network, title="Neues Mitglied"),
    }


OBJECTS = [
    "topic", "article", "toolbox", "tool", "criterion", "place", "publication", "position", "news",
]  # fmt: skip


def _url(obj, view: str, *args) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("name", OBJECTS)
def test_admin_pages_of_every_knowledge_model_open(client, world, knowledge, name):
    obj = knowledge[name]
    client.force_login(world.admin)

    changelist = client.get(_url(obj, "changelist"))
    add = client.get(_url(obj, "add"))
    change = client.get(_url(obj, "change", obj.pk))

    assert changelist.status_code == 200
    assert str(obj) in changelist.content.decode()
    assert add.status_code == 200
    assert change.status_code == 200


def test_tool_change_page_shows_its_steps_examples_and_links(client, world, knowledge):
    client.force_login(world.admin)

    html = client.get(_url(knowledge["tool"], "change", knowledge["tool"].pk)).content.decode()

    assert "Leerstand erfassen" in html
    assert "Lotsen in Görlitz" in html
    assert "W 007" in html


def test_toolbox_change_page_shows_prefixes_and_terms(client, world, knowledge):
    client.force_login(world.admin)

    html = client.get(_url(knowledge["toolbox"], "change", knowledge["toolbox"].pk)).content
    html = html.decode()

    assert 'value="W"' in html
    assert 'value="regional"' in html


def test_place_and_position_change_pages_show_their_inlines(client, world, knowledge):
    client.force_login(world.admin)

    place = client.get(_url(knowledge["place"], "change", knowledge["place"].pk)).content
    position = client.get(_url(knowledge["position"], "change", knowledge["position"].pk)).content

    assert 'value="Fassade"' in place.decode()
    assert "Stadtlücken Stuttgart" in position.decode()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("article", "q=Erbbaurecht&is_published__exact=1&audience__exact=initiatives"),
        ("tool", "q=Leerstandslotsen&is_published__exact=1"),
        ("place", "q=Kaufhaus"),
        ("publication", "q=Leitfaden&kind__exact=guide"),
        ("position", "q=Forderungen"),
        ("news", "q=Mitglied"),
    ],
)
def test_admin_search_and_filters_find_the_object(client, world, knowledge, name, query):
    obj = knowledge[name]
    client.force_login(world.admin)

    response = client.get(f"{_url(obj, 'changelist')}?{query}")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def _article_post(world, topic, **overrides):
    data = {
        "network": world.network.pk,
        "title": "Im Admin geschrieben",
        "slug": "im-admin-geschrieben",
        "key_point_1": "Eins.",
        "key_point_2": "Zwei.",
        "key_point_3": "Drei.",
        "body": "Text aus dem Admin.",
        "audience": "owners",
        "phase": "",
        "topics": [topic.pk],
        "is_published": "on",
        "published_at_0": "2025-01-01",
        "published_at_1": "10:00:00",
    }
    data.update(overrides)
    return data


def test_saving_an_article_in_the_admin_indexes_it_with_its_topics(client, world):
    topic = TopicFactory(name="Finanzierung", slug="finanzierung")
    client.force_login(world.admin)

    response = client.post(reverse("admin:knowledge_article_add"), _article_post(world, topic))

    assert response.status_code == 302
    article = Article.objects.get(slug="im-admin-geschrieben")
    entry = SearchEntry.objects.get(object_id=article.pk, type="article")
    assert entry.facets["topic"] == ["finanzierung"]


def test_changing_topics_in_the_admin_updates_the_index(client, world):
    old, new = TopicFactory(slug="alt"), TopicFactory(slug="neu")
    article = ArticleFactory(network=world.network, slug="im-admin-geschrieben")
    article.topics.set([old])
    client.force_login(world.admin)

    client.post(
        reverse("admin:knowledge_article_change", args=[article.pk]), _article_post(world, new)
    )

    entry = SearchEntry.objects.get(object_id=article.pk, type="article")
    assert entry.facets["topic"] == ["neu"]


def test_unpublish_action_removes_items_from_the_index(client, world):
    article = ArticleFactory(network=world.network)
    assert SearchEntry.objects.filter(object_id=article.pk, type="article").exists()
    client.force_login(world.admin)

    client.post(
        reverse("admin:knowledge_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )

    article.refresh_from_db()
    assert not article.is_published
    assert not SearchEntry.objects.filter(object_id=article.pk, type="article").exists()


def _publication_post(world, upload):
    return {
        "network": world.network.pk,
        "title": "Neuer Leitfaden",
        "slug": "neuer-leitfaden",
        "kind": "guide",
        "cover_text": "Für Kommunen.",
        "file": upload,
        "issued_on": "2025-02-01",
        "is_published": "on",
        "published_at_0": "2025-02-01",
        "published_at_1": "10:00:00",
    }


def test_admin_stores_an_uploaded_pdf_with_its_size(client, world):
    client.force_login(world.admin)

    response = client.post(
        reverse("admin:knowledge_publication_add"),
        _publication_post(world, SimpleUploadedFile("leitfaden.pdf", MINIMAL_PDF)),
    )

    assert response.status_code == 302
    publication = Publication.objects.get(slug="neuer-leitfaden")
    assert publication.file_size == len(MINIMAL_PDF)
    assert publication.file.name.endswith(".pdf")


def test_admin_refuses_a_file_that_is_not_a_pdf(client, world):
    client.force_login(world.admin)

    response = client.post(
        reverse("admin:knowledge_publication_add"),
        _publication_post(world, SimpleUploadedFile("leitfaden.pdf", b"<html>kein PDF</html>")),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Publication.objects.filter(slug="neuer-leitfaden").exists()


@pytest.mark.parametrize("role", ["coordinator", "editor", "outsider"])
def test_admin_is_closed_to_people_who_are_not_staff(client, world, role):
    client.force_login(getattr(world, role))

    response = client.get(reverse("admin:knowledge_article_changelist"))

    assert response.status_code == 302
