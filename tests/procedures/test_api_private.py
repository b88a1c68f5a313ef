"""API of applications and scores: only for the permitted roles, blind where the jury is."""

from decimal import Decimal

import pytest

from allmende.procedures.models import Application, Juror, ProcedureState
from tests.procedures.test_evaluation import score_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "applicant", "juror_one", "juror_two", "manager", "admin"]


def _user(proc, role):
    return {
        "anonymous": None,
        "outsider": proc.outsider,
        "applicant": proc.applicant_editor,
        "juror_one": proc.juror_one,
        "juror_two": proc.juror_two,
        "manager": proc.manager,
        "admin": proc.admin,
    }[role]


def _get(client, proc, role, path):
    user = _user(proc, role)
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/v1/procedures/{proc.procedure.pk}/{path}")


@pytest.mark.parametrize("role", ROLES)
def test_applications_per_role(client, proc, role):
    scored = score_world(proc)
    Application.objects.filter(pk=scored.first.pk).update(bid=Decimal(120000))

    response = _get(client, proc, role, "applications")

    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = {item["organisation"]: item for item in response.json()}
    expected = {
        "outsider": set(),
        "applicant": {proc.applicant.name},
        "juror_one": {proc.applicant.name, proc.second_applicant.name},
        "juror_two": {proc.applicant.name, proc.second_applicant.name},
        "manager": {proc.applicant.name, proc.second_applicant.name},
        "admin": {proc.applicant.name, proc.second_applicant.name},
    }[role]
    assert set(body) == expected
    if proc.applicant.name in body:
        bid = body[proc.applicant.name]["bid"]
        # The jury judges concepts, not prices.
        assert (bid is not None) is (role in ("applicant", "manager", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_scores_during_the_evaluation(client, proc, role):
    scored = score_world(proc, submitted=False)
    Juror.objects.filter(pk=scored.juror_one.pk).update(
        scores_submitted_at=scored.first.submitted_at
    )

    response = _get(client, proc, role, "scores")

    if role == "anonymous":
        assert response.status_code == 401
        return
    if role in ("outsider", "applicant", "manager", "admin"):
        # Managers see progress, not scores, until the evaluation is closed.
        assert response.status_code == 403
        assert "detail" in response.json()
        return
    body = response.json()
    jurors = {row["juror"] for row in body["scores"]}
    if role == "juror_one":
        # Submitted: sees juror two's scores only where juror two has submitted (not yet).
        assert jurors == {proc.juror_one.name}
    else:
        # Not submitted: blind to the others, but sees own scores and own conflict.
        assert jurors == {proc.juror_two.name}
        assert [c["application"] for c in body["conflicts"]] == [scored.first.pk]


def test_submitted_juror_sees_others_except_where_conflicted(client, proc):
    scored = score_world(proc)  # both submitted; juror two conflicted on the first

    client.force_login(proc.juror_two)
    body = client.get(f"/api/v1/procedures/{proc.procedure.pk}/scores").json()

    others = {(row["application"], row["juror"]) for row in body["scores"]}
    assert (scored.second.pk, proc.juror_one.name) in others
    assert (scored.first.pk, proc.juror_one.name) not in others


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_see_every_score_and_conflict_once_decided(client, proc, role):
    score_world(proc)
    proc.set_state(ProcedureState.DECIDED)

    body = _get(client, proc, role, "scores").json()

    assert len(body["scores"]) == 8
    assert all(row["reason"] for row in body["scores"])
    assert len(body["conflicts"]) == 1


def test_unknown_or_draft_procedure_is_404(client, proc):
    client.force_login(proc.outsider)

    assert client.get("/api/v1/procedures/999999/applications").status_code == 404
    assert client.get(f"/api/v1/procedures/{proc.procedure.pk}/scores").status_code == 404
