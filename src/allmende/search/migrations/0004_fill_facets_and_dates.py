"""Facet rows (the type and the document's facets) and dates for entries indexed before the
facet table existed; entries indexed later get them from the index writer."""

import datetime

from django.db import migrations

BATCH = 2000


def _pairs(entry):
    pairs = {("type", entry.type)}
    for key, value in (entry.facets or {}).items():
        if key in ("date", "type"):
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, str) and item:
                pairs.add((key[:40], item[:120]))
    return pairs


def _date(entry):
    value = (entry.facets or {}).get("date")
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchFacet = apps.get_model("search", "SearchFacet")
    rows = []
    for entry in SearchEntry.objects.iterator(chunk_size=BATCH):
        rows += [SearchFacet(entry_id=entry.pk, facet=f, value=v) for f, v in _pairs(entry)]
        if entry.date is None and (date := _date(entry)) is not None:
            SearchEntry.objects.filter(pk=entry.pk).update(date=date)
        if len(rows) >= BATCH:
            SearchFacet.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    SearchFacet.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_facets_dates_words")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
