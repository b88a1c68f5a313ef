"""Templates of real allocation schemes to start a procedure from (facts.json,
``konzeptvergabe_weights``).

Plain data: ``procedure_create`` copies a template's scheme fields and criteria into the new
draft, which the manager then adjusts. Weights are percentages of the total, the price weight
included; maximum points are the points the jury gives on that criterion.

Class bounds and the points a threshold model requires are on the scale of the total the
aggregation engine forms: 0–100, the weights summed (``scoring.Rules``). A scheme that counts
raw points (Vienna: 44, Tübingen: 30) is converted with ``share_of_100``.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CriterionTemplate:
    key: str
    name: str
    weight: Decimal
    max_points: Decimal
    description: str = ""
    min_points: Decimal | None = None
    guidance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SchemeTemplate:
    key: str
    label: str | Promise
    description: str | Promise
    criteria: tuple[CriterionTemplate, ...]
    price_model: str = "fixed"
    price_weight: Decimal = Decimal(0)
    aggregation: str = "weighted_sum"
    tie_break_criterion: str = ""
    classes: list[list[Any]] = field(default_factory=list)
    threshold_points: Decimal | None = None
    eligibility: tuple[str, ...] = ()

    def scheme_fields(self) -> dict[str, Any]:
        """The procedure fields this template sets."""
        return {
            "price_model": self.price_model,
            "price_weight": self.price_weight,
            "aggregation": self.aggregation,
            "tie_break_criterion": self.tie_break_criterion,
            "classes": [list(pair) for pair in self.classes],
            "threshold_points": self.threshold_points,
        }


def share_of_100(points: int, of: int) -> int | float:
    """``points`` of ``of`` raw points on the 0–100 scale of the total (37 of 44 → 84.09…).

    Kept exact rather than rounded: a rounded-up bound would shut out an application with
    exactly the required points, a rounded-down one admit some with fewer; the engine compares
    with a small tolerance, so 37 of 44 points reach a class that starts at 37/44 × 100.
    """
    share = points / of * 100
    # Whole numbers as int, as the set-up form stores them ("E: 0", not "E: 0.0").
    return int(share) if share.is_integer() else share


# Vienna: four pillars of at most 11 points, 44 in all; a class starts at these points.
WIEN_MAX_POINTS = 44
WIEN_CLASS_POINTS = (("A", 37), ("B", 28), ("C", 23), ("D", 12), ("E", 0))

_TEN_LEVELS = {
    "0": "Keine Aussage oder nicht nachvollziehbar.",
    "5": "Nachvollziehbar, aber in Teilen unkonkret.",
    "10": "Überzeugend, konkret und verbindlich zugesagt.",
}

_HAMBURG_LEVELS = {"0": "Keine Aussage.", "140": "Teilweise erfüllt.", "280": "Voll erfüllt."}

SCHEMES: dict[str, SchemeTemplate] = {
    "hamburg": SchemeTemplate(
        key="hamburg",
        label=_("Hamburg: 1,000 points, concept 700, price 300"),
        description=_(
            "Concept 700 points (housing policy 280, urban design 280, energy 140) and the "
            "highest bid 300 points."
        ),
        price_model="highest_bid",
        price_weight=Decimal(30),
        tie_break_criterion="wohnungspolitik",
        criteria=(
            CriterionTemplate(
                key="wohnungspolitik",
                name="Wohnungspolitische Ziele",
                description="Geförderter Wohnraum, Mietpreisbindung, Baugemeinschaften.",
                weight=Decimal(28),
                max_points=Decimal(280),
                guidance=_HAMBURG_LEVELS,
            ),
            CriterionTemplate(
                key="staedtebau",
                name="Städtebau und Architektur",
                description="Einfügung ins Quartier, Freiraum, Qualität der Architektur.",
                weight=Decimal(28),
                max_points=Decimal(280),
                guidance=_HAMBURG_LEVELS,
            ),
            CriterionTemplate(
                key="energie",
                name="Energetischer Standard",
                description="Energiestandard über dem gesetzlichen Mindestmaß.",
                weight=Decimal(14),
                max_points=Decimal(140),
                guidance={"0": "Gesetzlicher Standard.", "140": "Deutlich darüber."},
            ),
        ),
    ),
    "stuttgart": SchemeTemplate(
        key="stuttgart",
        label=_("Stuttgart: object concept 60 %, group concept 40 %"),
        description=_("Fixed price; the object concept counts 60 %, the group concept 40 %."),
        tie_break_criterion="objekt",
        criteria=(
            CriterionTemplate(
                key="objekt",
                name="Objektkonzept",
                description="Nutzung, Architektur, Ökologie und Einbindung ins Quartier.",
                weight=Decimal(60),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
            CriterionTemplate(
                key="gruppe",
                name="Gruppenkonzept",
                description="Zusammensetzung, Selbstnutzung, Gemeinschaft und Verbindlichkeit.",
                weight=Decimal(40),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
        ),
        eligibility=("Die Gruppe nutzt das Gebäude überwiegend selbst.",),
    ),
    "nuernberg": SchemeTemplate(
        key="nuernberg",
        label=_("Nuremberg: 30 / 40 / 15 / 15"),
        description=_(
            "Housing policy 30 %, energy and ecology 40 %, group 15 %, planning 15 %; fixed price."
        ),
        tie_break_criterion="oekologie",
        criteria=(
            CriterionTemplate(
                key="wohnungspolitik",
                name="Wohnungspolitik",
                weight=Decimal(30),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
            CriterionTemplate(
                key="oekologie",
                name="Energie und Ökologie",
                weight=Decimal(40),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
            CriterionTemplate(
                key="gruppe",
                name="Gruppe",
                weight=Decimal(15),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
            CriterionTemplate(
                key="planung",
                name="Planung",
                weight=Decimal(15),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
        ),
    ),
    "wien": SchemeTemplate(
        key="wien",
        label=_("Vienna: four pillars, classes A–E"),
        description=_(
            "Economy, social sustainability, architecture and ecology, at most 11 points each "
            "(44); classes A 37–44, B 28–36, C 23–27, D 12–22, E 0–11. The classes start at "
            "these points as shares of 100 (A at 37 ÷ 44 × 100 = 84.09)."
        ),
        aggregation="class_banding",
        tie_break_criterion="soziales",
        classes=[
            [label, share_of_100(points, WIEN_MAX_POINTS)] for label, points in WIEN_CLASS_POINTS
        ],
        criteria=(
            CriterionTemplate(
                key="oekonomie",
                name="Ökonomie",
                description="Kosten, Mieten und Finanzierung.",
                weight=Decimal(25),
                max_points=Decimal(11),
            ),
            CriterionTemplate(
                key="soziales",
                name="Soziale Nachhaltigkeit",
                description="Alltagstauglichkeit, Gemeinschaft, Nutzungsmischung.",
                weight=Decimal(25),
                max_points=Decimal(11),
            ),
            CriterionTemplate(
                key="architektur",
                name="Architektur",
                description="Städtebau, Gestaltung und Wohnqualität.",
                weight=Decimal(25),
                max_points=Decimal(11),
            ),
            CriterionTemplate(
                key="oekologie",
                name="Ökologie",
                description="Energie, Baustoffe, Grün- und Freiraum.",
                weight=Decimal(25),
                max_points=Decimal(11),
            ),
        ),
    ),
    "tuebingen": SchemeTemplate(
        key="tuebingen",
        label=_("Tübingen: fixed price, criteria by priority"),
        description=_(
            "Fixed price; criteria ranked by priority 1–3 (weights falling with the priority); "
            "every minimum must be met and at least 50 of 100 points reached (15 of the 30 "
            "points). Option phase of 6–10 months with a status talk after 4 months."
        ),
        aggregation="threshold",
        # Half of the 30 points (three criteria of 10) on the 0–100 scale of the total: with
        # only the minimums met (4 and 3 points) an application has 29, so this excludes.
        threshold_points=Decimal(50),
        tie_break_criterion="nutzung",
        criteria=(
            CriterionTemplate(
                key="nutzung",
                name="Priorität 1: Nutzungsmischung und Erdgeschoss",
                description="Öffentlich wirksame Nutzungen im Erdgeschoss, Mischung im Haus.",
                weight=Decimal(50),
                max_points=Decimal(10),
                min_points=Decimal(4),
                guidance=_TEN_LEVELS,
            ),
            CriterionTemplate(
                key="soziales",
                name="Priorität 2: Soziale Vielfalt",
                description="Bezahlbarer Wohnraum, unterschiedliche Haushalte, Gemeinschaft.",
                weight=Decimal(30),
                max_points=Decimal(10),
                min_points=Decimal(3),
                guidance=_TEN_LEVELS,
            ),
            CriterionTemplate(
                key="oekologie",
                name="Priorität 3: Ökologie und Mobilität",
                description="Energiestandard, Baustoffe, autoarmes Wohnen.",
                weight=Decimal(20),
                max_points=Decimal(10),
                guidance=_TEN_LEVELS,
            ),
        ),
    ),
}


def scheme_choices() -> list[tuple[str, str | Promise]]:
    """(key, label) of every template, for a select field."""
    return [(key, scheme.label) for key, scheme in SCHEMES.items()]
