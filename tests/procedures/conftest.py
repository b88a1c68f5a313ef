"""Shared fixtures of the procedure tests: a town runs a procedure for its old school; two
initiatives apply; two jurors score.

``proc`` gives everything as attributes; ``proc.publish()`` moves the procedure past the draft
the way the database sees it (services have their own tests), with deadlines in the future and
the scheme's hash stored as at publication.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from allmende.accounts.models import User
from allmende.networks.models import Organisation, OrganisationRoleKind
from allmende.procedures.models import (
    AwardCriterion,
    EligibilityCriterion,
    Juror,
    JurorRole,
    PriceModel,
    Procedure,
    ProcedureState,
)
from allmende.procedures.services import procedure_scheme_hash
from allmende.properties.models import Property
from tests.factories import OrganisationFactory, OrganisationRoleFactory, UserFactory


@dataclass
class ProcedureWorld:
    procedure: Procedure
    property: Property
    town: Organisation
    manager: User
    applicant: Organisation
    applicant_editor: User
    second_applicant: Organisation
    second_editor: User
    juror_one: User
    juror_two: User
    outsider: User
    admin: User

    def publish(self) -> Procedure:
        now = timezone.now()
        self.procedure.refresh_from_db()
        Procedure.objects.filter(pk=self.procedure.pk).update(
            state=ProcedureState.PUBLISHED,
            published_at=now,
            question_deadline=now + datetime.timedelta(days=10),
            submission_deadline=now + datetime.timedelta(days=20),
            scheme_hash=self.procedure.scheme_hash or procedure_scheme_hash(self.procedure),
        )
        self.procedure.refresh_from_db()
        return self.procedure

    def set_state(self, state: str) -> Procedure:
        """Move to ``state``; leaving the draft freezes the scheme's hash, as publishing does."""
        self.procedure.refresh_from_db()
        values: dict[str, object] = {"state": state}
        if state != ProcedureState.DRAFT and not self.procedure.scheme_hash:
            values["scheme_hash"] = procedure_scheme_hash(self.procedure)
        Procedure.objects.filter(pk=self.procedure.pk).update(**values)
        self.procedure.refresh_from_db()
        return self.procedure


def make_procedure(town: Organisation, prop: Property, **overrides) -> Procedure:
    """A draft Konzeptvergabe on the Stuttgart model: object concept 60 %, group concept 40 %,
    10 points each, a minimum of 4 on the group concept; one eligibility criterion."""
    now = timezone.now()
    values = {
        "property": prop,
        "organisation": town,
        "title": "Konzeptvergabe Alte Schule",
        "transfer": "leasehold",
        "leasehold_term_years": 66,
        "ground_rent_percent": Decimal("2.50"),
        "price_model": PriceModel.FIXED,
        "question_deadline": now + datetime.timedelta(days=10),
        "submission_deadline": now + datetime.timedelta(days=20),
        "tie_break_criterion": "object",
    }
    values.update(overrides)
    procedure = Procedure.objects.create(**values)
    AwardCriterion.objects.create(
        procedure=procedure,
        key="object",
        position=1,
        name="Objektkonzept",
        weight=Decimal(60),
        max_points=Decimal(10),
        guidance={"0": "keine Aussage", "5": "nachvollziehbar", "10": "überzeugend"},
    )
    AwardCriterion.objects.create(
        procedure=procedure,
        key="group",
        position=2,
        name="Gruppenkonzept",
        weight=Decimal(40),
        max_points=Decimal(10),
        min_points=Decimal(4),
    )
    EligibilityCriterion.objects.create(
        procedure=procedure, position=1, text="Gemeinnützige Rechtsform oder in Gründung"
    )
    return procedure


@pytest.fixture
def proc(world) -> ProcedureWorld:
    town = world.other_organisation  # Stadt Angermünde
    manager = OrganisationRoleFactory(
        organisation=town, role=OrganisationRoleKind.EDITOR, user__email="rathaus@example.org"
    ).user
    prop = Property.objects.create(
        title="Alte Schule Angermünde",
        kind="vacant",
        city="Angermünde",
        state="Brandenburg",
        lat=53.02,
        lon=14.0,
        owner_kind="municipal",
        owner_organisation=town,
        is_published=True,
        usable_area=650,
        transfer_leasehold=True,
    )
    second = OrganisationFactory(name="Wohnprojekt Uckermark", slug="wohnprojekt-uckermark")
    second_editor = OrganisationRoleFactory(
        organisation=second, role=OrganisationRoleKind.EDITOR, user__email="wohnprojekt@example.org"
    ).user
    procedure = make_procedure(town, prop)
    juror_one = UserFactory(email="jury1@example.org", name="Jana Jury")
    juror_two = UserFactory(email="jury2@example.org", name="Jonas Jury")
    Juror.objects.create(procedure=procedure, user=juror_one, role=JurorRole.VOTING)
    Juror.objects.create(procedure=procedure, user=juror_two, role=JurorRole.VOTING)
    return ProcedureWorld(
        procedure=procedure,
        property=prop,
        town=town,
        manager=manager,
        applicant=world.organisation,
        applicant_editor=world.editor,
        second_applicant=second,
        second_editor=second_editor,
        juror_one=juror_one,
        juror_two=juror_two,
        outsider=world.outsider,
        admin=world.admin,
    )
