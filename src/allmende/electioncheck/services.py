"""Every write of the election checks: set-up by coordinators, Mat-O-Wahl import, and the
anonymous counters of opted-in voters."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from allmende.core.text import unique_slug
from allmende.electioncheck import matowahl
from allmende.electioncheck.models import (
    SKIPPED,
    AnswerCount,
    Election,
    ParticipationCount,
    Party,
    PartyPosition,
    Scale,
    Thesis,
)
from allmende.electioncheck.scoring import SCALES, Answer
from allmende.networks.models import Network

ELECTION_FIELDS = ("name", "election_date", "description", "scale", "is_published")
# Addresses under /wahlcheck/ that are pages, not election checks.
RESERVED_SLUGS = {"verwalten"}


def _require_editor(*, actor: Any, obj: Election | Network) -> None:
    if not actor.has_perm("electioncheck.change_election", obj):
        raise PermissionDenied(_("You may not edit this election check."))


@transaction.atomic
def election_create(*, network: Network, actor: Any, **values: Any) -> Election:
    """A new (unpublished unless asked) election check of ``network``."""
    _require_editor(actor=actor, obj=network)
    election = Election(network=network, **{k: values[k] for k in ELECTION_FIELDS if k in values})
    election.slug = unique_slug(
        election.name,
        lambda s: s in RESERVED_SLUGS or Election.objects.filter(slug=s).exists(),
    )
    election.full_clean()
    election.save()
    return election


@transaction.atomic
def election_update(*, election: Election, actor: Any, **values: Any) -> Election:
    """Change the election's data. The scale changes only while no party has a position:
    positions outside the new scale would change meaning."""
    _require_editor(actor=actor, obj=election)
    new_scale = values.get("scale", election.scale)
    if (
        new_scale != election.scale
        and PartyPosition.objects.filter(party__election=election).exists()
    ):
        raise ValidationError({"scale": _("The scale cannot change once parties have positions.")})
    for key in ELECTION_FIELDS:
        if key in values:
            setattr(election, key, values[key])
    election.full_clean()
    election.save()
    return election


def _check_value(election: Election, value: int) -> None:
    if value not in SCALES[election.scale]:
        raise ValidationError(
            {"value": _("This position is not on the scale of the election check.")}
        )


@transaction.atomic
def party_positions_set(
    *, party: Party, actor: Any, positions: dict[int, tuple[int | None, str]]
) -> None:
    """Set the party's position and justification per thesis id (None removes it)."""
    _require_editor(actor=actor, obj=party.election)
    theses = set(party.election.theses.values_list("pk", flat=True))
    for thesis_id, (value, justification) in positions.items():
        if thesis_id not in theses:
            raise ValidationError(_("This thesis belongs to another election check."))
        if value is None:
            PartyPosition.objects.filter(party=party, thesis_id=thesis_id).delete()
            continue
        _check_value(party.election, value)
        PartyPosition.objects.update_or_create(
            party=party,
            thesis_id=thesis_id,
            defaults={"value": value, "justification": justification},
        )


@transaction.atomic
def matowahl_import(
    *, election: Election, actor: Any, questions: bytes, parties: bytes
) -> list[matowahl.RowError]:
    """Replace the theses and parties of ``election`` with those of the two Mat-O-Wahl files.
    Returns the errors; when there are any, nothing is changed. Mat-O-Wahl knows three steps,
    so the election must use the three-step scale."""
    _require_editor(actor=actor, obj=election)
    if election.scale != Scale.THREE:
        return [matowahl.RowError("questions", 0, _("Mat-O-Wahl files use the three-step scale."))]
    question_rows, errors = matowahl.parse_questions(questions)
    party_rows, party_errors = matowahl.parse_parties(parties, questions=len(question_rows))
    errors += party_errors if question_rows else []
    if errors:
        return errors
    election.parties.all().delete()
    election.theses.all().delete()
    election.blocks.all().delete()
    theses = Thesis.objects.bulk_create(
        Thesis(election=election, position=i, short_title=q.short_title, text=q.text)
        for i, q in enumerate(question_rows, start=1)
    )
    for index, row in enumerate(party_rows, start=1):
        party = Party.objects.create(
            election=election,
            position=index,
            short_name=row.short_name,
            long_name=row.long_name[:200],
            description=row.description[:3000],
            url=row.url[:200],
        )
        PartyPosition.objects.bulk_create(
            PartyPosition(party=party, thesis=thesis, value=value, justification=text[:5000])
            for thesis, (value, text) in zip(theses, row.positions, strict=True)
        )
    return []


def matowahl_export(*, election: Election) -> tuple[str, str]:
    """The questions file and the party file of ``election`` (three-step scale only). The
    format knows no party that did not answer: those are left out. A position a responding
    party did not take is written as neutral, the only value the format offers."""
    if election.scale != Scale.THREE:
        raise ValidationError(_("Mat-O-Wahl files use the three-step scale."))
    theses = list(election.theses.all())
    questions = [matowahl.QuestionRow(t.short_title, t.text) for t in theses]
    parties = []
    for party in election.parties.filter(responded=True).prefetch_related("positions"):
        by_thesis = {p.thesis_id: p for p in party.positions.all()}
        positions = [
            (by_thesis[t.pk].value, by_thesis[t.pk].justification) if t.pk in by_thesis else (0, "")
            for t in theses
        ]
        parties.append(
            matowahl.PartyRow(
                party.short_name,
                party.long_name,
                party.description,
                party.url,
                (party.logo.name or "") if party.logo else "",
                positions,
            )
        )
    return matowahl.write_questions(questions), matowahl.write_parties(parties)


@transaction.atomic
def statistics_count(*, election: Election, answers: list[Answer]) -> None:
    """Add one opted-in voter's answers to the anonymous counters of ``election``: only the
    counters grow, nothing that identifies the voter or the combination of answers is kept."""
    theses = list(election.theses.values_list("pk", flat=True))
    if len(answers) != len(theses):
        raise ValidationError(_("The answers do not fit this election check."))
    try:
        with transaction.atomic():
            ParticipationCount.objects.get_or_create(election=election)
    except IntegrityError:
        pass  # created by a parallel request in the meantime
    ParticipationCount.objects.filter(election=election).update(count=F("count") + 1)
    for thesis_id, answer in zip(theses, answers, strict=True):
        key = SKIPPED if answer.position is None else str(answer.position)
        try:
            with transaction.atomic():
                AnswerCount.objects.get_or_create(
                    thesis_id=thesis_id, answer=key, double=answer.double
                )
        except IntegrityError:
            pass  # created by a parallel request in the meantime
        AnswerCount.objects.filter(thesis_id=thesis_id, answer=key, double=answer.double).update(
            count=F("count") + 1
        )
