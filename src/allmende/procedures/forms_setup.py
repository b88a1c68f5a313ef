"""Forms of the set-up wizard. They parse input only; the rules live in ``services.py``."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.procedures.models import Procedure, ProcedureKind, ProcedureState
from allmende.procedures.schemes import scheme_choices
from allmende.procedures.services import BASICS_FIELDS, DATE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


def _lines_to_pairs(text: str, what: Any) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        left, sep, right = line.partition(":")
        if not sep or not left.strip() or not right.strip():
            raise forms.ValidationError(
                _("Line %(number)s: write %(what)s.") % {"number": number, "what": what}
            )
        pairs.append((left.strip(), right.strip()))
    return pairs


def _number(text: str, number: int) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise forms.ValidationError(
            _("Line %(number)s: “%(text)s” is not a number.") % {"number": number, "text": text}
        ) from exc


class ProcedureCreateForm(GermanBlankChoiceMixin, forms.ModelForm):
    template = forms.ChoiceField(
        label=_("Start from the scheme of"),
        required=False,
        help_text=_("Copies its criteria, weights and aggregation; you can adjust them later."),
    )

    class Meta:
        model = Procedure
        fields = ["title", "kind", "transfer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            ("", _("– no template, own criteria –")),
            *scheme_choices(),
        ]


class ProcedureBasicsForm(GermanBlankChoiceMixin, forms.ModelForm):
    class Meta:
        model = Procedure
        fields = list(BASICS_FIELDS)
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}


class ProcedureSchemeForm(GermanBlankChoiceMixin, forms.ModelForm):
    classes = forms.CharField(
        label=_("classes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For class banding: one class per line with its minimum total on the 0–100 scale, "
            "e.g. “A: 80”. 37 of 44 raw points are 37 ÷ 44 × 100 = 84.09."
        ),
    )
    tie_break_criterion = forms.ChoiceField(
        label=_("tie-break criterion"),
        required=False,
        help_text=_("The award criterion that decides a tie; then a lot is drawn."),
    )

    class Meta:
        model = Procedure
        fields = [
            "price_model",
            "price_weight",
            "aggregation",
            "averaging",
            "tie_break_criterion",
            "disagreement_threshold",
            "classes",
            "threshold_points",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keys = [(c.key, f"{c.name} ({c.key})") for c in self.instance.criteria.all()]
        current = self.instance.tie_break_criterion
        if current and current not in dict(keys):
            keys.append((current, current))
        choices = [("", _("– none –")), *keys]
        self.fields["tie_break_criterion"].choices = choices  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["classes"] = "\n".join(
                f"{label}: {minimum}" for label, minimum in self.instance.classes or []
            )

    def clean_classes(self) -> list[list[Any]]:
        text = self.cleaned_data.get("classes") or ""
        result: list[list[Any]] = []
        pairs = _lines_to_pairs(text, _("“class: minimum points”"))
        for number, (label, minimum) in enumerate(pairs, start=1):
            value = _number(minimum, number)
            result.append([label, int(value) if value == value.to_integral() else float(value)])
        return result


class ProcedureDatesForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = list(DATE_FIELDS)
        widgets = {
            "publication_date": DATE_WIDGET,
            "question_deadline": DATETIME_WIDGET,
            "submission_deadline": DATETIME_WIDGET,
            "presentation_date": DATE_WIDGET,
            "jury_session_date": DATE_WIDGET,
            "decision_date": DATE_WIDGET,
            "option_until": DATE_WIDGET,
            "status_check_date": DATE_WIDGET,
        }
        help_texts = {
            "question_deadline": _("Date and time in Berlin time."),
            "submission_deadline": _("Date and time in Berlin time."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("question_deadline", "submission_deadline"):
            self.fields[name].input_formats = DATETIME_FORMATS  # type: ignore[attr-defined]


class AwardCriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.SlugField(
        label=_("short key"),
        max_length=40,
        help_text=_("Letters, digits and hyphens, e.g. “group”; unique in the procedure."),
    )
    name = forms.CharField(label=_("name"), max_length=200)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weight = forms.DecimalField(
        label=_("weight (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    max_points = forms.DecimalField(
        label=_("maximum points"), min_value=1, max_digits=6, decimal_places=2
    )
    min_points = forms.DecimalField(
        label=_("minimum points"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("Applications with fewer points on this criterion are excluded."),
    )
    guidance = forms.CharField(
        label=_("guidance per score level"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One level per line: “points: what it means”, e.g. “5: convincing”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guidance = self.initial.get("guidance")
        if isinstance(guidance, dict):
            self.initial["guidance"] = "\n".join(f"{k}: {v}" for k, v in guidance.items())

    def clean_guidance(self) -> dict[str, str]:
        text = self.cleaned_data.get("guidance") or ""
        result: dict[str, str] = {}
        pairs = _lines_to_pairs(text, _("“points: text”"))
        for number, (points, meaning) in enumerate(pairs, start=1):
            value = _number(points, number)
            result[format(value.normalize(), "f")] = meaning
        return result


class EligibilityCriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("condition"), max_length=300)
    description = forms.CharField(
        label=_("explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


AwardCriterionFormSet = forms.formset_factory(
    AwardCriterionForm, extra=1, can_delete=True, max_num=30, validate_max=True
)
EligibilityCriterionFormSet = forms.formset_factory(
    EligibilityCriterionForm, extra=1, can_delete=True, max_num=30, validate_max=True
)


class ProcedureDocumentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, help_text=_("e.g. “Exposé”"))
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("A PDF file of at most %(size)s.") % {
            "size": filesizeformat(settings.PROPERTY_DOCUMENT_MAX_BYTES)
        }


class ProcedureFilterForm(GermanBlankChoiceMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("state"), required=False, choices=[("", ""), *ProcedureState.choices]
    )
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", ""), *ProcedureKind.choices]
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the procedure."),
    )
