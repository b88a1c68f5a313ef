"""A renamed network, topic, toolbox or toolbox term: its short name is in the facets (and a
toolbox's in its tools' addresses), so the entries carrying the old one are indexed again."""

import pytest

from allmende.knowledge.models import Facet
from allmende.networks.models import Network
from allmende.search.selectors import search
from tests.factories import NetworkFactory
from tests.knowledge.factories import (
    ArticleFactory,
    FacetTermFactory,
    ToolboxFactory,
    ToolFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def _titles(query="", **kwargs):
    return sorted(hit.title for hit in search(query, **kwargs).hits)


def test_a_renamed_network_is_found_under_its_new_short_name_only():
    network = NetworkFactory(slug="alt-netz")
    ArticleFactory(network=network, title="Gemeinschaftsgarten anlegen")
    ArticleFactory(title="Anderswo")

    network.slug = "neu-netz"
    network.save()

    assert _titles(filters={"network": ["neu-netz"]}) == ["Gemeinschaftsgarten anlegen"]
    assert _titles(filters={"network": ["alt-netz"]}) == []


def test_a_network_loaded_fresh_and_renamed_is_followed_too():
    network = NetworkFactory(slug="alt-netz")
    ArticleFactory(network=network, title="Gemeinschaftsgarten anlegen")

    loaded = Network.objects.get(pk=network.pk)
    loaded.slug = "neu-netz"
    loaded.save()

    assert _titles(filters={"network": ["neu-netz"]}) == ["Gemeinschaftsgarten anlegen"]


def test_a_renamed_topic_and_term_move_their_entries():
    topic = TopicFactory(slug="geld")
    article = ArticleFactory(title="Direktkredite sammeln")
    article.topics.set([topic])
    article.save()  # indexed with its topics
    term = FacetTermFactory(facet=Facet.SPATIAL_LEVEL, slug="dorf")
    tool = ToolFactory(toolbox=term.toolbox, title="Dorfladen gründen")
    tool.terms.set([term])
    tool.save()  # indexed with its terms

    topic.slug = "finanzierung"
    topic.save()
    term.slug = "dorfebene"
    term.save()

    assert _titles(filters={"topic": ["finanzierung"]}) == ["Direktkredite sammeln"]
    assert _titles(filters={"topic": ["geld"]}) == []
    spatial = Facet.SPATIAL_LEVEL.value
    assert [h.title for h in search("", filters={spatial: ["dorfebene"]}).hits] == [
        f"{tool.code} Dorfladen gründen"
    ]


def test_a_renamed_toolbox_updates_its_tools_addresses_in_the_results():
    toolbox = ToolboxFactory(slug="kasten-alt")
    tool = ToolFactory(toolbox=toolbox, title="Leerstandslotsen ausbilden")

    toolbox.slug = "kasten-neu"
    toolbox.save()

    hit = search("Leerstandslotsen").hits[0]
    tool.refresh_from_db()
    assert "kasten-neu" in hit.url
    assert hit.url == tool.get_absolute_url()


def test_saving_without_a_new_short_name_indexes_nothing_again(django_assert_max_num_queries):
    network = NetworkFactory(slug="bleibt")
    ArticleFactory(network=network)
    network.name = "Neuer Name"

    with django_assert_max_num_queries(3):  # the update (and its savepoint), nothing more
        network.save()
