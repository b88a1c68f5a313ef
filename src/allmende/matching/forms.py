"""Forms of the matching pages."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from allmende.core.forms import GermanBlankChoiceMixin
from allmende.core.models import State
from allmende.matching.engine import COMPONENT_NAMES, Weights
from allmende.matching.regions import Region, district_choices, region_parse
from allmende.networks.models import Network


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the other side (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Contact data is only shared when the other side accepts."),
    )


class RegionForm(GermanBlankChoiceMixin, forms.Form):
    """Choose one region: a network, a state or a district."""

    kind = forms.ChoiceField(
        label=_("Region"),
        choices=[
            ("", ""),
            ("network", _("Network")),
            ("state", _("State")),
            ("district", _("District")),
        ],
    )
    network = forms.ChoiceField(label=_("Network"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", ""), *State.choices])
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [  # type: ignore[attr-defined]
            ("", ""),
            *Network.objects.order_by("name").values_list("slug", "name"),
        ]
        self.fields["district"].choices = [("", ""), *district_choices()]  # type: ignore[attr-defined]
        # The mixin ran before the choices were set: give the new selects its blank label.
        for name in ("network", "district"):
            choices = list(self.fields[name].choices)  # type: ignore[attr-defined]
            self.fields[name].choices = [("", self.fields["state"].choices[0][1]), *choices[1:]]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind and not data.get(kind):
            self.add_error(kind, _("Choose an entry here."))
        elif kind:
            try:
                data["region"] = region_parse(f"{kind}:{data[kind]}")
            except ValidationError as exc:
                self.add_error(kind, exc)
        return data

    @property
    def region(self) -> Region:
        region: Region = self.cleaned_data["region"]
        return region


class WeightsForm(forms.Form):
    """The six weights of a network's matching score, in percent of the total."""

    def __init__(self, *args: Any, initial_weights: Weights, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        normalised = initial_weights.normalised()
        for name in COMPONENT_NAMES:
            self.fields[name] = forms.IntegerField(
                label=COMPONENT_FIELD_LABELS[name],
                min_value=0,
                max_value=100,
                initial=round(getattr(normalised, name) * 100),
                help_text=COMPONENT_HELP[name],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = [data.get(name) for name in COMPONENT_NAMES]
        if all(value is not None for value in values) and sum(values) != 100:  # type: ignore[arg-type]
            raise ValidationError(
                _("The weights must add up to 100 %% (now %(total)d %%).") % {"total": sum(values)}  # type: ignore[arg-type]
            )
        return data

    @property
    def weights(self) -> Weights:
        return Weights.from_mapping(
            {name: self.cleaned_data[name] / 100 for name in COMPONENT_NAMES}
        )


COMPONENT_FIELD_LABELS = {
    "distance": _("Distance (%)"),
    "area": _("Area (%)"),
    "use": _("Use (%)"),
    "cost": _("Cost (%)"),
    "condition": _("Condition (%)"),
    "common_good": _("Common-good offer (%)"),
}
COMPONENT_HELP = {
    "distance": _("Nearer to the centre of the search area scores higher."),
    "area": _("Inside the wanted range scores full, the tolerance of a tenth less."),
    "use": _("Share of the wanted uses for which the property is suitable."),
    "cost": _("Rent or price within the budget scores full, up to half above it less."),
    "condition": _("Full when the building is in no worse condition than the group takes on."),
    "common_good": _("How fully the group describes its offer to the neighbourhood."),
}
