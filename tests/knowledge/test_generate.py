"""``allmende generate --knowledge N``: searchable synthetic German content, marked and
removable; and a smoke run of bench/search.py."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from allmende.knowledge.models import (
    Article,
    ExamplePlace,
    Facet,
    News,
    Tool,
    Toolbox,
    ToolStep,
)
from allmende.knowledge.synthetic import (
    KnowledgeSyntheticError,
    knowledge_split,
    knowledge_synthetic_generate,
    knowledge_synthetic_remove,
)
from allmende.knowledge.synthetic.vocabulary import HEADS
from allmende.search.models import SearchEntry
from allmende.search.selectors import search
from tests.factories import NetworkFactory
from tests.knowledge.factories import ArticleFactory, NewsFactory, ToolFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def networks(db):
    return [NetworkFactory(), NetworkFactory()]


def _synthetic_counts() -> dict[str, int]:
    return {
        "articles": Article.objects.filter(is_synthetic=True).count(),
        "tools": Tool.objects.filter(is_synthetic=True).count(),
        "places": ExamplePlace.objects.filter(is_synthetic=True).count(),
        "news": News.objects.filter(is_synthetic=True).count(),
    }


def test_generate_creates_the_asked_number_of_synthetic_items(networks):
    out = io.StringIO()

    call_command("generate", knowledge=200, seed=3, stdout=out)

    counts = _synthetic_counts()
    assert sum(counts.values()) == 200
    assert counts == {key: knowledge_split(200)[key] for key in counts}
    assert counts["articles"] > counts["tools"] > counts["places"] > 0
    assert "synthetic articles" in out.getvalue() or "synthetische Artikel" in out.getvalue()


def test_generated_items_are_published_over_all_networks_and_years(networks):
    knowledge_synthetic_generate(count=200, seed=3)

    articles = Article.objects.filter(is_synthetic=True)
    assert articles.published().count() == articles.count()
    assert set(articles.values_list("network", flat=True)) == {n.pk for n in networks}
    years = {a.published_at.year for a in articles}
    assert len(years) >= 5
    assert all(len(set(a.key_points)) >= 2 for a in articles)


def test_a_compound_part_finds_synthetic_items_inside_longer_words(networks):
    knowledge_synthetic_generate(count=200, seed=3)

    results = search("genossenschaft", limit=50)

    assert results.total > 0
    titles = " ".join(hit.title for hit in results.hits).lower()
    assert any(
        word != "genossenschaft" and "genossenschaft" in word
        for word in titles.replace(":", " ").split()
    )


def test_a_stemmed_plural_and_an_umlaut_spelling_find_synthetic_items(networks):
    knowledge_synthetic_generate(count=200, seed=3)

    assert search("Genossenschaften").total > 0
    assert search("Frueh beteiligen").total == search("Früh beteiligen").total > 0


def test_synthetic_tools_carry_terms_of_every_facet_and_unique_codes(networks):
    knowledge_synthetic_generate(count=200, seed=3)

    tools = Tool.objects.filter(is_synthetic=True).prefetch_related("terms")
    for tool in tools:
        assert {term.facet for term in tool.terms.all()} == set(Facet.values)
        assert tool.code.startswith(tool.prefix.prefix + " ")
    assert len({(t.toolbox_id, t.code) for t in tools}) == tools.count()
    assert ToolStep.objects.filter(tool__is_synthetic=True).count() >= tools.count()
    assert Toolbox.objects.filter(is_synthetic=True).count() == 1


def test_the_same_seed_gives_the_same_texts(networks):
    knowledge_synthetic_generate(count=40, seed=9, rebuild_index=False)
    first = list(Article.objects.order_by("slug").values_list("slug", "title", "body"))
    knowledge_synthetic_remove()

    knowledge_synthetic_generate(count=40, seed=9, rebuild_index=False)

    assert list(Article.objects.order_by("slug").values_list("slug", "title", "body")) == first


def test_remove_deletes_exactly_the_synthetic_items_and_their_index_entries(networks):
    real = [ArticleFactory(title="Echte Wohnungsbaugenossenschaft"), NewsFactory(), ToolFactory()]
    knowledge_synthetic_generate(count=200, seed=3)
    real_entries = SearchEntry.objects.count() - 200

    out = io.StringIO()
    call_command("generate", remove=True, stdout=out)

    assert _synthetic_counts() == {"articles": 0, "tools": 0, "places": 0, "news": 0}
    assert not Toolbox.objects.filter(is_synthetic=True).exists()
    for obj in real:
        obj.refresh_from_db()
    assert SearchEntry.objects.count() == real_entries
    assert [hit.title for hit in search("Wohnungsbaugenossenschaft").hits] == [
        "Echte Wohnungsbaugenossenschaft"
    ]


def test_generating_the_same_seed_twice_is_refused(networks):
    knowledge_synthetic_generate(count=20, seed=4, rebuild_index=False)

    with pytest.raises(KnowledgeSyntheticError):
        knowledge_synthetic_generate(count=20, seed=4)
    with pytest.raises(CommandError, match="4"):
        call_command("generate", knowledge=20, seed=4, stdout=io.StringIO())


def test_generating_without_a_network_is_refused_with_a_clear_message(db):
    with pytest.raises(CommandError, match="Netzwerk"):
        call_command("generate", knowledge=10, stdout=io.StringIO())


def test_remove_cannot_be_combined_with_knowledge(db):
    with pytest.raises(CommandError, match="--knowledge"):
        call_command("generate", knowledge=10, remove=True, stdout=io.StringIO())


def test_progress_is_reported_per_content_type_and_for_the_index(networks):
    seen: list[tuple[str, int, int]] = []

    knowledge_synthetic_generate(
        count=50, seed=5, batch_size=10, progress=lambda *args: seen.append(args)
    )

    labels = {label for label, _done, _total in seen}
    assert len(labels) >= 5  # four content types and at least one index step
    finished = {label for label, done, total in seen if done == total}
    assert finished == labels


def test_bench_search_runs_on_a_tiny_sqlite_database(tmp_path):
    output = tmp_path / "search.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ALLMENDE_DATA_DIR", "DJANGO_SETTINGS_MODULE"}
    }
    env["ALLMENDE_DATA_DIR"] = str(tmp_path / "data")

    completed = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [sys.executable, "bench/search.py", "--items", "60", "--repeat", "2",
         "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(output.read_text("utf-8"))
    assert result["items"] == 60
    assert result["database"] == "sqlite"
    assert result["figures"]["index_entries"] >= 60
    assert set(result["queries"]) >= {"single word", "stemmed plural", "compound part", "phrase"}
    assert result["summary"]["search_p95_ms"] > 0


def test_items_keep_to_a_topic_so_that_a_word_is_not_in_every_text(networks):
    knowledge_synthetic_generate(count=300, seed=6)

    # Drawn evenly from two dozen heads, a head such as "zentrum" was in about 70 % of all
    # texts; on topic a typical head is in a share like that of a real collection, and every
    # head still occurs somewhere.
    bodies = [b.lower() for b in SearchEntry.objects.values_list("body", flat=True)]
    shares = sorted(sum(head.singular in body for body in bodies) / len(bodies) for head in HEADS)
    assert shares[0] > 0
    assert shares[len(shares) // 2] < 0.35, shares
