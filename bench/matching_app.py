"""Benchmark: the matching as the application runs it, database included.

Creates a throw-away database (SQLite by default, or the one in DATABASE_URL), fills it with
``allmende generate`` data, and times: the full rebuild of the stored recommendations (with
German reasons), the background re-ranking after one need or one property changed (what the
task does: load, score, write), the "Passende Objekte" page and the recommendations API.
Prints the figures and writes bench/results/matching_app.json. Never asserts time.

    .venv/bin/python bench/matching_app.py --properties 100000 --needs 10000
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "runs": len(ordered),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--properties", type=int, default=20_000)
    parser.add_argument("--needs", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--output", default="bench/results/matching_app.json")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="allmende-bench-")
    os.environ.setdefault("ALLMENDE_DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allmende.settings")
    os.environ["RATELIMIT_ENABLE"] = "false"
    os.environ["TASK_BACKEND"] = "immediate"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from allmende.matching import services
    from allmende.matching.models import Recommendation
    from allmende.matching.synthetic import synthetic_generate
    from allmende.needs.models import SpaceNeed
    from allmende.properties.models import Property

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    synthetic_generate(properties=args.properties, needs=args.needs, seed=args.seed)
    generate_s = time.perf_counter() - started
    print(f"generate {args.properties} × {args.needs}: {generate_s:.1f} s ({connection.vendor})")

    started = time.perf_counter()
    rows = services.recommendations_rebuild()
    rebuild_s = time.perf_counter() - started
    print(f"rebuild: {rows} recommendations stored in {rebuild_s:.1f} s")

    need_ids = list(
        Recommendation.objects.filter(rank_for_need=1)
        .order_by("need_id")
        .values_list("need_id", flat=True)[: args.repeat]
    )
    prop_ids = list(
        Recommendation.objects.filter(rank_for_property=1)
        .order_by("property_id")
        .values_list("property_id", flat=True)[: args.repeat]
    )
    iterator_n, iterator_p = iter(need_ids * 2), iter(prop_ids * 2)
    refresh_need = timed(
        lambda: services.recommendations_refresh(need_ids=[next(iterator_n)]), len(need_ids)
    )
    refresh_property = timed(
        lambda: services.recommendations_refresh(property_ids=[next(iterator_p)]), len(prop_ids)
    )
    client = Client()
    need = SpaceNeed.objects.get(pk=need_ids[0])
    page = timed(lambda: client.get(f"/raumgesuche/{need.pk}/passende-objekte/"), args.repeat)
    api = timed(lambda: client.get(f"/api/v1/needs/{need.pk}/recommendations"), args.repeat)
    prop = Property.objects.get(pk=prop_ids[0])
    prop_page = timed(lambda: client.get(f"/objekte/{prop.pk}/passende-gruppen/"), args.repeat)

    results = {
        "database": connection.vendor,
        "properties": args.properties,
        "needs": args.needs,
        "generate_s": round(generate_s, 2),
        "rebuild_s": round(rebuild_s, 2),
        "rebuild_rows": rows,
        "refresh_after_need_change": summary(refresh_need),
        "refresh_after_property_change": summary(refresh_property),
        "need_matches_page": summary(page),
        "property_matches_page": summary(prop_page),
        "need_recommendations_api": summary(api),
    }
    for key, value in results.items():
        print(f"{key}: {value}")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
