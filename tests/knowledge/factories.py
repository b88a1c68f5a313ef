"""factory-boy factories for the knowledge models."""

import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from allmende.knowledge.models import (
    Article,
    Audience,
    CodePrefix,
    ExamplePlace,
    Facet,
    FacetTerm,
    News,
    Position,
    PositionKind,
    Publication,
    PublicationKind,
    Tool,
    Toolbox,
    Topic,
)
from tests.factories import NetworkFactory

# The smallest file that every PDF reader and our type check accept as a PDF.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Praxiswissen Nummer {n}")
    slug = factory.Sequence(lambda n: f"praxiswissen-{n}")
    key_point_1 = "Früh mit der Kommune sprechen."
    key_point_2 = "Die Finanzierung auf mehrere Säulen stellen."
    key_point_3 = "Nachbarschaft von Anfang an beteiligen."
    body = "Eine **Gruppe** sucht ein Haus für gemeinschaftliches Wohnen."
    audience = Audience.INITIATIVES
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class ToolboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Toolbox

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Werkzeugkasten {n}")
    slug = factory.Sequence(lambda n: f"werkzeugkasten-{n}")


class CodePrefixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodePrefix
        django_get_or_create = ("toolbox", "prefix")

    toolbox = factory.SubFactory(ToolboxFactory)
    prefix = "W"
    label = "Wohnen"


class FacetTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacetTerm
        django_get_or_create = ("toolbox", "facet", "slug")

    toolbox = factory.SubFactory(ToolboxFactory)
    facet = Facet.SPATIAL_LEVEL
    name = factory.Sequence(lambda n: f"Begriff {n}")
    slug = factory.Sequence(lambda n: f"begriff-{n}")


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool

    toolbox = factory.SubFactory(ToolboxFactory)
    prefix = factory.SubFactory(CodePrefixFactory, toolbox=factory.SelfAttribute("..toolbox"))
    number = factory.Sequence(lambda n: n % 999 + 1)
    title = factory.Sequence(lambda n: f"Projektidee {n}")
    slogan = "Gemeinsam mehr erreichen"
    summary = "Eine Idee, wie Kommunen und Gruppen zusammen Räume öffnen."
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class ExamplePlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExamplePlace

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Zukunftsort {n}")
    slug = factory.Sequence(lambda n: f"zukunftsort-{n}")
    city = "Angermünde"
    state = "Brandenburg"
    lat = 53.0160
    lon = 13.9990
    former_use = "Kaufhaus"
    new_use = "Bürgerhaus mit Werkstätten"
    carrier_name = "Verein Kaufhaus für alle"
    year = 2021
    story = "Aus dem leeren Kaufhaus wurde ein Treffpunkt für die ganze Stadt."
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Leitfaden {n}")
    slug = factory.Sequence(lambda n: f"leitfaden-{n}")
    kind = PublicationKind.GUIDE
    cover_text = "Ein Leitfaden für Kommunen, die Leerstand gemeinwohlorientiert entwickeln."
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="leitfaden.pdf"))
    file_size = len(MINIMAL_PDF)
    issued_on = datetime.date(2024, 5, 1)
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Forderungen {n}")
    slug = factory.Sequence(lambda n: f"forderungen-{n}")
    kind = PositionKind.DEMANDS
    text = "1. Öffentliche Gebäude nach Konzept vergeben.\n2. Erbbaurecht stärken."
    dated = datetime.date(2025, 3, 1)
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = News

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Neuigkeit {n}")
    slug = factory.Sequence(lambda n: f"neuigkeit-{n}")
    lead = "Das Netzwerk wächst um neue Mitglieder."
    body = "Drei Initiativen und eine Kommune sind dem Netzwerk beigetreten."
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
