"""Benchmark: the property map's GeoJSON endpoint at scale.

Creates a throw-away database (SQLite by default, or the one in DATABASE_URL) with N synthetic
properties spread over German places (a tenth of them sensitive, a tenth unpublished drafts),
then times requests through Django's test client: all of Germany at zoom 6 (clusters) and a
town at zoom 12 (points), each cold (cache invalidated before every request) and cached, for
a visitor, an editor of an organisation with drafts and an admin. Prints p50/p95 and the number
of queries; writes bench/results/properties_map.json. Never asserts time: the SPEC's budget
(p95 ≤ 50 ms server time for map pages) is compared in the closing notes, not in tests.

    .venv/bin/python bench/bench_properties_map.py --properties 20000
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
    parser.add_argument("--properties", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--output", default="bench/results/properties_map.json")
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

    from allmende.accounts.models import User
    from allmende.core.geo import point_shift
    from allmende.core.places import all_places
    from allmende.networks.models import (
        Membership,
        Network,
        Organisation,
        OrganisationKind,
        OrganisationRole,
        OrganisationRoleKind,
    )
    from allmende.properties.models import Property, PropertyKind, PropertyStatus
    from allmende.properties.selectors import property_map_invalidate

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(42)
    places = [p for p in all_places() if p.kind == "place"]
    network = Network.objects.create(name="Benchmark-Netzwerk", slug="bench")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Eigentümer {i:03d}",
            slug=f"owner-{i:03d}",
            kind=OrganisationKind.MUNICIPALITY,
            city="Irgendwo",
        )
        for i in range(200)
    )
    Membership.objects.bulk_create(
        Membership(network=network, organisation=org) for org in organisations
    )
    editor = User.objects.create_user("editor@example.org", "bench-password")
    OrganisationRole.objects.create(
        user=editor, organisation=organisations[0], role=OrganisationRoleKind.EDITOR
    )
    admin = User.objects.create_superuser("admin@example.org", "bench-password")

    started = time.perf_counter()
    kinds = [k.value for k in PropertyKind]
    statuses = [s.value for s in PropertyStatus]
    batch = []
    for i in range(args.properties):
        place = rng.choice(places)
        lat = place.lat + rng.uniform(-0.02, 0.02)
        lon = place.lon + rng.uniform(-0.02, 0.02)
        sensitive = rng.random() < 0.1
        salt = f"{i:032x}"
        public = point_shift(lat, lon, radius_m=500, salt=salt) if sensitive else (lat, lon)
        batch.append(
            Property(
                title=f"Objekt {i:06d} {place.name}",
                kind=rng.choice(kinds),
                status=rng.choice(statuses),
                city=place.name,
                state=place.state,
                lat=lat,
                lon=lon,
                is_sensitive=sensitive,
                privacy_salt=salt,
                public_lat=public[0],
                public_lon=public[1],
                usable_area=rng.randint(50, 5000),
                transfer_rent=rng.random() < 0.5,
                owner_kind="municipal",
                owner_organisation=organisations[i % len(organisations)],
                is_published=rng.random() >= 0.1,
            )
        )
        if len(batch) == 5000:
            Property.objects.bulk_create(batch)
            batch = []
    Property.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - started

    # Leipzig's centre at zoom 12 on a 1280×720 screen: about 0.44° × 0.19°.
    endpoints = {
        "Germany z6": "/api/v1/properties.geojson?bbox=5.5,47.2,15.5,55.1&zoom=6",
        "Germany z6, filtered": (
            "/api/v1/properties.geojson?bbox=5.5,47.2,15.5,55.1&zoom=6"
            "&kind=vacant&transfer=rent&area_min=200"
        ),
        "Leipzig z12": "/api/v1/properties.geojson?bbox=12.15,51.25,12.59,51.44&zoom=12",
        "Berlin z12": "/api/v1/properties.geojson?bbox=13.18,52.42,13.62,52.61&zoom=12",
    }
    clients = {"visitor": Client(), "editor": Client(), "admin": Client()}
    clients["editor"].force_login(editor)
    clients["admin"].force_login(admin)
    results = {}
    for who, client in clients.items():
        for label, url in endpoints.items():
            if who != "visitor" and "filtered" in label:
                continue
            for cold in (True, False):
                name = f"{who}: {label} ({'cold' if cold else 'cached'})"
                timings = []
                queries = 0
                features = 0
                clustered = False
                for _ in range(args.repeat):
                    if cold:
                        property_map_invalidate()
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 200:
                        print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                        return 1
                    queries = len(captured)
                    body = response.json()
                    features, clustered = len(body["features"]), body["clustered"]
                timings.sort()
                p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
                results[name] = {
                    "url": url,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(p95, 1),
                    "queries": queries,
                    "features": features,
                    "clustered": clustered,
                }
                print(
                    f"{name:<44} p50 {results[name]['p50_ms']:>7.1f} ms   "
                    f"p95 {results[name]['p95_ms']:>7.1f} ms   {queries} queries   "
                    f"{features} {'clusters' if clustered else 'points'}"
                )
    output = {
        "database": connection.vendor,
        "properties": args.properties,
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
