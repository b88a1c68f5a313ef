"""What the result page, the results API and the internal report show.

Everything is read from the result stored at the decision (``Procedure.result``), not
recomputed: later changes to scores or consents cannot alter a published result. The public
view names an applicant only if it agreed (``may_be_named`` at the time of the decision) and
calls the others "Application A", "Application B", … by the order of submission; it shows no
juror's name. The internal report shows everything, including every score with its reason.
"""

import json
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from allmende.procedures.audit import ChainProblem, audit_verify
from allmende.procedures.charts import Bar, Group, bar_chart_svg
from allmende.procedures.models import (
    Aggregation,
    Application,
    ApplicationState,
    AuditEntry,
    Averaging,
    ConflictDeclaration,
    EligibilityDecision,
    JuryScore,
    Procedure,
)
from allmende.procedures.services_decision import DECIDED_STATES


def method_label(data: dict[str, Any]) -> str:
    """The aggregation method and the average of the jurors, as the procedure names them."""
    rules = data.get("rules", {})
    labels = dict(Aggregation.choices)
    averages = dict(Averaging.choices)
    if rules.get("method") not in labels:
        return ""
    return f"{labels[rules['method']]}; {averages.get(rules.get('average'), '')}"


def is_decided(procedure: Procedure) -> bool:
    return procedure.state in DECIDED_STATES and bool(procedure.result)


def application_label(
    data: dict[str, Any], key: str, *, public: bool, language: str | None = None
) -> str:
    """The applicant's name, or (public, without consent) "Application B"."""
    application = data.get("applications", {}).get(key)
    if application is None:
        return key
    if not public or application["may_be_named"]:
        return str(application["name"])
    if language is None:
        return _("Application %(letter)s") % {"letter": application["letter"]}
    with translation.override(language):
        return _("Application %(letter)s") % {"letter": application["letter"]}


def result_entry(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The stored ranking entry of one application (ranked or excluded)."""
    for entry in [*data.get("ranking", []), *data.get("excluded", [])]:
        if entry["key"] == key:
            return dict(entry)
    return None


def _tie_groups(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """For every ranked application whose place a tie-break decided: the keys of the others
    with the same class and total."""
    groups: dict[tuple[Any, float], list[str]] = defaultdict(list)
    for entry in entries:
        groups[(entry["class_label"], round(entry["total"] or 0.0, 9))].append(entry["key"])
    return {
        key: [other for other in group if other != key]
        for group in groups.values()
        if len(group) > 1
        for key in group
    }


def _public_tie_note(
    data: dict[str, Any], entry: dict[str, Any], others: list[str], criterion_name: str
) -> str:
    names = ", ".join(application_label(data, other, public=True) for other in others)
    total = number_format(round(entry["total"] or 0.0, 2), decimal_pos=2)
    if entry["tie_break"] == "criterion":
        return _(
            "Tied with %(others)s at %(total)s points; the place was decided by the "
            "criterion “%(criterion)s”."
        ) % {"others": names, "total": total, "criterion": criterion_name}
    return _("Tied with %(others)s at %(total)s points; the place was decided by lot.") % {
        "others": names,
        "total": total,
    }


def result_rows(data: dict[str, Any], *, public: bool) -> list[dict[str, Any]]:
    """One row per application (ranked first, then excluded) with every number of its result.

    Public rows carry anonymised labels and a tie-break note without names; internal rows carry
    the names, the engine's note and each counted juror's points by juror name.
    """
    criteria = data.get("criteria", [])
    criterion_names = {c["key"]: c["name"] for c in criteria}
    tie_criterion = data.get("rules", {}).get("tie_break_criterion")
    winner = data.get("decision", {}).get("winner")
    jurors = data.get("jurors", {})
    ranked = data.get("ranking", [])
    ties = _tie_groups(ranked)
    rows = []
    for entry in [*ranked, *data.get("excluded", [])]:
        key = entry["key"]
        application = data.get("applications", {}).get(key, {})
        cells = []
        for criterion in criteria:
            cell = entry["criteria"].get(criterion["key"], {})
            cells.append(
                {
                    "key": criterion["key"],
                    "name": criterion["name"],
                    "max_points": criterion["max_points"],
                    "weight": criterion["weight"],
                    "average": cell.get("average"),
                    "weighted": cell.get("weighted"),
                    "spread": cell.get("spread"),
                    "votes": len(cell.get("points", {})),
                    "flagged": cell.get("flagged", False),
                    "below_minimum": cell.get("below_minimum", False),
                    "points": (
                        []
                        if public
                        else [
                            (jurors.get(juror, {}).get("name", juror), points)
                            for juror, points in cell.get("points", {}).items()
                        ]
                    ),
                }
            )
        tie_note = entry.get("tie_break_note")
        if public:
            tie_note = (
                _public_tie_note(
                    data, entry, ties.get(key, []), criterion_names.get(tie_criterion or "", "")
                )
                if entry.get("tie_break")
                else None
            )
        rows.append(
            {
                "key": key,
                "label": application_label(data, key, public=public),
                "named": bool(application.get("may_be_named")) or not public,
                "rank": entry["rank"],
                "total": entry["total"],
                "class_label": entry["class_label"],
                "excluded_reason": entry["excluded_reason"],
                "is_winner": key == winner,
                "bid": None if public else entry.get("bid"),
                "price_score": entry.get("price_score"),
                "price_note": entry.get("price_note"),
                "tie_break": entry.get("tie_break"),
                "tie_break_note": tie_note,
                "criteria": cells,
            }
        )
    return rows


def result_chart(data: dict[str, Any], rows: list[dict[str, Any]], chart_id: str) -> str:
    """The SVG bar chart of the weighted points per criterion (and price) per application."""
    criteria = data.get("criteria", [])
    groups = [
        Group(
            name=criterion["name"],
            maximum=float(criterion["weight"]),
            bars=[
                Bar(row["label"], row["criteria"][index]["weighted"], row["is_winner"])
                for row in rows
            ],
        )
        for index, criterion in enumerate(criteria)
    ]
    rules = data.get("rules", {})
    if rules.get("price_mode") == "highest_bid" and rules.get("price_weight"):
        groups.append(
            Group(
                name=_("Price"),
                maximum=float(rules["price_weight"]),
                bars=[Bar(row["label"], row["price_score"], row["is_winner"]) for row in rows],
            )
        )
    return bar_chart_svg(
        chart_id=chart_id,
        title=_("Points per criterion and application"),
        description=_(
            "Horizontal bars, grouped by criterion: the weighted points each application "
            "reached, out of the criterion's weight. The same numbers are in the table below."
        ),
        groups=groups,
        no_value=_("no valid score"),
    )


def result_public(procedure: Procedure) -> dict[str, Any]:
    """The public result of a decided procedure (page and API): winner, ranking with the
    per-criterion results, the manager's summary of the reasons and reason for a deviation, the
    seed and the tie-break rule; applicants anonymised unless they agreed to be named; no
    juror names."""
    data = procedure.result
    decision = data.get("decision", {})
    rows = result_rows(data, public=True)
    winner = next((row for row in rows if row["is_winner"]), None)
    tie_criterion = data.get("rules", {}).get("tie_break_criterion")
    criterion_names = {c["key"]: c["name"] for c in data.get("criteria", [])}
    return {
        "id": procedure.pk,
        "title": procedure.title,
        "decided_at": procedure.decided_at,
        "winner": (
            {"key": winner["key"], "label": winner["label"], "named": winner["named"]}
            if winner
            else None
        ),
        "ranking_followed": not decision.get("deviation", False),
        "deviation_reason": procedure.deviation_reason,
        # From the stored result: the summary published at the decision.
        "reasons_summary": decision.get("reasons_summary", ""),
        "method": data.get("rules", {}).get("method", ""),
        "method_label": method_label(data),
        "average": data.get("rules", {}).get("average", ""),
        "criteria": data.get("criteria", []),
        "price_weight": data.get("rules", {}).get("price_weight", 0.0),
        "tie_break_criterion": criterion_names.get(tie_criterion or ""),
        "seed": procedure.tie_break_seed,
        "applications": rows,
    }


def _scores_by_application(procedure: Procedure) -> dict[int, list[JuryScore]]:
    scores: dict[int, list[JuryScore]] = defaultdict(list)
    for score in (
        JuryScore.objects.filter(juror__procedure=procedure)
        .select_related("juror__user", "criterion")
        .order_by("application_id", "criterion__position", "criterion_id", "juror_id")
    ):
        scores[score.application_id].append(score)
    return scores


def report_context(procedure: Procedure) -> dict[str, Any]:
    """Everything the internal report shows. Individual scores and the ranking only once the
    procedure is decided (before, the manager sees the jury's progress, not its scores)."""
    decided = is_decided(procedure)
    applications = list(
        Application.objects.filter(procedure=procedure)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "eligibility_decisions",
                queryset=EligibilityDecision.objects.select_related("criterion").order_by(
                    "criterion__position", "criterion_id"
                ),
            )
        )
        .order_by("submitted_at", "pk")
    )
    scores = _scores_by_application(procedure) if decided else {}
    conflicts = list(
        ConflictDeclaration.objects.filter(juror__procedure=procedure, has_conflict=True)
        .select_related("juror__user", "application__organisation")
        .order_by("application_id", "juror_id")
    )
    conflicted = {(c.juror_id, c.application_id) for c in conflicts}
    for application_scores in scores.values():
        for score in application_scores:
            score.not_counted = (  # type: ignore[attr-defined]
                score.juror_id,
                score.application_id,
            ) in conflicted
    for application in applications:
        application.report_scores = scores.get(application.pk, [])  # type: ignore[attr-defined]
    entries = list(
        AuditEntry.objects.filter(procedure=procedure).order_by("position").select_related("actor")
    )
    for entry in entries:
        entry.payload_text = json.dumps(  # type: ignore[attr-defined]
            entry.payload, ensure_ascii=False, sort_keys=True
        )
    problems: list[ChainProblem] = audit_verify([procedure.pk])
    data = procedure.result if decided else {}
    rows = result_rows(data, public=False) if decided else []
    return {
        "procedure": procedure,
        "decided": decided,
        "criteria": list(procedure.criteria.order_by("position", "pk")),
        "eligibility_criteria": list(procedure.eligibility_criteria.order_by("position", "pk")),
        "applications": applications,
        "jurors": list(procedure.jurors.select_related("user").order_by("invited_at", "pk")),
        "conflicts": conflicts,
        "rows": rows,
        "chart": result_chart(data, rows, "report-chart") if decided else "",
        "steps": data.get("steps", []),
        "decision": data.get("decision", {}),
        "method_label": method_label(data),
        "audit_entries": entries,
        "audit_problem": problems[0] if problems else None,
    }


def report_pdf(procedure: Procedure, *, base_url: str) -> bytes:
    """The internal report as PDF (WeasyPrint), from the same context as the HTML page."""
    from weasyprint import HTML

    html = render_to_string("procedures/report/report_pdf.html", report_context(procedure))
    pdf = HTML(string=html, base_url=base_url).write_pdf()
    if pdf is None:  # write_pdf returns bytes when no target is given
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)
