"""After publication the scheme (criteria, weights, scales, aggregation, tie-break) cannot
change: through the services, the model, the set-up forms, the admin or the API."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse

from allmende.procedures import admin as procedures_admin
from allmende.procedures import services
from allmende.procedures.models import (
    AwardCriterion,
    EligibilityCriterion,
    FrozenSchemeError,
    Procedure,
)

FROZEN_MESSAGE = "können nach der Veröffentlichung nicht mehr geändert werden"


def _snapshot(procedure):
    procedure = Procedure.objects.get(pk=procedure.pk)
    return (
        services.procedure_scheme(procedure),
        list(AwardCriterion.objects.filter(procedure=procedure).values_list("pk", "weight")),
    )


# --- service ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"price_weight": Decimal(10)},
        {"aggregation": "median"},
        {"tie_break_criterion": "group"},
        {"classes": [["A", 5]]},
        {"disagreement_threshold": 0.5},
    ],
)
def test_service_refuses_a_scheme_change_after_publication(proc, data):
    procedure = proc.publish()
    before = _snapshot(procedure)
    with pytest.raises(FrozenSchemeError):
        services.procedure_update_draft(procedure=procedure, actor=proc.manager, data=data)
    assert _snapshot(procedure) == before


def test_service_refuses_other_set_up_changes_after_publication(proc):
    procedure = proc.publish()
    with pytest.raises(Exception, match="kann nicht mehr geändert werden") as caught:
        services.procedure_update_draft(
            procedure=procedure, actor=proc.manager, data={"title": "Neu"}
        )
    assert caught.value.code == "not_draft"
    assert Procedure.objects.get(pk=procedure.pk).title == "Konzeptvergabe Alte Schule"


def test_service_refuses_criteria_changes_after_publication(proc):
    procedure = proc.publish()
    before = _snapshot(procedure)
    criterion = procedure.criteria.get(key="object")
    with pytest.raises(FrozenSchemeError):
        services.award_criterion_update(
            criterion=criterion, actor=proc.manager, data={"weight": Decimal(50)}
        )
    with pytest.raises(FrozenSchemeError):
        services.award_criterion_delete(criterion=criterion, actor=proc.manager)
    with pytest.raises(FrozenSchemeError):
        services.award_criterion_add(
            procedure=procedure,
            actor=proc.manager,
            data={"key": "neu", "name": "Neu", "weight": 0, "max_points": 10},
        )
    with pytest.raises(FrozenSchemeError):
        services.procedure_criteria_set(
            procedure=procedure, actor=proc.manager, award=[], eligibility=[]
        )
    assert _snapshot(procedure) == before


# --- model -----------------------------------------------------------------------------------


def test_model_refuses_saving_a_changed_scheme(proc):
    procedure = proc.publish()
    before = _snapshot(procedure)
    procedure.price_weight = Decimal(20)
    with pytest.raises(FrozenSchemeError):
        procedure.save()
    criterion = AwardCriterion.objects.get(procedure=procedure, key="object")
    criterion.weight = Decimal(50)
    with pytest.raises(FrozenSchemeError):
        criterion.save()
    with pytest.raises(FrozenSchemeError):
        criterion.delete()
    # A queryset delete runs in a transaction of its own; the signal refuses it.
    with pytest.raises(FrozenSchemeError), transaction.atomic():
        EligibilityCriterion.objects.filter(procedure=procedure).delete()
    with pytest.raises(FrozenSchemeError):
        AwardCriterion.objects.create(
            procedure=procedure, key="x", name="x", weight=0, max_points=1
        )
    assert _snapshot(procedure) == before


# --- set-up forms ----------------------------------------------------------------------------


def test_scheme_step_after_publication_is_read_only(client, proc):
    procedure = proc.publish()
    client.force_login(proc.manager)
    content = client.get(
        reverse("procedures:procedure_setup", args=[procedure.pk, "schema"])
    ).content.decode()
    assert "Seine Einrichtung wird nur angezeigt" in content
    assert 'name="price_weight"' in content
    assert "disabled" in content
    assert "Speichern und weiter" not in content


@pytest.mark.parametrize("step", ["schema", "kriterien"])
def test_scheme_steps_refuse_a_post_after_publication(client, proc, step):
    procedure = proc.publish()
    before = _snapshot(procedure)
    client.force_login(proc.manager)
    data = {
        "price_model": "highest_bid",
        "price_weight": "40",
        "aggregation": "weighted_sum",
        "averaging": "mean",
        "disagreement_threshold": "0.3",
        "award-TOTAL_FORMS": "1",
        "award-INITIAL_FORMS": "0",
        "award-0-key": "neu",
        "award-0-name": "Neu",
        "award-0-weight": "60",
        "award-0-max_points": "10",
        "eligibility-TOTAL_FORMS": "0",
        "eligibility-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("procedures:procedure_setup", args=[procedure.pk, step]), data)
    assert response.status_code == 400
    assert FROZEN_MESSAGE in response.content.decode()
    assert _snapshot(procedure) == before


@pytest.mark.parametrize("step", ["grunddaten", "termine"])
def test_other_steps_refuse_a_post_after_publication(client, proc, step):
    procedure = proc.publish()
    client.force_login(proc.manager)
    response = client.post(
        reverse("procedures:procedure_setup", args=[procedure.pk, step]),
        {"title": "Neu", "kind": "concept", "transfer": "sale"},
    )
    assert response.status_code == 400
    assert "Das Verfahren ist veröffentlicht" in response.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).title == "Konzeptvergabe Alte Schule"


# --- admin -----------------------------------------------------------------------------------


class _FormValues(HTMLParser):
    """The values a browser would send for the admin's change form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "procedure_form":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += (
                data.lstrip("\n") if not self.data[self._textarea] else data
            )


def _admin_form(client, procedure):
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormValues()
    parser.feed(response.content.decode())
    return url, parser.data


def _criterion_field(data, key, field):
    for name, value in data.items():
        if name.startswith("criteria-") and name.endswith("-key") and value == key:
            return name.replace("-key", f"-{field}")
    raise AssertionError(f"no inline row for {key}")


def test_admin_edits_a_draft(client, proc):
    client.force_login(proc.admin)
    url, data = _admin_form(client, proc.procedure)
    data["price_weight"] = "0"
    data[_criterion_field(data, "object", "weight")] = "55"
    data[_criterion_field(data, "group", "weight")] = "45"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AwardCriterion.objects.get(procedure=proc.procedure, key="object").weight == 55


def test_admin_shows_the_scheme_read_only_after_publication(client, proc):
    procedure = proc.publish()
    before = _snapshot(procedure)
    client.force_login(proc.admin)
    url, data = _admin_form(client, procedure)
    assert "price_weight" not in data
    assert not any(name.endswith("-weight") for name in data)
    data.update({"price_weight": "50", "criteria-0-weight": "10", "title": "Neuer Titel"})
    response = client.post(url, data)
    assert response.status_code == 302
    assert _snapshot(procedure) == before
    assert Procedure.objects.get(pk=procedure.pk).title == "Neuer Titel"


@pytest.fixture
def editable_admin(monkeypatch):
    """An admin that forgot to make the scheme read-only: the model must still refuse."""
    monkeypatch.setattr(
        procedures_admin.ProcedureAdmin,
        "get_readonly_fields",
        lambda self, request, obj=None: list(self.readonly_fields),
    )
    for name in ("has_add_permission", "has_change_permission", "has_delete_permission"):
        monkeypatch.setattr(
            procedures_admin._SchemeInline, name, lambda self, request, obj=None: True
        )


def test_admin_without_read_only_fields_still_cannot_change_the_weight(
    client, proc, editable_admin
):
    procedure = proc.publish()
    before = _snapshot(procedure)
    client.force_login(proc.admin)
    url, data = _admin_form(client, procedure)
    assert "price_weight" in data
    data["price_weight"] = "20"
    response = client.post(url, data, follow=True)
    assert FROZEN_MESSAGE in response.content.decode()
    assert _snapshot(procedure) == before


def test_admin_without_read_only_inlines_still_cannot_change_a_criterion(
    client, proc, editable_admin
):
    procedure = proc.publish()
    before = _snapshot(procedure)
    client.force_login(proc.admin)
    url, data = _admin_form(client, procedure)
    data[_criterion_field(data, "object", "weight")] = "10"
    data["title"] = "Neuer Titel"
    response = client.post(url, data, follow=True)
    assert FROZEN_MESSAGE in response.content.decode()
    assert _snapshot(procedure) == before
    # The whole save was rolled back, the title too.
    assert Procedure.objects.get(pk=procedure.pk).title == "Konzeptvergabe Alte Schule"


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_has_no_write_endpoint_for_a_procedure(client, proc, method):
    procedure = proc.publish()
    before = _snapshot(procedure)
    client.force_login(proc.admin)
    url = f"/api/v1/procedures/{procedure.pk}"
    response = getattr(client, method)(
        url, data={"price_weight": 50, "criteria": []}, content_type="application/json"
    )
    assert response.status_code == 405
    assert _snapshot(procedure) == before


def test_api_cannot_create_a_procedure(client, proc):
    client.force_login(proc.admin)
    response = client.post("/api/v1/procedures", data={}, content_type="application/json")
    assert response.status_code == 405
