"""Reads of election checks shared by the pages and the API."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from allmende.electioncheck.models import (
    AnswerCount,
    Election,
    ParticipationCount,
    Party,
    PartyPosition,
    Thesis,
)
from allmende.networks.models import Network


def election_list(*, user: Any = None, editable_only: bool = False) -> QuerySet[Election]:
    """Published elections (newest first); with ``editable_only`` those ``user`` may edit,
    published or not."""
    elections = Election.objects.select_related("network")
    if not editable_only:
        return elections.filter(is_published=True)
    if user is None or not user.is_authenticated:
        return elections.none()
    if user.is_superuser:
        return elections
    return elections.filter(network__coordinators__user=user).distinct()


def editable_networks(*, user: Any) -> QuerySet[Network]:
    """The networks in which ``user`` may create election checks."""
    if not user.is_authenticated:
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.order_by("name")
    return Network.objects.filter(coordinators__user=user).distinct().order_by("name")


@dataclass(frozen=True)
class ElectionData:
    """An election with its theses and parties, positions looked up by (party, thesis) id."""

    election: Election
    theses: list[Thesis]
    parties: list[Party]
    positions: dict[tuple[int, int], PartyPosition]

    @property
    def responding(self) -> list[Party]:
        return [p for p in self.parties if p.responded]

    @property
    def silent(self) -> list[Party]:
        return [p for p in self.parties if not p.responded]

    def values(self, party: Party) -> list[int | None]:
        """The party's positions in thesis order (None where it took none)."""
        return [
            position.value if (position := self.positions.get((party.pk, t.pk))) else None
            for t in self.theses
        ]


def election_data(*, election: Election) -> ElectionData:
    """Everything the voter flow and the result need, in three queries."""
    theses = list(election.theses.select_related("block"))
    parties = list(
        election.parties.prefetch_related(
            Prefetch(
                "positions",
                queryset=PartyPosition.objects.only(
                    "id", "party_id", "thesis_id", "value", "justification"
                ),
            )
        )
    )
    positions = {(p.pk, pos.thesis_id): pos for p in parties for pos in p.positions.all()}
    return ElectionData(election, theses, parties, positions)


@dataclass(frozen=True)
class ThesisStatistics:
    thesis: Thesis
    counts: dict[str, int]
    doubled: int
    total: int


def election_statistics(*, election: Election) -> tuple[int, list[ThesisStatistics]]:
    """Opted-in participations and the answer distribution per thesis."""
    participation = ParticipationCount.objects.filter(election=election).first()
    rows = AnswerCount.objects.filter(thesis__election=election)
    by_thesis: dict[int, list[AnswerCount]] = {}
    for row in rows:
        by_thesis.setdefault(row.thesis_id, []).append(row)
    statistics = []
    for thesis in election.theses.all():
        counts: dict[str, int] = {}
        doubled = 0
        for row in by_thesis.get(thesis.pk, []):
            counts[row.answer] = counts.get(row.answer, 0) + row.count
            if row.double:
                doubled += row.count
        statistics.append(ThesisStatistics(thesis, counts, doubled, sum(counts.values())))
    return (participation.count if participation else 0), statistics
