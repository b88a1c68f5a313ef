"""Benchmark: directory page, organisation API list and the map's GeoJSON endpoint at scale.

Creates a throw-away database (SQLite by default, or the one in DATABASE_URL) with N synthetic
organisations spread over Germany, then times requests through Django's test client and prints
p50/p95 per endpoint plus the number of queries. Writes bench/results/directory.json.
Never asserts time: budgets are compared in the closing notes, not in tests.

    .venv/bin/python bench/bench_directory.py --organisations 100000
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--output", default="bench/results/directory.json")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="allmende-bench-")
    os.environ.setdefault("ALLMENDE_DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allmende.settings")
    os.environ["RATELIMIT_ENABLE"] = "false"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from allmende.core.places import all_places
    from allmende.networks.models import Membership, Network, Organisation, OrganisationKind
    from allmende.networks.selectors import organisation_map_invalidate

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    places = [p for p in all_places() if p.kind == "place"]
    kinds = [k.value for k in OrganisationKind]
    network = Network.objects.create(name="Benchmark-Netzwerk", slug="bench")
    started = time.perf_counter()
    batch = []
    for i in range(args.organisations):
        place = rng.choice(places)
        batch.append(
            Organisation(
                name=f"Organisation {i:06d} {place.name}",
                slug=f"org-{i:06d}",
                kind=rng.choice(kinds),
                city=place.name,
                state=place.state,
                lat=place.lat + rng.uniform(-0.02, 0.02),
                lon=place.lon + rng.uniform(-0.02, 0.02),
            )
        )
        if len(batch) == 5000:
            Organisation.objects.bulk_create(batch)
            batch = []
    Organisation.objects.bulk_create(batch)
    ids = list(Organisation.objects.values_list("pk", flat=True)[: args.organisations // 5])
    Membership.objects.bulk_create(
        [Membership(network=network, organisation_id=pk) for pk in ids], batch_size=5000
    )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - started

    client = Client()
    endpoints = {
        "directory page": "/organisationen/",
        "directory page, filtered": "/organisationen/?kind=municipality&state=Bayern&q=Stadt",
        "directory page 200": "/organisationen/?page=200",
        "organisation detail": "/organisationen/org-004242/",
        "api organisations list": "/api/v1/organisations?page_size=50",
        "map geojson Germany z6": "/api/v1/organisations.geojson?bbox=5.5,47.2,15.5,55.1&zoom=6",
        "map geojson network z6": (
            "/api/v1/organisations.geojson?bbox=5.5,47.2,15.5,55.1&zoom=6&network=bench"
        ),
        "map geojson Berlin z11": (
            "/api/v1/organisations.geojson?bbox=13.30,52.47,13.50,52.57&zoom=11"
        ),
        "map geojson Leipzig z13": (
            "/api/v1/organisations.geojson?bbox=12.35,51.33,12.40,51.35&zoom=13"
        ),
    }
    # Map answers are cached until data changes: measure them cold (cache invalidated before
    # every request) and warm.
    runs = []
    for label, url in endpoints.items():
        if "geojson" in url:
            runs.append((f"{label} (cold)", url, True))
            runs.append((f"{label} (cached)", url, False))
        else:
            runs.append((label, url, False))
    results = {}
    for label, url, cold in runs:
        timings = []
        queries = 0
        for _ in range(args.repeat):
            if cold:
                organisation_map_invalidate()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                print(f"{label}: HTTP {response.status_code}", file=sys.stderr)
                return 1
            queries = len(captured)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results[label] = {
            "url": url,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(p95, 1),
            "queries": queries,
        }
        print(
            f"{label:<36} p50 {results[label]['p50_ms']:>7.1f} ms   "
            f"p95 {results[label]['p95_ms']:>7.1f} ms   {queries} queries"
        )
    output = {
        "database": connection.vendor,
        "organisations": args.organisations,
        "load_seconds": round(load_seconds, 1),
        "repeat": args.repeat,
        "results": results,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(output, indent=2), encoding="utf-8")
    print(f"written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
