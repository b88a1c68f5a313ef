"""The scheme templates through the real path: created with ``procedure_create``, published,
closed and evaluated by the services, aggregated by ``evaluation.py`` and decided. Class
bounds and thresholds are on the engine's 0–100 scale, so Vienna's classes and Tübingen's
threshold mean what their descriptions say."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from allmende.procedures import schemes, services
from allmende.procedures.evaluation import evaluate
from allmende.procedures.models import (
    Application,
    ApplicationState,
    Eligibility,
    Juror,
    JurorRole,
    JuryScore,
    Procedure,
    ProcedureState,
)
from allmende.procedures.services_decision import procedure_decide
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _in_evaluation(proc, template: str) -> Procedure:
    """A procedure from ``template``, taken through publication, the close of the submission
    and the start of the evaluation by the services."""
    now = timezone.now()
    procedure = services.procedure_create(
        property=proc.property,
        actor=proc.manager,
        data={"title": f"Vorlage {template}", "kind": "concept", "transfer": "leasehold"},
        template=template,
    )
    services.procedure_update_draft(
        procedure=procedure,
        actor=proc.manager,
        data={
            "question_deadline": now + datetime.timedelta(days=1),
            "submission_deadline": now + datetime.timedelta(days=2),
        },
    )
    services.procedure_publish(procedure=procedure, actor=proc.manager)
    # The deadline has passed.
    Procedure.objects.filter(pk=procedure.pk).update(
        question_deadline=now - datetime.timedelta(days=2),
        submission_deadline=now - datetime.timedelta(days=1),
    )
    procedure.refresh_from_db()
    services.procedure_close_submission(procedure=procedure, actor=proc.manager)
    return services.procedure_start_evaluation(procedure=procedure, actor=proc.manager)


def _scored(procedure: Procedure, proc, points: dict[str, dict[str, int]]) -> dict[str, str]:
    """One admitted application per entry of ``points`` (name → criterion key → points), all
    scored by one voting juror who submitted; returns name → application key."""
    juror = Juror.objects.create(
        procedure=procedure,
        user=proc.juror_one,
        role=JurorRole.VOTING,
        scores_submitted_at=timezone.now(),
    )
    criteria = {c.key: c for c in procedure.criteria.all()}
    keys = {}
    for index, (name, by_criterion) in enumerate(points.items()):
        application = Application.objects.create(
            procedure=procedure,
            organisation=OrganisationFactory(name=name, slug=f"bewerbung-{index}"),
            state=ApplicationState.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(hours=index + 1),
            eligibility=Eligibility.ELIGIBLE,
        )
        assert set(by_criterion) == set(criteria)
        for key, value in by_criterion.items():
            JuryScore.objects.create(
                juror=juror,
                application=application,
                criterion=criteria[key],
                points=Decimal(value),
                reason=f"{name}: {key} {value}",
            )
        keys[name] = str(application.pk)
    return keys


def _wien(oekonomie: int, soziales: int, architektur: int, oekologie: int) -> dict[str, int]:
    return {
        "oekonomie": oekonomie,
        "soziales": soziales,
        "architektur": architektur,
        "oekologie": oekologie,
    }


def test_wien_template_stores_its_classes_on_the_0_to_100_scale():
    classes = dict(schemes.SCHEMES["wien"].scheme_fields()["classes"])
    assert classes["A"] == pytest.approx(37 / 44 * 100)
    assert classes["B"] == pytest.approx(28 / 44 * 100)
    assert classes["C"] == pytest.approx(23 / 44 * 100)
    assert classes["D"] == pytest.approx(12 / 44 * 100)
    assert classes["E"] == 0


def test_wien_classes_follow_the_points_of_44_through_the_real_evaluation(proc):
    procedure = _in_evaluation(proc, "wien")
    assert procedure.aggregation == "class_banding"
    keys = _scored(
        procedure,
        proc,
        {
            "37 von 44": _wien(10, 9, 9, 9),
            "36 von 44": _wien(9, 9, 9, 9),
            "28 von 44": _wien(7, 7, 7, 7),
            "27 von 44": _wien(7, 7, 7, 6),
            "12 von 44": _wien(3, 3, 3, 3),
            "11 von 44": _wien(3, 3, 3, 2),
        },
    )

    result = evaluate(procedure)

    classes = {name: result.by_key[key].class_label for name, key in keys.items()}
    assert classes == {
        "37 von 44": "A",
        "36 von 44": "B",
        "28 von 44": "B",
        "27 von 44": "C",
        "12 von 44": "D",
        "11 von 44": "E",
    }
    assert result.by_key[keys["28 von 44"]].total == pytest.approx(28 / 44 * 100)
    assert [entry.key for entry in result.ranking][:3] == [
        keys["37 von 44"],
        keys["36 von 44"],
        keys["28 von 44"],
    ]


def test_wien_classes_are_stored_in_the_decided_result(proc):
    procedure = _in_evaluation(proc, "wien")
    keys = _scored(
        procedure,
        proc,
        {
            "37 von 44": _wien(10, 9, 9, 9),
            "28 von 44": _wien(7, 7, 7, 7),
            "12 von 44": _wien(3, 3, 3, 3),
        },
    )

    decided = procedure_decide(
        procedure=procedure, actor=proc.manager, reasons_summary="Klasse A entscheidet."
    )

    assert decided.state == ProcedureState.DECIDED
    by_key = {entry["key"]: entry["class_label"] for entry in decided.result["ranking"]}
    assert by_key == {keys["37 von 44"]: "A", keys["28 von 44"]: "B", keys["12 von 44"]: "D"}
    assert decided.winner_id == int(keys["37 von 44"])


def _tuebingen(nutzung: int, soziales: int, oekologie: int) -> dict[str, int]:
    return {"nutzung": nutzung, "soziales": soziales, "oekologie": oekologie}


def test_tuebingen_threshold_excludes_an_application_that_meets_every_minimum(proc):
    procedure = _in_evaluation(proc, "tuebingen")
    assert procedure.aggregation == "threshold"
    assert procedure.threshold_points == 50
    keys = _scored(
        procedure,
        proc,
        {
            # 8/10 × 50 + 6/10 × 30 + 5/10 × 20 = 40 + 18 + 10 = 68
            "stark": _tuebingen(8, 6, 5),
            # Every minimum met (4 and 3), but 20 + 9 + 10 = 39 of 100: below the threshold.
            "knapp": _tuebingen(4, 3, 5),
            # 15 of the 30 points, all on the middle level: 25 + 15 + 10 = 50, just enough.
            "genau": _tuebingen(5, 5, 5),
        },
    )

    result = evaluate(procedure)

    assert [entry.key for entry in result.ranking] == [keys["stark"], keys["genau"]]
    assert result.by_key[keys["genau"]].total == pytest.approx(50)
    excluded = result.by_key[keys["knapp"]]
    assert excluded.rank is None
    assert excluded.total == pytest.approx(39)
    assert excluded.excluded_reason == "Schwelle nicht erreicht: 39 von mindestens 50 Punkten"
    assert "Schwelle: mindestens 50 von 100 Punkten." in result.steps


def test_tuebingen_minimum_still_excludes_before_the_threshold(proc):
    procedure = _in_evaluation(proc, "tuebingen")
    keys = _scored(procedure, proc, {"hoch": _tuebingen(10, 2, 10)})

    result = evaluate(procedure)

    assert result.ranking == []
    assert result.by_key[keys["hoch"]].excluded_reason.startswith(
        "Mindestpunktzahl bei „Priorität 2: Soziale Vielfalt“ nicht erreicht"
    )


def test_scheme_page_shows_the_class_bounds_on_the_scale_of_100(proc, client):
    procedure = _in_evaluation(proc, "wien")
    content = client.get(procedure.get_absolute_url()).content.decode()
    assert "Klassen nach Gesamtpunktzahl (von 100 Punkten): A ≥ 84,09, B ≥ 63,64" in content
