"""Election checks in the API: published elections with theses, parties and positions, and
the score of a set of answers (computed, never stored)."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from allmende.core.api import BodyIn, ErrorOut
from allmende.electioncheck import selectors
from allmende.electioncheck.models import Election
from allmende.electioncheck.scoring import SCALES, Answer, score
from allmende.networks.api import Pagination

router = Router(tags=["Election checks"])


class ElectionOut(Schema):
    id: int
    slug: str
    name: str
    network: str = Field(description="slug of the network")
    election_date: date
    scale: int
    url: str


class ThesisOut(Schema):
    id: int
    block: str | None
    short_title: str
    text: str
    explanation: str


class PositionOut(Schema):
    thesis: int
    value: int
    justification: str


class PartyOut(Schema):
    id: int
    short_name: str
    long_name: str
    description: str
    url: str
    logo: str | None = Field(description="address of the logo image, if any")
    responded: bool
    note: str
    positions: list[PositionOut]


class ElectionDetailOut(ElectionOut):
    description: str
    theses: list[ThesisOut]
    parties: list[PartyOut]


class AnswerIn(Schema):
    thesis: int
    position: int | None = Field(None, description="null: skipped")
    double: bool = False


class ScoreIn(BodyIn):
    answers: list[AnswerIn] = Field(
        max_length=500, description="answers by thesis id; theses left out count as skipped"
    )


class PartyScoreOut(Schema):
    party: int
    short_name: str
    points: int
    maximum: int
    percent: int | None


class ScoreOut(Schema):
    results: list[PartyScoreOut]
    silent: list[str] = Field(description="parties that did not answer (not scored)")


def _published(election_id: int) -> Election:
    return get_object_or_404(selectors.election_list(), pk=election_id)


def _election_out(election: Election) -> dict[str, Any]:
    return {
        "id": election.pk,
        "slug": election.slug,
        "name": election.name,
        "network": election.network.slug,
        "election_date": election.election_date,
        "scale": election.scale,
        "url": election.get_absolute_url(),
    }


@router.get("/electionchecks", response={200: list[ElectionOut], 422: ErrorOut})
@paginate(Pagination)
def electioncheck_list(request: HttpRequest) -> Any:
    """Published election checks, the next election first."""
    return [_election_out(e) for e in selectors.election_list().order_by("-election_date", "pk")]


@router.get(
    "/electionchecks/{election_id}", response={200: ElectionDetailOut, 404: ErrorOut, 422: ErrorOut}
)
def electioncheck_detail(request: HttpRequest, election_id: int) -> Any:
    """A published election check with its theses, parties and their positions."""
    data = selectors.election_data(election=_published(election_id))
    return {
        **_election_out(data.election),
        "description": data.election.description,
        "theses": [
            {
                "id": t.pk,
                "block": t.block.title if t.block else None,
                "short_title": t.short_title,
                "text": t.text,
                "explanation": t.explanation,
            }
            for t in data.theses
        ],
        "parties": [
            {
                "id": p.pk,
                "short_name": p.short_name,
                "long_name": p.long_name,
                "description": p.description,
                "url": p.url,
                "logo": p.logo.url if p.logo else None,
                "responded": p.responded,
                "note": p.note,
                "positions": [
                    {
                        "thesis": pos.thesis_id,
                        "value": pos.value,
                        "justification": pos.justification,
                    }
                    for pos in p.positions.all()
                ],
            }
            for p in data.parties
        ],
    }


@router.post(
    "/electionchecks/{election_id}/score",
    response={200: ScoreOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def electioncheck_score(request: HttpRequest, election_id: int, payload: ScoreIn) -> Any:
    """Agreement with each responding party for the given answers (nothing is stored).
    422 when an answer names a thesis of another election or a position off the scale."""
    data = selectors.election_data(election=_published(election_id))
    index = {t.pk: i for i, t in enumerate(data.theses)}
    answers = [Answer(None)] * len(data.theses)
    valid = SCALES[data.election.scale]
    for given in payload.answers:
        if given.thesis not in index:
            raise HttpError(422, f"Thesis {given.thesis} is not part of this election check.")
        if given.position is not None and given.position not in valid:
            raise HttpError(422, f"Position {given.position} is not on the scale {list(valid)}.")
        answers[index[given.thesis]] = Answer(given.position, given.double)
    parties = {str(p.pk): data.values(p) for p in data.responding}
    names = {str(p.pk): p.short_name for p in data.responding}
    results = score(answers, parties, scale=data.election.scale)
    return {
        "results": [
            {
                "party": int(r.party),
                "short_name": names[r.party],
                "points": r.points,
                "maximum": r.maximum,
                "percent": r.percent,
            }
            for r in results
        ],
        "silent": [p.short_name for p in data.silent],
    }
