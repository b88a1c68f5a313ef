"""Storing and removing synthetic knowledge content (``allmende generate --knowledge N``)."""

import datetime
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from allmende.core.places import Place, all_places
from allmende.core.progress import ProgressCallback
from allmende.knowledge.demo import EXTRA_TERMS, impact_criteria_ensure, term_slug, topics_ensure
from allmende.knowledge.models import (
    Article,
    Audience,
    CodePrefix,
    ExamplePlace,
    ExamplePlacePhoto,
    Facet,
    FacetTerm,
    News,
    Phase,
    StepPhase,
    Tool,
    Toolbox,
    ToolExample,
    ToolLink,
    ToolStep,
    tool_code,
)
from allmende.knowledge.synthetic import vocabulary as words
from allmende.networks.models import Network
from allmende.search.models import SearchEntry
from allmende.search.services import search_entries_delete, search_rebuild

BATCH_SIZE = 2_000
SLUG_PREFIX = "synthetisch"
# Shares of the content types; the rest of the count goes to articles.
SHARE_TOOLS = 0.35
SHARE_PLACES = 0.10
SHARE_NEWS = 0.10
# The chapters of synthetic toolboxes; 999 numbers each.
PREFIXES = {
    "W": "Wohnen",
    "X": "Querschnitt",
    "BE": "Bürgerschaftliches Engagement",
    "U": "Unternehmen",
    "K": "Kultur",
    "M": "Mobilität",
}
TOOLS_PER_TOOLBOX = len(PREFIXES) * 999
# Dates are spread over the last eight years.
SPAN_DAYS = 8 * 365
INITIATIVE_PHASES = [Phase.SEARCH, Phase.FOUND, Phase.BUILD, Phase.OPERATE]
OWNER_PHASES = [
    Phase.STEP_1,
    Phase.STEP_2,
    Phase.STEP_3,
    Phase.STEP_4,
    Phase.STEP_5,
    Phase.STEP_6,
]


class KnowledgeSyntheticError(ValueError):
    """Synthetic content cannot be created as asked; the message is fit for the user."""


@dataclass(frozen=True, slots=True)
class KnowledgeSyntheticResult:
    """What ``knowledge_synthetic_generate`` stored, and how long it took."""

    seed: int
    articles: int
    tools: int
    places: int
    news: int
    toolboxes: int
    indexed: int
    seconds: float
    index_seconds: float


def _silent(label: str, done: int, total: int) -> None:
    """A ProgressCallback that shows nothing."""


def knowledge_split(count: int) -> dict[str, int]:
    """How ``count`` items are divided into tools, places, news and articles."""
    tools = int(count * SHARE_TOOLS)
    places = int(count * SHARE_PLACES)
    news = int(count * SHARE_NEWS)
    return {
        "articles": count - tools - places - news,
        "tools": tools,
        "places": places,
        "news": news,
    }


def _first_slug(seed: int) -> str:
    return f"{SLUG_PREFIX}-{seed}-"


def knowledge_synthetic_generate(
    *,
    count: int,
    seed: int,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
    rebuild_index: bool = True,
) -> KnowledgeSyntheticResult:
    """Store ``count`` synthetic, published knowledge items (mostly articles and tools, some
    example places and news) spread over the existing networks and the last eight years, all
    marked ``is_synthetic``, with the synthetic toolboxes their tools need; then rebuild the
    search index (unless ``rebuild_index`` is false).

    Texts are German sentences built from compound nouns; facets come from the vocabularies
    (topics, facet terms of the real toolboxes, impact criteria). The same seed and count
    give the same texts. Raises KnowledgeSyntheticError when there is no network or content
    of this seed is stored already, ValueError for negative numbers.
    """
    if count < 0 or seed < 0:
        raise ValueError(_("The number of items and the seed must not be negative."))
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.monotonic()
    report = progress or _silent
    networks = list(Network.objects.order_by("pk"))
    if not networks:
        raise KnowledgeSyntheticError(
            _("There is no network to put the content in; load the demo data first.")
        )
    prefix = _first_slug(seed)
    if any(
        model.objects.filter(slug__startswith=prefix).exists()
        for model in (Article, Toolbox, ExamplePlace, News)
    ):
        raise KnowledgeSyntheticError(
            _(
                "Synthetic knowledge with the seed %(seed)s exists already. Remove it first "
                "(allmende generate --remove) or choose another seed."
            )
            % {"seed": seed}
        )
    split = knowledge_split(count)
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    places = [p for p in all_places() if p.kind == "place" and p.population]
    now = timezone.now()

    with transaction.atomic():
        topics = list(topics_ensure().values())
        criteria = list(impact_criteria_ensure().values())
        vocabulary = _term_vocabulary()
        article_count = _articles_create(
            rng,
            split["articles"],
            seed=seed,
            networks=networks,
            places=places,
            topics=topics,
            now=now,
            report=report,
            batch_size=batch_size,
        )
        toolboxes = _toolboxes_create(
            split["tools"], seed=seed, networks=networks, now=now, vocabulary=vocabulary
        )
        tool_count = _tools_create(
            rng,
            split["tools"],
            toolboxes=toolboxes,
            now=now,
            report=report,
            batch_size=batch_size,
        )
        place_count = _places_create(
            rng,
            split["places"],
            seed=seed,
            networks=networks,
            places=places,
            criteria=criteria,
            now=now,
            report=report,
            batch_size=batch_size,
        )
        news_count = _news_create(
            rng,
            split["news"],
            seed=seed,
            networks=networks,
            places=places,
            now=now,
            report=report,
            batch_size=batch_size,
        )
        index_started = time.monotonic()
        indexed = search_rebuild(progress=report) if rebuild_index else 0
        index_seconds = time.monotonic() - index_started if rebuild_index else 0.0

    return KnowledgeSyntheticResult(
        seed=seed,
        articles=article_count,
        tools=tool_count,
        places=place_count,
        news=news_count,
        toolboxes=len(toolboxes),
        indexed=indexed,
        seconds=time.monotonic() - started,
        index_seconds=index_seconds,
    )


def _published_at(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=rng.uniform(1, SPAN_DAYS))


def _town(rng: random.Random, places: Sequence[Place]) -> Place:
    return rng.choice(places)


def _batched_create(
    model: type[Model],
    objects: list[Any],
    *,
    label: str,
    report: ProgressCallback,
    batch_size: int,
    total: int,
    done: int,
) -> list[Any]:
    """bulk_create one batch and report the progress of ``label``."""
    created = model._default_manager.bulk_create(objects, batch_size=batch_size)
    report(label, done + len(objects), total)
    return created


def _articles_create(
    rng: random.Random,
    count: int,
    *,
    seed: int,
    networks: list[Network],
    places: Sequence[Place],
    topics: list[Any],
    now: datetime.datetime,
    report: ProgressCallback,
    batch_size: int,
) -> int:
    label = _("Synthetic articles")
    report(label, 0, count)
    through = Article.topics.through
    audiences = [Audience.INITIATIVES, Audience.INITIATIVES, Audience.OWNERS, Audience.BOTH]
    for start in range(0, count, batch_size):
        batch = []
        chosen_topics = []
        for i in range(start, min(count, start + batch_size)):
            town = _town(rng, places).name
            item = words.on_topic(rng)
            audience = rng.choice(audiences)
            phases = {
                Audience.INITIATIVES: INITIATIVE_PHASES,
                Audience.OWNERS: OWNER_PHASES,
                Audience.BOTH: INITIATIVE_PHASES + OWNER_PHASES,
            }[audience]
            batch.append(
                Article(
                    network=rng.choice(networks),
                    title=words.title(item, town),
                    slug=f"{_first_slug(seed)}artikel-{i + 1}",
                    key_point_1=words.key_point(item),
                    key_point_2=words.key_point(item),
                    key_point_3=words.key_point(item),
                    body=words.markdown_body(item, town),
                    audience=audience,
                    phase=rng.choice(phases) if rng.random() < 0.9 else "",
                    is_published=True,
                    published_at=_published_at(rng, now),
                    is_synthetic=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            chosen_topics.append(rng.sample(topics, rng.randint(1, min(3, len(topics)))))
        created = _batched_create(
            Article,
            batch,
            label=label,
            report=report,
            batch_size=batch_size,
            total=count,
            done=start,
        )
        through.objects.bulk_create(
            [
                through(article_id=article.pk, topic_id=topic.pk)
                for article, picked in zip(created, chosen_topics, strict=True)
                for topic in picked
            ],
            batch_size=batch_size,
        )
    return count


def _term_vocabulary() -> dict[str, list[tuple[str, str]]]:
    """(name, slug) of the terms per facet in the real toolboxes; our own where none."""
    vocabulary: dict[str, list[tuple[str, str]]] = {facet: [] for facet in Facet}
    rows = (
        FacetTerm.objects.filter(toolbox__is_synthetic=False)
        .order_by("facet", "position", "name")
        .values_list("facet", "name", "slug")
    )
    for facet, name, slug in rows:
        if (name, slug) not in vocabulary[facet]:
            vocabulary[facet].append((name, slug))
    for facet, names in EXTRA_TERMS.items():
        if not vocabulary[facet]:
            vocabulary[facet] = [(name, term_slug(name)) for name in names]
    return vocabulary


@dataclass
class _SyntheticToolbox:
    toolbox: Toolbox
    prefixes: list[CodePrefix]
    terms: dict[str, list[FacetTerm]]


def _toolboxes_create(
    tools: int,
    *,
    seed: int,
    networks: list[Network],
    now: datetime.datetime,
    vocabulary: dict[str, list[tuple[str, str]]],
) -> list[_SyntheticToolbox]:
    """As many synthetic toolboxes as the tools need (999 per prefix), over the networks."""
    result = []
    for k in range(math.ceil(tools / TOOLS_PER_TOOLBOX)):
        toolbox = Toolbox.objects.create(
            network=networks[k % len(networks)],
            name=_("Synthetic toolbox %(number)s (seed %(seed)s)")
            % {"number": k + 1, "seed": seed},
            slug=f"{_first_slug(seed)}werkzeugkasten-{k + 1}",
            description=_("Synthetic test data of allmende generate."),
            is_synthetic=True,
            created_at=now,
        )
        prefixes = CodePrefix.objects.bulk_create(
            [CodePrefix(toolbox=toolbox, prefix=p, label=label) for p, label in PREFIXES.items()]
        )
        terms = FacetTerm.objects.bulk_create(
            [
                FacetTerm(toolbox=toolbox, facet=facet, name=name, slug=slug, position=position)
                for facet, entries in vocabulary.items()
                for position, (name, slug) in enumerate(entries)
            ]
        )
        by_facet: dict[str, list[FacetTerm]] = {}
        for term in terms:
            by_facet.setdefault(term.facet, []).append(term)
        result.append(_SyntheticToolbox(toolbox, prefixes, by_facet))
    return result


def _tools_create(
    rng: random.Random,
    count: int,
    *,
    toolboxes: list[_SyntheticToolbox],
    now: datetime.datetime,
    report: ProgressCallback,
    batch_size: int,
) -> int:
    label = _("Synthetic tools")
    report(label, 0, count)
    through = Tool.terms.through
    for start in range(0, count, batch_size):
        batch = []
        chosen_terms = []
        steps = []
        for i in range(start, min(count, start + batch_size)):
            box = toolboxes[i // TOOLS_PER_TOOLBOX]
            item = words.on_topic(rng)
            slot = i % TOOLS_PER_TOOLBOX
            prefix, number = box.prefixes[slot // 999], slot % 999 + 1
            batch.append(
                Tool(
                    toolbox=box.toolbox,
                    prefix=prefix,
                    number=number,
                    code=tool_code(prefix.prefix, number),
                    slogan=rng.choice(words.SLOGANS),
                    title=words.tool_title(item),
                    summary=words.paragraph(item, _town_name(rng), (2, 3)),
                    effects=words.sentence(item, _town_name(rng)),
                    is_published=True,
                    published_at=_published_at(rng, now),
                    is_synthetic=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            chosen_terms.append(
                [
                    term
                    for terms in box.terms.values()
                    for term in rng.sample(terms, rng.randint(1, min(3, len(terms))))
                ]
            )
            steps.append(
                [
                    (phase, position, words.step(item))
                    for phase in StepPhase
                    for position in range(rng.randint(0 if phase == StepPhase.AFTER else 1, 3))
                ]
            )
        created = _batched_create(
            Tool, batch, label=label, report=report, batch_size=batch_size, total=count, done=start
        )
        through.objects.bulk_create(
            [
                through(tool_id=tool.pk, facetterm_id=term.pk)
                for tool, picked in zip(created, chosen_terms, strict=True)
                for term in picked
            ],
            batch_size=batch_size,
        )
        ToolStep.objects.bulk_create(
            [
                ToolStep(tool_id=tool.pk, phase=phase, position=position, text=text)
                for tool, tool_steps in zip(created, steps, strict=True)
                for phase, position, text in tool_steps
            ],
            batch_size=batch_size,
        )
    return count


_TOWNS: list[str] = []


def _town_name(rng: random.Random) -> str:
    if not _TOWNS:
        _TOWNS.extend(p.name for p in all_places() if p.kind == "place" and p.population)
    return rng.choice(_TOWNS)


def _places_create(
    rng: random.Random,
    count: int,
    *,
    seed: int,
    networks: list[Network],
    places: Sequence[Place],
    criteria: list[Any],
    now: datetime.datetime,
    report: ProgressCallback,
    batch_size: int,
) -> int:
    label = _("Synthetic example places")
    report(label, 0, count)
    through = ExamplePlace.impact_criteria.through
    for start in range(0, count, batch_size):
        batch = []
        chosen = []
        for i in range(start, min(count, start + batch_size)):
            town = _town(rng, places)
            item = words.on_topic(rng)
            name, building, use = words.place_name(item, town.name)
            batch.append(
                ExamplePlace(
                    network=rng.choice(networks),
                    name=name,
                    slug=f"{_first_slug(seed)}ort-{i + 1}",
                    city=town.name,
                    state=town.state,
                    lat=min(55.0, max(47.3, town.lat + rng.uniform(-0.01, 0.01))),
                    lon=min(15.0, max(5.9, town.lon + rng.uniform(-0.01, 0.01))),
                    former_use=building.singular,
                    new_use=use.singular,
                    carrier_name=f"{words.compound(item).singular} {town.name}"[:200],
                    year=rng.randint(1995, 2025),
                    story=words.paragraph(item, town.name, (4, 7)),
                    is_published=True,
                    published_at=_published_at(rng, now),
                    is_synthetic=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            chosen.append(rng.sample(criteria, rng.randint(1, min(3, len(criteria)))))
        created = _batched_create(
            ExamplePlace,
            batch,
            label=label,
            report=report,
            batch_size=batch_size,
            total=count,
            done=start,
        )
        through.objects.bulk_create(
            [
                through(exampleplace_id=place.pk, impactcriterion_id=criterion.pk)
                for place, picked in zip(created, chosen, strict=True)
                for criterion in picked
            ],
            batch_size=batch_size,
        )
    return count


def _news_create(
    rng: random.Random,
    count: int,
    *,
    seed: int,
    networks: list[Network],
    places: Sequence[Place],
    now: datetime.datetime,
    report: ProgressCallback,
    batch_size: int,
) -> int:
    label = _("Synthetic news")
    report(label, 0, count)
    for start in range(0, count, batch_size):
        batch = []
        for i in range(start, min(count, start + batch_size)):
            town = _town(rng, places).name
            item = words.on_topic(rng)
            batch.append(
                News(
                    network=rng.choice(networks),
                    title=words.title(item, town),
                    slug=f"{_first_slug(seed)}meldung-{i + 1}",
                    lead=words.sentence(item, town)[:300],
                    body=words.paragraph(item, town),
                    is_published=True,
                    published_at=_published_at(rng, now),
                    is_synthetic=True,
                    created_at=now,
                    updated_at=now,
                )
            )
        _batched_create(
            News, batch, label=label, report=report, batch_size=batch_size, total=count, done=start
        )
    return count


# --- removal -------------------------------------------------------------------------------


def knowledge_synthetic_remove(
    *, progress: ProgressCallback | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Delete every synthetic article, tool, example place, news item and synthetic toolbox,
    with their search entries, steps and classifications, in one transaction; real content
    stays. Returns the numbers deleted: ``articles``, ``tools``, ``places``, ``news``,
    ``toolboxes``."""
    report = progress or _silent
    counts: dict[str, int] = {}
    with transaction.atomic():
        # Children without signals go in one statement each.
        Article.topics.through.objects.filter(article__is_synthetic=True).delete()
        Article.related_articles.through.objects.filter(from_article__is_synthetic=True).delete()
        Article.related_articles.through.objects.filter(to_article__is_synthetic=True).delete()
        Article.related_tools.through.objects.filter(article__is_synthetic=True).delete()
        Article.related_tools.through.objects.filter(tool__is_synthetic=True).delete()
        Tool.terms.through.objects.filter(tool__is_synthetic=True).delete()
        ToolStep.objects.filter(tool__is_synthetic=True).delete()
        ToolExample.objects.filter(tool__is_synthetic=True).delete()
        ToolLink.objects.filter(source__is_synthetic=True).delete()
        ToolLink.objects.filter(target__is_synthetic=True).delete()
        ExamplePlace.impact_criteria.through.objects.filter(
            exampleplace__is_synthetic=True
        ).delete()
        ExamplePlacePhoto.objects.filter(place__is_synthetic=True).delete()
        for key, model, label in (
            ("articles", Article, _("Synthetic articles")),
            ("tools", Tool, _("Synthetic tools")),
            ("places", ExamplePlace, _("Synthetic example places")),
            ("news", News, _("Synthetic news")),
        ):
            counts[key] = _rows_delete(model, label=label, report=report, batch_size=batch_size)
        toolboxes = Toolbox.objects.filter(is_synthetic=True)
        counts["toolboxes"] = toolboxes.count()
        FacetTerm.objects.filter(toolbox__is_synthetic=True).delete()
        CodePrefix.objects.filter(toolbox__is_synthetic=True).delete()
        toolboxes.delete()
    return counts


def _rows_delete(
    model: type[Article] | type[Tool] | type[ExamplePlace] | type[News],
    *,
    label: str,
    report: ProgressCallback,
    batch_size: int,
) -> int:
    """Delete the synthetic rows of ``model`` and their search entries in batches of ids.

    ``QuerySet.delete()`` would load every row and remove its search entry one at a time
    (post_delete); plain SQL over ranges of ids with one index removal per batch is what
    makes removing 50 000 items take seconds. Children must be gone already.
    """
    ids = sorted(model._base_manager.filter(is_synthetic=True).values_list("pk", flat=True))
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    content_type = ContentType.objects.get_for_model(model)
    sql = "DELETE FROM {table} WHERE {synthetic} = %s AND {pk} BETWEEN %s AND %s".format(  # noqa: S608
        table=quote(model._meta.db_table),
        synthetic=quote(str(model._meta.get_field("is_synthetic").column)),
        pk=quote(str(model._meta.pk.column)),
    )
    deleted = 0
    report(label, 0, len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        entries = SearchEntry.objects.filter(
            content_type=content_type, object_id__range=(chunk[0], chunk[-1])
        ).filter(object_id__in=chunk)
        entry_ids = list(entries.values_list("pk", flat=True))
        search_entries_delete(entry_ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, [True, chunk[0], chunk[-1]])
            deleted += cursor.rowcount
        report(label, start + len(chunk), len(ids))
    return deleted
