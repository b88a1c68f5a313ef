"""The bridge from the database to the aggregation engine: which applications, jurors, scores
and conflicts count, and the JSON stored at the decision."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from allmende.procedures import scoring
from allmende.procedures.evaluation import (
    evaluate,
    evaluation_inputs,
    public_letter,
    result_to_json,
)
from allmende.procedures.models import (
    Application,
    ApplicationState,
    ConflictDeclaration,
    Eligibility,
    Juror,
    JurorRole,
    JuryScore,
    Procedure,
    ProcedureState,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@dataclass
class Scored:
    """The two applications of ``proc`` after the jury's work."""

    first: Application  # proc.applicant, agreed to be named
    second: Application  # proc.second_applicant, anonymised
    juror_one: Juror
    juror_two: Juror


def score_world(proc, *, tie: bool = False, submitted: bool = True) -> Scored:
    """Put ``proc`` into evaluation with two admitted applications and the jury's scores.

    Juror one scores both; juror two declared a conflict with the first application (its
    scores on it must not count) and scores the second. Hand-computed (object 60 %, group
    40 %, 10 points each):
    first: object 8 → 48, group 6 → 24, total 72 (juror two's 2/2 would give 46).
    second: object (6+8)/2 = 7 → 42, group (8+6)/2 = 7 → 28, total 70.
    With ``tie`` the second gets 8/6 from both: 72 as well, same object points: a lot decides.
    """
    procedure = proc.set_state(ProcedureState.EVALUATION)
    now = timezone.now()
    first = Application.objects.create(
        procedure=procedure,
        organisation=proc.applicant,
        state=ApplicationState.SUBMITTED,
        submitted_at=now - datetime.timedelta(days=3),
        eligibility=Eligibility.ELIGIBLE,
        may_be_named=True,
    )
    second = Application.objects.create(
        procedure=procedure,
        organisation=proc.second_applicant,
        state=ApplicationState.SUBMITTED,
        submitted_at=now - datetime.timedelta(days=2),
        eligibility=Eligibility.ELIGIBLE,
        may_be_named=False,
    )
    juror_one = Juror.objects.get(procedure=procedure, user=proc.juror_one)
    juror_two = Juror.objects.get(procedure=procedure, user=proc.juror_two)
    ConflictDeclaration.objects.create(
        juror=juror_two,
        application=first,
        has_conflict=True,
        reason="Ich bin Mitglied im Verein der Bewerberin.",
    )
    ConflictDeclaration.objects.create(juror=juror_two, application=second, has_conflict=False)
    criteria = {c.key: c for c in procedure.criteria.all()}
    second_points = (
        {"object": (8, 8), "group": (6, 6)} if tie else {"object": (6, 8), "group": (8, 6)}
    )
    rows = [
        (juror_one, first, "object", 8),
        (juror_one, first, "group", 6),
        (juror_two, first, "object", 2),
        (juror_two, first, "group", 2),
        (juror_one, second, "object", second_points["object"][0]),
        (juror_one, second, "group", second_points["group"][0]),
        (juror_two, second, "object", second_points["object"][1]),
        (juror_two, second, "group", second_points["group"][1]),
    ]
    for juror, application, key, points in rows:
        JuryScore.objects.create(
            juror=juror,
            application=application,
            criterion=criteria[key],
            points=Decimal(points),
            reason=f"Begründung {juror.user.name}: {key} {points}",
        )
    if submitted:
        Juror.objects.filter(procedure=procedure).update(scores_submitted_at=now)
    return Scored(first, second, juror_one, juror_two)


def test_evaluation_counts_voting_jurors_without_conflict(proc):
    scored = score_world(proc)
    result = evaluate(proc.procedure)
    assert [entry.key for entry in result.ranking] == [str(scored.first.pk), str(scored.second.pk)]
    first, second = result.ranking
    assert first.total == pytest.approx(72)
    assert first.criteria["object"].points == {str(scored.juror_one.pk): 8.0}
    assert second.total == pytest.approx(70)
    assert second.criteria["object"].average == pytest.approx(7)
    assert first.label == proc.applicant.name
    assert result.seed == ""


def test_advisory_jurors_do_not_count(proc):
    scored = score_world(proc)
    Juror.objects.filter(pk=scored.juror_one.pk).update(role=JurorRole.ADVISORY)
    result = evaluate(proc.procedure)
    # Only juror two counts: the first application has no valid score left.
    assert [entry.key for entry in result.ranking] == [str(scored.second.pk)]
    assert result.excluded[0].key == str(scored.first.pk)
    assert "keine gültige Bewertung" in result.excluded[0].excluded_reason


def test_unchecked_refused_and_withdrawn_applications(proc):
    scored = score_world(proc)
    Application.objects.filter(pk=scored.second.pk).update(eligibility=Eligibility.INELIGIBLE)
    withdrawn = Application.objects.create(
        procedure=proc.procedure,
        organisation=OrganisationFactory(name="Zurückgezogen e. V.", slug="zurueckgezogen"),
        state=ApplicationState.WITHDRAWN,
    )
    result = evaluate(proc.procedure)
    keys = {entry.key for entry in [*result.ranking, *result.excluded]}
    assert str(withdrawn.pk) not in keys
    assert result.by_key[str(scored.second.pk)].excluded_reason == "nicht zugelassen"


def test_minimum_points_exclude_with_reason(proc):
    scored = score_world(proc)
    # The group concept needs 4 points on average; the second gets 3.
    JuryScore.objects.filter(application=scored.second, criterion__key="group").update(
        points=Decimal(3)
    )
    result = evaluate(proc.procedure)
    reason = result.by_key[str(scored.second.pk)].excluded_reason
    assert reason.startswith("Mindestpunktzahl bei „Gruppenkonzept“ nicht erreicht: 3")


def test_seed_decides_a_tie_reproducibly(proc):
    scored = score_world(proc, tie=True)
    first = evaluate(proc.procedure, seed="abc")
    again = evaluate(proc.procedure, seed="abc")
    assert [e.key for e in first.ranking] == [e.key for e in again.ranking]
    assert {e.tie_break for e in first.ranking} == {"lot"}
    keys = sorted(
        [str(scored.first.pk), str(scored.second.pk)], key=lambda k: scoring.lot_key("abc", k)
    )
    assert [e.key for e in first.ranking] == keys


def test_result_json_holds_everything_needed_later(proc):
    scored = score_world(proc)
    inputs = evaluation_inputs(proc.procedure, "s33d")
    data = result_to_json(
        scoring.aggregate(
            inputs.criteria,
            inputs.jurors,
            inputs.applications,
            inputs.scores,
            inputs.conflicts,
            inputs.rules,
        ),
        inputs,
    )
    assert data["seed"] == "s33d"
    assert [c["key"] for c in data["criteria"]] == ["object", "group"]
    assert data["applications"][str(scored.first.pk)]["letter"] == "A"
    assert data["applications"][str(scored.second.pk)] == {
        "pk": scored.second.pk,
        "name": proc.second_applicant.name,
        "organisation": proc.second_applicant.pk,
        "letter": "B",
        "may_be_named": False,
    }
    assert data["jurors"][str(scored.juror_one.pk)] == {"name": "Jana Jury", "voting": True}
    assert list(data["ranking"][0]["criteria"]) == ["object", "group"]
    assert data["steps"][-1].startswith("Los-Seed: „s33d“")


def _third_juror_on_the_second_application(proc, scored) -> Juror:
    """A third voting juror with a conflict on the first application who gives the second 1
    on the object concept and 10 on the group concept."""
    third = Juror.objects.create(
        procedure=proc.procedure,
        user=proc.outsider,
        role=JurorRole.VOTING,
        scores_submitted_at=timezone.now(),
    )
    ConflictDeclaration.objects.create(
        juror=third, application=scored.first, has_conflict=True, reason="Nachbarin der Gruppe."
    )
    criteria = {c.key: c for c in proc.procedure.criteria.all()}
    for key, points in (("object", 1), ("group", 10)):
        JuryScore.objects.create(
            juror=third,
            application=scored.second,
            criterion=criteria[key],
            points=Decimal(points),
            reason="Begründung der dritten Jurorin",
        )
    return third


@pytest.mark.parametrize(
    ("averaging", "object_average", "second_total"),
    [
        # object (6 + 8 + 1) / 3 = 5 → 30; group (8 + 6 + 10) / 3 = 8 → 32
        ("mean", 5.0, 62.0),
        # object median of 1, 6, 8 = 6 → 36; group median of 6, 8, 10 = 8 → 32
        ("median", 6.0, 68.0),
    ],
)
def test_the_procedure_s_averaging_reaches_the_engine(
    proc, averaging, object_average, second_total
):
    Procedure.objects.filter(pk=proc.procedure.pk).update(averaging=averaging)
    scored = score_world(proc)
    _third_juror_on_the_second_application(proc, scored)

    inputs = evaluation_inputs(proc.procedure, "s")
    result = evaluate(proc.procedure)

    assert inputs.rules.average == averaging
    second = result.by_key[str(scored.second.pk)]
    assert len(second.criteria["object"].points) == 3
    assert second.criteria["object"].average == pytest.approx(object_average)
    assert second.criteria["group"].average == pytest.approx(8)
    assert second.total == pytest.approx(second_total)
    # The first application: only juror one counts (two and three declared a conflict).
    assert result.by_key[str(scored.first.pk)].total == pytest.approx(72)
    label = "Median" if averaging == "median" else "Mittelwert"
    assert result.steps[0].startswith(
        f"Verfahren: gewichtete Summe. Je Kriterium zählt der {label}"
    )
    data = result_to_json(result, inputs)
    assert data["rules"]["average"] == averaging


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (52, "BA")]
)
def test_public_letters(index, letter):
    assert public_letter(index) == letter
