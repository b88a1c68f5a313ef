"""Content scheduled for later enters the search index when its date arrives: the service,
its task and ``allmende index_scheduled``. The same tests on SQLite and PostgreSQL."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from allmende.knowledge.models import (
    Article,
    ExamplePlace,
    News,
    Position,
    Publication,
    Tool,
)
from allmende.knowledge.services_search import knowledge_index_due
from allmende.knowledge.tasks import index_scheduled
from allmende.search.models import SearchEntry
from allmende.search.selectors import search
from tests.knowledge.factories import (
    ArticleFactory,
    ExamplePlaceFactory,
    NewsFactory,
    PositionFactory,
    PublicationFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db

TOMORROW = datetime.timedelta(days=1)
KNOWLEDGE_TYPES = ["article", "tool", "place", "publication", "position", "news"]


def knowledge_entries():
    """Entries of knowledge content (the factories' organisations are indexed too)."""
    return SearchEntry.objects.filter(type__in=KNOWLEDGE_TYPES)


def titles(query):
    return sorted(hit.title for hit in search(query).hits)


def arrive(model, obj):
    """Simulate the date arriving: move ``published_at`` into the past without a save (and
    so without the signal that would index it)."""
    model.objects.filter(pk=obj.pk).update(
        published_at=timezone.now() - datetime.timedelta(hours=1)
    )


def test_scheduled_article_is_found_only_after_its_date_and_the_run():
    article = ArticleFactory(
        title="Erbbaurecht für Hausprojekte", published_at=timezone.now() + TOMORROW
    )
    assert titles("Erbbaurecht") == []
    assert knowledge_index_due() == 0

    arrive(Article, article)
    assert titles("Erbbaurecht") == []  # no save, no signal: only the run indexes it
    assert knowledge_index_due() == 1
    assert titles("Erbbaurecht") == ["Erbbaurecht für Hausprojekte"]


def test_items_already_indexed_are_not_indexed_again():
    ArticleFactory(title="Genossenschaft gründen")
    scheduled = ArticleFactory(
        title="Genossenschaft finanzieren", published_at=timezone.now() + TOMORROW
    )
    arrive(Article, scheduled)
    assert knowledge_index_due() == 1
    assert knowledge_index_due() == 0
    assert SearchEntry.objects.filter(type="article").count() == 2
    assert titles("Genossenschaft") == ["Genossenschaft finanzieren", "Genossenschaft gründen"]


def test_every_knowledge_type_is_indexed_when_due():
    later = timezone.now() + TOMORROW
    items = [
        (Article, ArticleFactory(published_at=later)),
        (Tool, ToolFactory(published_at=later)),
        (ExamplePlace, ExamplePlaceFactory(published_at=later)),
        (Publication, PublicationFactory(published_at=later)),
        (Position, PositionFactory(published_at=later)),
        (News, NewsFactory(published_at=later)),
    ]
    assert knowledge_entries().count() == 0
    for model, obj in items:
        arrive(model, obj)
    assert knowledge_index_due() == len(items)
    assert sorted(knowledge_entries().values_list("type", flat=True)) == sorted(KNOWLEDGE_TYPES)


def test_drafts_and_items_due_after_now_stay_out():
    ArticleFactory(title="Entwurf", is_published=False, published_at=timezone.now())
    due = ArticleFactory(title="Bald", published_at=timezone.now() + TOMORROW)
    arrive(Article, due)
    assert knowledge_index_due(now=timezone.now() - datetime.timedelta(days=2)) == 0
    assert knowledge_entries().count() == 0
    assert knowledge_index_due(now=timezone.now()) == 1
    assert list(knowledge_entries().values_list("title", flat=True)) == ["Bald"]


def test_selection_takes_one_query_per_type(django_assert_max_num_queries):
    with django_assert_max_num_queries(6 * 2):
        # Per type: the content type (cached after the first look-up) and the due items.
        assert knowledge_index_due() == 0


def test_task_and_command_run_the_service():
    first = ArticleFactory(title="Leerstand melden", published_at=timezone.now() + TOMORROW)
    second = ArticleFactory(title="Leerstand nutzen", published_at=timezone.now() + TOMORROW)
    arrive(Article, first)
    assert index_scheduled.enqueue().return_value == 1
    arrive(Article, second)
    out = io.StringIO()
    call_command("index_scheduled", stdout=out)
    assert "1 item(s) indexed." in out.getvalue()
    assert titles("Leerstand") == ["Leerstand melden", "Leerstand nutzen"]


def test_command_can_queue_the_task():
    article = ArticleFactory(title="Zwischennutzung", published_at=timezone.now() + TOMORROW)
    arrive(Article, article)
    out = io.StringIO()
    call_command("index_scheduled", "--background", stdout=out)
    assert "queued" in out.getvalue()
    assert titles("Zwischennutzung") == ["Zwischennutzung"]  # the test settings run tasks at once
