"""Forms of the jury: invitation, conflict declarations (one form for all applications) and
the scoring form of one application (points and a reason per award criterion)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from allmende.procedures.models import (
    Application,
    AwardCriterion,
    ConflictDeclaration,
    JurorRole,
    JuryScore,
)

NO, YES = "no", "yes"


class JurorInviteForm(forms.Form):
    # A prefix keeps the field ids unique on the manager page, which holds other forms too.
    prefix = "jury"

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=150,
        help_text=_("Used for a new account if nobody is registered with this address."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=JurorRole.choices,
        initial=JurorRole.VOTING,
        widget=forms.RadioSelect,
        help_text=_("Only voting jurors' points count; advisory jurors comment."),
    )


class ConflictDeclarationForm(forms.Form):
    """Per application a choice "no conflict" / "conflict" and a reason (required with a
    conflict)."""

    def __init__(
        self,
        *args: Any,
        applications: list[Application],
        declarations: dict[int, ConflictDeclaration],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.applications = applications
        for application in applications:
            name = str(application.organisation)
            existing = declarations.get(application.pk)
            self.fields[f"conflict_{application.pk}"] = forms.ChoiceField(
                label=_("Conflict of interest with %(applicant)s") % {"applicant": name},
                choices=[
                    (NO, _("No conflict of interest")),
                    (YES, _("Conflict of interest – I do not evaluate this application")),
                ],
                widget=forms.RadioSelect,
                initial=None if existing is None else (YES if existing.has_conflict else NO),
                error_messages={"required": _("Choose whether you have a conflict.")},
            )
            self.fields[f"reason_{application.pk}"] = forms.CharField(
                label=_("Reason (%(applicant)s)") % {"applicant": name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial="" if existing is None else existing.reason,
                help_text=_("Required with a conflict, e.g. a personal or business relationship."),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for application in self.applications:
            if (
                cleaned.get(f"conflict_{application.pk}") == YES
                and not (cleaned.get(f"reason_{application.pk}") or "").strip()
            ):
                self.add_error(
                    f"reason_{application.pk}", _("Give the reason for the conflict of interest.")
                )
        return cleaned

    def rows(self) -> list[tuple[Application, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"conflict_{a.pk}"], self[f"reason_{a.pk}"]) for a in self.applications]

    def declarations(self) -> dict[int, tuple[bool, str]]:
        return {
            a.pk: (
                self.cleaned_data[f"conflict_{a.pk}"] == YES,
                self.cleaned_data.get(f"reason_{a.pk}") or "",
            )
            for a in self.applications
        }


class ScoreForm(forms.Form):
    """Per award criterion: points on its scale (steps of 0.5) and a required reason."""

    def __init__(
        self,
        *args: Any,
        criteria: list[AwardCriterion],
        scores: dict[int, JuryScore],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            existing = scores.get(criterion.pk)
            self.fields[f"points_{criterion.key}"] = forms.DecimalField(
                label=_("Points for %(criterion)s") % {"criterion": criterion.name},
                min_value=Decimal(0),
                max_value=criterion.max_points,
                step_size=Decimal("0.5"),
                max_digits=6,
                decimal_places=1,
                localize=True,
                initial=None if existing is None else existing.points.normalize(),
                help_text=_("0 to %(max)s points in steps of 0.5")
                % {"max": _plain(criterion.max_points)},
                error_messages={"required": _("Give the points.")},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
            )
            self.fields[f"reason_{criterion.key}"] = forms.CharField(
                label=_("Reason for %(criterion)s") % {"criterion": criterion.name},
                max_length=8000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial="" if existing is None else existing.reason,
                error_messages={"required": _("Give a written reason for your points.")},
            )

    def rows(self) -> list[tuple[AwardCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"points_{c.key}"], self[f"reason_{c.key}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[Decimal | None, str]]:
        return {
            c.pk: (
                self.cleaned_data.get(f"points_{c.key}"),
                self.cleaned_data.get(f"reason_{c.key}") or "",
            )
            for c in self.criteria
        }


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")
