"""Demo allocation procedures, run through the real services (audit trail included).

Stadt Angermünde (login ``kommune@``) runs two procedures on its demo properties:

- "Alte Dorfschule mit Turnhalle" on the Stuttgart model, in evaluation: three applications,
  one not admitted, a question answered, two voting jurors (``jury@`` and ``koordination@``);
  one juror has scored and submitted, the other has scored one application.
- "Ehemaliges Kaufhaus am Marktplatz" on the Hamburg model (price counts), decided with a
  public result and the manager's summary of the reasons.

The deadlines are set in the future for publication and moved into the past afterwards, as the
time between them would have passed. Procedures are immutable once published, so an existing
demo procedure is left as it is (the load stays idempotent).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from allmende.accounts.models import User
from allmende.networks.demo import DEMO_PASSWORD
from allmende.networks.models import Organisation, OrganisationRole, OrganisationRoleKind
from allmende.procedures import services, services_applications, services_decision, services_jury
from allmende.procedures.models import Application, Juror, Procedure, ProcedureState
from allmende.properties.models import Property

MANAGER_EMAIL = "kommune@demo.allmende.example"
JUROR_EMAIL = "jury@demo.allmende.example"
COORDINATOR_EMAIL = "koordination@demo.allmende.example"
ADMIN_EMAIL = "admin@demo.allmende.example"

# Applicants: (organisation name, editor e-mail, editor name)
APPLICANTS = [
    ("Stadtlücken Stuttgart", "initiative@demo.allmende.example", ""),
    ("Netzwerk Zukunftsorte", "zukunftsorte@demo.allmende.example", "Zora Zukunft"),
    (
        "kaz – Göttinger Kommunikations- und Aktionszentrum e.V.",
        "kaz@demo.allmende.example",
        "Karl Kaz",
    ),
]

CONCEPTS = {
    "Stadtlücken Stuttgart": (
        "Die Schule wird zum Sommerlabor: Werkstätten im Erdgeschoss, ein offenes Café in der "
        "Turnhalle, Gästezimmer für Stadtmenschen, die das Land ausprobieren.",
        "Acht Leute aus Stuttgart und Angermünde, Verein seit 2014, Erfahrung mit "
        "Zwischennutzungen; zwei ziehen ganz nach Angermünde.",
    ),
    "Netzwerk Zukunftsorte": (
        "Gemeinschaftliches Wohnen für zwölf Menschen im Schulhaus, die Turnhalle bleibt für "
        "Dorfvereine offen, Energie vom eigenen Dach.",
        "Genossenschaft in Gründung mit Menschen aus drei Generationen, begleitet vom "
        "Netzwerk, das schon ein Gutshaus in der Region entwickelt hat.",
    ),
    "kaz – Göttinger Kommunikations- und Aktionszentrum e.V.": (
        "Ein Kulturzentrum mit Probenräumen und Kino im Saal.",
        "Ein Verein aus Göttingen ohne Bezug zur Region.",
    ),
}


# The manager's summary of the reasons for the decided demo procedure (published with it).
DEMO_REASONS_SUMMARY = (
    "Den Zuschlag erhält Stadtlücken Stuttgart, deren Bewerbung die höchste Gesamtpunktzahl "
    "erreicht. Den Ausschlag gaben die wohnungspolitischen Ziele, die die Jury bei dieser "
    "Bewerbung am besten bewertete: dauerhaft bezahlbare Räume und ein offenes Erdgeschoss, das "
    "den Marktplatz belebt. Ihr Gebot ist zudem das höchste der zugelassenen Bewerbungen.\n\n"
    "Das Netzwerk Zukunftsorte überzeugte beim Städtebau und beim Energiestandard, blieb bei "
    "den wohnungspolitischen Zielen und beim Gebot aber zurück. Eine Bewerbung wurde nicht "
    "zugelassen, weil keine Satzung vorlag."
)


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, name=name)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _editor(organisation: Organisation, email: str, name: str) -> User:
    user = _user(email, name) if name else User.objects.get(email=email)
    OrganisationRole.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": OrganisationRoleKind.EDITOR}
    )
    return user


def _shift_deadlines_into_the_past(procedure: Procedure, days: int) -> None:
    now = timezone.now()
    Procedure.objects.filter(pk=procedure.pk).update(
        question_deadline=now - datetime.timedelta(days=days + 7),
        submission_deadline=now - datetime.timedelta(days=days),
    )
    procedure.refresh_from_db()


def _published(prop: Property, manager: User, *, title: str, template: str) -> Procedure:
    now = timezone.now()
    procedure = services.procedure_create(
        property=prop,
        actor=manager,
        template=template,
        data={
            "title": title,
            "summary": (
                "Die Stadt vergibt das Gebäude nach der Qualität der Konzepte. Gesucht sind "
                "Gruppen, die es dauerhaft gemeinwohlorientiert nutzen und das Dorf beleben."
            ),
            "transfer": "leasehold",
            "leasehold_term_years": 66,
            "ground_rent_percent": Decimal("2.50"),
        },
    )
    services.procedure_update_draft(
        procedure=procedure,
        actor=manager,
        data={
            "question_deadline": now + datetime.timedelta(days=14),
            "submission_deadline": now + datetime.timedelta(days=28),
        },
    )
    return services.procedure_publish(procedure=procedure, actor=manager)


def _apply(
    procedure: Procedure, organisation: Organisation, editor: User, *, bid: int | None = None
) -> Application:
    object_text, group_text = CONCEPTS[organisation.name]
    concepts = {}
    for criterion in procedure.criteria.all():
        concepts[criterion.key] = group_text if criterion.position % 2 == 0 else object_text
    data: dict[str, Any] = {
        "concepts": concepts,
        "legal_form": "eingetragener Verein",
        "group_size": 8,
        "self_use_share": 60,
        "equity": Decimal(40000),
        "loans": Decimal(180000),
        "subsidies": Decimal(60000),
        "planned_rent": Decimal("6.50"),
        "may_be_named": not organisation.name.startswith("kaz"),
    }
    if bid is not None:
        data["bid"] = Decimal(bid)
    application = services_applications.application_create(
        procedure=procedure, organisation=organisation, actor=editor, data=data
    )
    return services_applications.application_submit(application=application, actor=editor)


def _check_eligibility(procedure: Procedure, manager: User) -> None:
    for application in procedure.applications.filter(state="submitted"):
        ok = not application.organisation.name.startswith("kaz")
        services_applications.eligibility_check(
            application=application,
            actor=manager,
            decisions={
                criterion.pk: (
                    ok,
                    "Satzung liegt vor und ist gemeinnützig."
                    if ok
                    else "Keine Satzung eingereicht.",
                )
                for criterion in procedure.eligibility_criteria.all()
            },
        )


def _score(juror: Juror, actor: User, application: Application, level: dict[str, int]) -> None:
    scores = {}
    for criterion in application.procedure.criteria.all():
        # Levels are tenths of the criterion's maximum (Hamburg counts up to 280 points).
        tenths = Decimal(level.get(criterion.key, 6)) / 10
        points = (criterion.max_points * tenths * 2).quantize(Decimal(1)) / 2
        verdict = "überzeugend" if points >= criterion.max_points * Decimal("0.7") else "mit Lücken"
        scores[criterion.pk] = (
            points,
            f"{criterion.name}: nachvollziehbar beschrieben, {verdict}.",
        )
    services_jury.scores_save(juror=juror, actor=actor, application=application, scores=scores)


def _jury(procedure: Procedure, manager: User) -> list[tuple[Juror, User]]:
    jurors = []
    for email in (JUROR_EMAIL, COORDINATOR_EMAIL):
        user = User.objects.get(email=email)
        juror = services_jury.juror_invite(
            procedure=procedure, actor=manager, email=email, role="voting"
        )
        jurors.append((juror, user))
    return jurors


def _declare(procedure: Procedure, juror: Juror, user: User) -> None:
    eligible = procedure.applications.filter(state="submitted", eligibility="eligible")
    services_jury.conflicts_declare(
        juror=juror,
        actor=user,
        declarations={application.pk: (False, "") for application in eligible},
    )


def _in_evaluation(procedure: Procedure, manager: User) -> list[tuple[Juror, User]]:
    _shift_deadlines_into_the_past(procedure, days=3)
    services.procedure_close_submission(procedure=procedure, actor=manager)
    _check_eligibility(procedure, manager)
    jurors = _jury(procedure, manager)
    procedure = services.procedure_start_evaluation(procedure=procedure, actor=manager)
    for juror, user in jurors:
        _declare(procedure, juror, user)
    return jurors


@transaction.atomic
def demo_procedures_load() -> dict[str, int]:
    """Create the two demo procedures unless they exist; returns counts."""
    manager = User.objects.get(email=MANAGER_EMAIL)
    _user(JUROR_EMAIL, "Judith Jury")
    applicants = []
    for name, email, editor_name in APPLICANTS:
        organisation = Organisation.objects.get(name=name)
        applicants.append((organisation, _editor(organisation, email, editor_name)))
    school = Property.objects.get(title="Alte Dorfschule mit Turnhalle")
    store = Property.objects.get(title="Ehemaliges Kaufhaus am Marktplatz")

    title = "Konzeptvergabe Alte Dorfschule Angermünde"
    if not Procedure.objects.filter(title=title).exists():
        procedure = _published(school, manager, title=title, template="stuttgart")
        first_organisation, first_editor = applicants[0]
        question = services_applications.question_ask(
            procedure=procedure,
            organisation=first_organisation,
            actor=first_editor,
            text="Darf die Turnhalle auch von Vereinen aus den Nachbardörfern genutzt werden?",
        )
        services_applications.question_answer(
            question=question,
            actor=manager,
            answer="Ja, eine Öffnung für Vereine der Region ist ausdrücklich erwünscht.",
        )
        for organisation, editor in applicants:
            _apply(procedure, organisation, editor)
        jurors = _in_evaluation(procedure, manager)
        eligible = list(procedure.applications.filter(eligibility="eligible").order_by("pk"))
        (juror, user), (second, second_user) = jurors
        for application, level in zip(
            eligible, ({"objekt": 8, "gruppe": 7}, {"objekt": 6, "gruppe": 9}), strict=False
        ):
            _score(juror, user, application, level)
        services_jury.scores_submit(juror=juror, actor=user)
        _score(second, second_user, eligible[0], {"objekt": 7, "gruppe": 6})

    title = "Konzeptvergabe Ehemaliges Kaufhaus Angermünde"
    if not Procedure.objects.filter(title=title).exists():
        procedure = _published(store, manager, title=title, template="hamburg")
        for (organisation, editor), bid in zip(applicants, (120000, 95000, 150000), strict=True):
            _apply(procedure, organisation, editor, bid=bid)
        jurors = _in_evaluation(procedure, manager)
        eligible = list(procedure.applications.filter(eligibility="eligible").order_by("pk"))
        levels = [
            (
                {"wohnungspolitik": 9, "staedtebau": 7, "energie": 6},
                {"wohnungspolitik": 6, "staedtebau": 8, "energie": 9},
                {"wohnungspolitik": 4, "staedtebau": 6, "energie": 5},
            ),
            (
                {"wohnungspolitik": 8, "staedtebau": 7, "energie": 5},
                {"wohnungspolitik": 7, "staedtebau": 9, "energie": 8},
                {"wohnungspolitik": 5, "staedtebau": 5, "energie": 4},
            ),
        ]
        for (juror, user), per_application in zip(jurors, levels, strict=True):
            for application, level in zip(eligible, per_application, strict=True):
                _score(juror, user, application, level)
            services_jury.scores_submit(juror=juror, actor=user)
        procedure.refresh_from_db()
        services_decision.procedure_decide(
            procedure=procedure, actor=manager, reasons_summary=DEMO_REASONS_SUMMARY
        )

    return {
        "procedures": Procedure.objects.filter(organisation__name="Stadt Angermünde").count(),
        "decided": Procedure.objects.filter(state=ProcedureState.DECIDED).count(),
    }
