"""Forms for questions, answers, applications, attachments and the eligibility check; the
rules themselves live in ``services_applications`` (whose errors the views put next to the
fields)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from allmende.networks.models import Organisation
from allmende.procedures import services_applications
from allmende.procedures.models import (
    Application,
    AwardCriterion,
    EligibilityCriterion,
    PriceModel,
    Procedure,
)


class _OrganisationChoiceMixin:
    """An "on behalf of" choice when the user edits several organisations that may apply."""

    fields: dict[str, forms.Field]

    def _add_organisation_field(self, organisations: list[Organisation]) -> None:
        if len(organisations) > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("On behalf of"),
                queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
                empty_label=_("– please choose –"),
            )
            # Put the choice first.
            self.fields = {"organisation": self.fields.pop("organisation"), **self.fields}


class QuestionForm(_OrganisationChoiceMixin, forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The managers publish their answer for everyone, without your name or your "
            "organisation's name."
        ),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_organisation_field(organisations)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Published on the procedure's page for everyone, without the asker's name."),
    )


def concept_field_name(criterion: AwardCriterion) -> str:
    return f"concept_{criterion.key}"


def _guidance_text(criterion: AwardCriterion) -> str:
    parts = [criterion.description.strip()] if criterion.description.strip() else []
    guidance = criterion.guidance or {}
    levels = sorted(guidance.items(), key=lambda item: _as_number(item[0]))
    if levels:
        parts.append(
            str(_("Guidance for the jury:"))
            + " "
            + "; ".join(
                str(_("%(points)s points: %(meaning)s") % {"points": k, "meaning": v})
                for k, v in levels
            )
        )
    parts.append(
        str(_("Weight %(weight)s %%, up to %(points)s points."))
        % {"weight": _plain(criterion.weight), "points": _plain(criterion.max_points)}
    )
    return " ".join(parts)


def _as_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _plain(value: Any) -> str:
    text = f"{value:f}" if hasattr(value, "normalize") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


class ApplicationForm(_OrganisationChoiceMixin, forms.ModelForm[Application]):
    """The whole application: a concept per award criterion (generated fields
    ``concept_<key>``), group data, financing, the bid when bids count, consent to be named.
    Nothing is required for a draft; completeness is checked on submission."""

    class Meta:
        model = Application
        fields = [
            "legal_form",
            "group_size",
            "self_use_share",
            "equity",
            "loans",
            "subsidies",
            "planned_rent",
            "bid",
            "may_be_named",
        ]
        help_texts = {
            "legal_form": _(
                "e.g. registered association, cooperative, GmbH in the Mietshäuser Syndikat"
            ),
            "self_use_share": _("Share of the usable area your group uses itself."),
            "may_be_named": _(
                "Otherwise your organisation appears anonymised in the published result."
            ),
        }

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        organisations: list[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.criteria = list(procedure.criteria.all())
        concepts = self.instance.concepts or {}
        concept_fields = {}
        for criterion in self.criteria:
            concept_fields[concept_field_name(criterion)] = forms.CharField(
                label=_("Concept: %(criterion)s") % {"criterion": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 10}),
                help_text=_guidance_text(criterion),
                initial=concepts.get(criterion.key, ""),
            )
        self.fields = {**concept_fields, **self.fields}
        if procedure.price_model == PriceModel.HIGHEST_BID:
            if procedure.minimum_bid is not None:
                self.fields["bid"].help_text = _(
                    "At least the minimum bid of %(minimum)s €. Required for submission."
                ) % {"minimum": _plain(procedure.minimum_bid)}
            else:
                self.fields["bid"].help_text = _("Required for submission.")
        else:
            del self.fields["bid"]
        self._add_organisation_field(organisations or [])

    def concept_fields(self) -> list[forms.BoundField]:
        return [self[concept_field_name(c)] for c in self.criteria]

    def other_fields(self) -> list[forms.BoundField]:
        names = {concept_field_name(c) for c in self.criteria}
        return [self[name] for name in self.fields if name not in names]

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in services_applications.APPLICATION_FIELDS
            if name in self.cleaned_data
        }
        data["concepts"] = {
            c.key: self.cleaned_data.get(concept_field_name(c), "") for c in self.criteria
        }
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf,image/jpeg,image/png"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = getattr(
            settings,
            "PROCEDURE_ATTACHMENT_MAX_BYTES",
            services_applications.DEFAULT_ATTACHMENT_MAX_BYTES,
        )
        self.fields["file"].help_text = _(
            "A PDF document or a JPEG or PNG image of at most %(size)s."
        ) % {"size": filesizeformat(limit)}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            services_applications.attachment_file_check(upload)
        return upload


PASSED_CHOICES = [("yes", _("met")), ("no", _("not met"))]


class EligibilityForm(forms.Form):
    """Per eligibility criterion: met or not (``passed_<id>``) and the reason
    (``reason_<id>``), both required."""

    def __init__(
        self,
        *args: Any,
        criteria: list[EligibilityCriterion],
        initial_decisions: dict[int, tuple[bool, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        initial_decisions = initial_decisions or {}
        for criterion in criteria:
            passed, reason = initial_decisions.get(criterion.pk, (None, ""))
            self.fields[f"passed_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.text,
                choices=PASSED_CHOICES,
                widget=forms.RadioSelect,
                help_text=criterion.description,
                initial=None if passed is None else ("yes" if passed else "no"),
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("Reason: %(criterion)s") % {"criterion": criterion.text},
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=reason,
            )

    def decisions(self) -> dict[int, tuple[bool, str]]:
        return {
            c.pk: (
                self.cleaned_data[f"passed_{c.pk}"] == "yes",
                self.cleaned_data[f"reason_{c.pk}"],
            )
            for c in self.criteria
        }
