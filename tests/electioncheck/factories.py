import datetime

import factory

from allmende.electioncheck.models import Election, Party, PartyPosition, Thesis
from tests.factories import NetworkFactory


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Wahlcheck {n}")
    slug = factory.Sequence(lambda n: f"wahlcheck-{n}")
    election_date = datetime.date(2027, 9, 26)
    is_published = True


class ThesisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thesis

    election = factory.SubFactory(ElectionFactory)
    position = factory.Sequence(lambda n: n)
    short_title = factory.Sequence(lambda n: f"These {n}")
    text = factory.Sequence(lambda n: f"Das Land soll Maßnahme {n} umsetzen.")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    election = factory.SubFactory(ElectionFactory)
    short_name = factory.Sequence(lambda n: f"P{n}")
    long_name = factory.Sequence(lambda n: f"Partei {n}")
    position = factory.Sequence(lambda n: n)


def build_election(
    positions: dict[str, list[int | None]], *, scale: int = 3, **kwargs
) -> tuple[Election, list[Thesis], dict[str, Party]]:
    """An election with one thesis per position column and parties with those positions."""
    election = ElectionFactory(scale=scale, **kwargs)
    count = len(next(iter(positions.values())))
    theses = [ThesisFactory(election=election, position=i) for i in range(count)]
    parties = {}
    for name, values in positions.items():
        party = PartyFactory(election=election, short_name=name)
        for thesis, value in zip(theses, values, strict=True):
            if value is not None:
                PartyPosition.objects.create(
                    party=party, thesis=thesis, value=value, justification=f"{name} dazu: {value}"
                )
        parties[name] = party
    return election, theses, parties
