"""Benchmark: German full-text search over synthetic knowledge content (budget: p95 ≤ 30 ms).

Creates a throw-away database (SQLite by default, or the one in DATABASE_URL; the synthetic
rows are removed again at the end), loads the demo networks and knowledge content, generates
N synthetic knowledge items (``allmende generate --knowledge N``: articles, tools, example
places, news built from German compound words) and times:

- the search index build (``search_rebuild``);
- p50/p95 of typical queries (single word, stemmed plural, compound part, two words, phrase,
  umlaut written as ae/oe/ue) through ``allmende.search.selectors.search``, without and with
  facet filters (whatever filter parameters the selector offers). The budget figures are
  cold: the process's cached match lists are emptied before every timed run, as for the first
  search with these words since the index last changed. Warm figures (the same words again:
  a facet click, the next page) are reported beside them;
- the same queries as ``icontains`` filters on article and tool title and text, the baseline
  the index must beat (ratio);
- the search page over HTTP through Django's test client.

Prints a table and writes bench/results/search.json. Never asserts time.

    .venv/bin/python bench/search.py --items 50000
    .venv/bin/python bench/search.py --items 500 --repeat 3      # quick smoke run
"""

import argparse
import inspect
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUDGET_P95_MS = 30.0

# (label, query, words for the icontains baseline): each word must occur in title or text.
QUERIES: list[tuple[str, str, list[str]]] = [
    ("single word", "Leerstand", ["leerstand"]),
    ("stemmed plural", "Genossenschaften", ["genossenschaft"]),
    ("compound part", "management", ["management"]),
    ("compound word", "Wohnungsbaugenossenschaft", ["wohnungsbaugenossenschaft"]),
    ("two words", "Bürgerhaus Schule", ["bürgerhaus", "schule"]),
    ("phrase", '"gemeinsam planen"', ["gemeinsam planen"]),
    ("umlaut as ue", "Buergerzentrum", ["bürgerzentrum"]),
    ("umlaut as oe", "Foerderprogramm", ["förderprogramm"]),
    ("rare word", "Vierseithof", ["vierseithof"]),
]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (share 0.5 → median)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def timings(
    func: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
) -> tuple[list[float], Any]:
    """Wall times in milliseconds of ``repeat`` runs after one warm-up run, and the result;
    ``before`` runs untimed before each run."""
    result = func()
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50_000, help="synthetic knowledge items")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--output", default="bench/results/search.json")
    parser.add_argument("--no-http", action="store_true", help="skip the search page over HTTP")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="allmende-bench-search-")
    os.environ.setdefault("ALLMENDE_DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allmende.settings")
    os.environ["RATELIMIT_ENABLE"] = "false"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.models import Q
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from allmende.core.progress import progress_for
    from allmende.knowledge.demo import demo_knowledge_load
    from allmende.knowledge.models import Article, Tool
    from allmende.knowledge.synthetic import (
        knowledge_synthetic_generate,
        knowledge_synthetic_remove,
    )
    from allmende.networks.demo import demo_load
    from allmende.networks.models import Network
    from allmende.search import backends as search_backends
    from allmende.search import selectors
    from allmende.search.models import SearchEntry
    from allmende.search.services import search_rebuild

    call_command("migrate", verbosity=0)
    demo_load()
    demo_knowledge_load()  # the facet vocabularies the synthetic tools draw from
    progress = progress_for(sys.stdout)

    figures: dict[str, Any] = {}
    print(f"{args.items} synthetic knowledge items on {connection.vendor}, {os.cpu_count()} cores")
    generated = knowledge_synthetic_generate(
        count=args.items, seed=args.seed, progress=progress, rebuild_index=False
    )
    figures["generate_seconds"] = round(generated.seconds, 2)
    start = time.perf_counter()
    entries = search_rebuild(progress=progress)
    index_seconds = time.perf_counter() - start
    figures["index_build_seconds"] = round(index_seconds, 2)
    figures["index_entries"] = entries
    figures["index_entries_per_second"] = round(entries / index_seconds) if index_seconds else None
    print(f"{'generate (rows only)':<52}{generated.seconds:10.1f} s")
    print(f"{'index build (search_rebuild)':<52}{index_seconds:10.1f} s   {entries} entries")
    if connection.vendor == "postgresql":
        # Timed as a server runs some time after a rebuild: every table the bulk load wrote
        # vacuumed and analysed (hint bits, visibility map; and so no autovacuum of the
        # 50 000 new articles and tools competes with the timed searches for the two cores)
        # and written out, not while a checkpoint writes the bulk load's pages in the
        # background (CHECKPOINT needs a superuser or pg_checkpoint; skipped otherwise).
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
            try:
                cursor.execute("CHECKPOINT")
            except DatabaseError:
                print("CHECKPOINT not permitted: timed while the bulk load may be written out")
        settle = time.perf_counter() - start
        figures["vacuum_checkpoint_seconds"] = round(settle, 2)
        print(f"{'vacuum and checkpoint (not part of the build)':<52}{settle:10.1f} s")

    # The selector's filter parameters differ between versions: use what exists.
    parameters = inspect.signature(selectors.search).parameters
    network = Network.objects.order_by("pk").first()
    facet_sets: list[tuple[str, dict[str, Any]]] = []
    if "filters" in parameters:
        facet_sets = [
            ("audience=initiatives", {"filters": {"audience": ["initiatives"]}}),
            (
                f"network={network.slug}, type=article",
                {"filters": {"network": [network.slug]}, "types": ["article"]},
            ),
            ("type=tool, field=wohnen", {"filters": {"field": ["wohnen"]}, "types": ["tool"]}),
        ]
    elif "facets" in parameters:
        facet_sets = [("audience=initiatives", {"facets": {"audience": ["initiatives"]}})]
    else:
        facet_sets = [("type=article", {"types": ["article"]})]
    figures["facet_parameter"] = (
        "filters" if "filters" in parameters else "facets" if "facets" in parameters else "types"
    )

    def baseline(words: list[str]) -> int:
        total = 0
        for model, body in ((Article, "body"), (Tool, "summary")):
            condition = Q()
            for word in words:
                condition &= Q(title__icontains=word) | Q(**{f"{body}__icontains": word})
            total += model.objects.filter(condition, is_published=True).count()
            # The page of results as the search would show it.
            list(model.objects.filter(condition, is_published=True).order_by("-published_at")[:20])
        return total

    # Cold: no cached match list (versions without the cache are always cold).
    cold = getattr(search_backends, "hits_cache_clear", None)
    queries: dict[str, Any] = {}
    all_search: list[float] = []
    all_faceted: list[float] = []
    all_warm: list[float] = []
    all_faceted_warm: list[float] = []
    all_baseline: list[float] = []
    header = (
        f"{'query (cold; warm: the same words again)':<44}{'hits':>7}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'warm p95':>10}   {'icontains p50':>13}  ratio"
    )
    print(header)
    for label, query, words in QUERIES:
        times, result = timings(lambda q=query: selectors.search(q), args.repeat, cold)
        warm_times, _warm = timings(lambda q=query: selectors.search(q), args.repeat)
        base_times, base_hits = timings(lambda w=words: baseline(w), max(3, args.repeat // 4))
        entry: dict[str, Any] = {
            "query": query,
            "hits": result.total,
            "p50_ms": round(percentile(times, 0.5), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "warm_p50_ms": round(percentile(warm_times, 0.5), 2),
            "warm_p95_ms": round(percentile(warm_times, 0.95), 2),
            "icontains_hits_articles_tools": base_hits,
            "icontains_p50_ms": round(percentile(base_times, 0.5), 2),
            "icontains_p95_ms": round(percentile(base_times, 0.95), 2),
        }
        entry["ratio_icontains_over_search_p50"] = round(
            entry["icontains_p50_ms"] / max(entry["p50_ms"], 0.001), 2
        )
        entry["faceted"] = {}
        for facet_label, kwargs in facet_sets:
            facet_times, facet_result = timings(
                lambda q=query, k=kwargs: selectors.search(q, **k), args.repeat, cold
            )
            facet_warm, _warm = timings(
                lambda q=query, k=kwargs: selectors.search(q, **k), args.repeat
            )
            entry["faceted"][facet_label] = {
                "hits": facet_result.total,
                "p50_ms": round(percentile(facet_times, 0.5), 2),
                "p95_ms": round(percentile(facet_times, 0.95), 2),
                "warm_p50_ms": round(percentile(facet_warm, 0.5), 2),
                "warm_p95_ms": round(percentile(facet_warm, 0.95), 2),
            }
            all_faceted.extend(facet_times)
            all_faceted_warm.extend(facet_warm)
        queries[label] = entry
        all_search.extend(times)
        all_warm.extend(warm_times)
        all_baseline.extend(base_times)
        print(
            f"{label + ' ' + query:<44}{result.total:>7}{entry['p50_ms']:>9.1f}"
            f"{entry['p95_ms']:>9.1f}{entry['warm_p95_ms']:>10.1f}"
            f"   {entry['icontains_p50_ms']:>13.1f}"
            f"  {entry['ratio_icontains_over_search_p50']:>5.1f}×"
        )
        for facet_label, values in entry["faceted"].items():
            print(
                f"    + {facet_label:<38}{values['hits']:>7}{values['p50_ms']:>9.1f}"
                f"{values['p95_ms']:>9.1f}{values['warm_p95_ms']:>10.1f}"
            )

    summary = {
        "search_p50_ms": round(percentile(all_search, 0.5), 2),
        "search_p95_ms": round(percentile(all_search, 0.95), 2),
        "faceted_p50_ms": round(percentile(all_faceted, 0.5), 2) if all_faceted else None,
        "faceted_p95_ms": round(percentile(all_faceted, 0.95), 2) if all_faceted else None,
        "warm_p50_ms": round(percentile(all_warm, 0.5), 2),
        "warm_p95_ms": round(percentile(all_warm, 0.95), 2),
        "faceted_warm_p95_ms": (
            round(percentile(all_faceted_warm, 0.95), 2) if all_faceted_warm else None
        ),
        "icontains_p50_ms": round(percentile(all_baseline, 0.5), 2),
        "icontains_p95_ms": round(percentile(all_baseline, 0.95), 2),
        "budget_p95_ms": BUDGET_P95_MS,
    }
    summary["within_budget"] = summary["search_p95_ms"] <= BUDGET_P95_MS and (
        summary["faceted_p95_ms"] is None or summary["faceted_p95_ms"] <= BUDGET_P95_MS
    )
    summary["ratio_icontains_over_search_p50"] = round(
        summary["icontains_p50_ms"] / max(summary["search_p50_ms"], 0.001), 2
    )

    http: dict[str, Any] = {}
    if not args.no_http:
        try:
            url = reverse("search:search")
        except NoReverseMatch:
            url = ""
        if url:
            # Without setup_test_environment(): its template instrumentation copies every
            # context rendered, which a server does not do ("testserver" is an allowed host
            # outside production settings).
            client = Client()
            page_runs = max(5, args.repeat // 2)
            for label, query, _words in QUERIES:
                times, response = timings(
                    lambda q=query: client.get(url, {"q": q}), page_runs, cold
                )
                warm_times, _warm = timings(lambda q=query: client.get(url, {"q": q}), page_runs)
                http[label] = {
                    "status": response.status_code,
                    "p50_ms": round(percentile(times, 0.5), 2),
                    "p95_ms": round(percentile(times, 0.95), 2),
                    "warm_p95_ms": round(percentile(warm_times, 0.95), 2),
                }
                print(
                    f"{'HTTP ' + url + '?q=' + query:<44}{response.status_code:>7}"
                    f"{http[label]['p50_ms']:>9.1f}{http[label]['p95_ms']:>9.1f}"
                    f"{http[label]['warm_p95_ms']:>10.1f}"
                )

    print(
        f"all queries, cold: p50 {summary['search_p50_ms']} ms, p95 {summary['search_p95_ms']} ms "
        f"(budget {BUDGET_P95_MS:.0f} ms); with facets p95 {summary['faceted_p95_ms']} ms; "
        f"warm p95 {summary['warm_p95_ms']} ms, with facets {summary['faceted_warm_p95_ms']} ms; "
        f"icontains p50 {summary['icontains_p50_ms']} ms "
        f"({summary['ratio_icontains_over_search_p50']}× the search)"
    )
    output = {
        "items": args.items,
        "seed": args.seed,
        "repeat": args.repeat,
        "database": connection.vendor,
        "cores": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "split": {
            "articles": generated.articles,
            "tools": generated.tools,
            "places": generated.places,
            "news": generated.news,
        },
        "search_entries": SearchEntry.objects.count(),
        "figures": figures,
        "summary": summary,
        "queries": queries,
        "http": http,
    }
    # A database given in DATABASE_URL is left as it was found (apart from the demo networks).
    knowledge_synthetic_remove()
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(output, indent=2, ensure_ascii=False), "utf-8")
    print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
