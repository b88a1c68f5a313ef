from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from allmende.core.choices import TransferModel, Use
from allmende.core.forms import GermanBlankChoiceMixin
from allmende.core.models import State
from allmende.needs.models import SpaceNeed
from allmende.networks.models import MembershipStatus, Network, Organisation


class SpaceNeedFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    use = forms.ChoiceField(
        label=_("Use"), required=False, choices=[("", _("All uses")), *Use.choices]
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    area = forms.IntegerField(
        label=_("Area (m²)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Shows needs whose area range includes this value."),
    )


class OrganisationChoiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Initiative"), queryset=Organisation.objects.none(), to_field_name="slug"
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["organisation"]  # type: ignore[assignment]
        field.queryset = organisations
        field.empty_label = _("– please choose –")


class SpaceNeedForm(GermanBlankChoiceMixin, forms.ModelForm):
    uses = forms.MultipleChoiceField(
        label=_("Uses wanted"),
        choices=Use.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one use.")},
    )
    transfer_models = forms.MultipleChoiceField(
        label=_("Accepted transfer models"),
        choices=TransferModel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one transfer model you accept.")},
    )
    states = forms.MultipleChoiceField(
        label=_("States"),
        required=False,
        choices=State.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Instead of a search centre: the states you are searching in."),
    )
    municipalities = forms.CharField(
        label=_("Municipalities"),
        required=False,
        max_length=2000,
        help_text=_("Instead of a search centre: towns separated by commas."),
    )

    class Meta:
        model = SpaceNeed
        fields = [
            "title",
            "description",
            "uses",
            "area_min",
            "area_max",
            "centre_name",
            "radius_km",
            "municipalities",
            "states",
            "max_rent",
            "max_price",
            "transfer_models",
            "time_model",
            "available_from",
            "group_size",
            "legal_form",
            "self_use_share",
            "accessibility_required",
            "renovation_willingness",
            "common_good_offer",
            "visibility",
            "network",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "common_good_offer": forms.Textarea(attrs={"rows": 4}),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "centre_name": _("A German town; its coordinates are looked up for you."),
            "renovation_willingness": _("The worst building condition you would take on."),
            "available_from": _("Required when the time model is “from a date”."),
            "is_active": _("Inactive space needs are only visible to you and the coordinators."),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network_field: forms.ModelChoiceField = self.fields["network"]  # type: ignore[assignment]
        network_field.queryset = Network.objects.filter(
            memberships__organisation=organisation,
            memberships__status=MembershipStatus.ACTIVE,
        ).order_by("name")
        network_field.empty_label = _("– none –")
        if self.instance.pk and not self.is_bound:
            self.initial["municipalities"] = ", ".join(self.instance.municipalities or [])

    def clean_municipalities(self) -> list[str]:
        value: str = self.cleaned_data.get("municipalities") or ""
        return [name.strip() for name in value.split(",") if name.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        area_min, area_max = cleaned.get("area_min"), cleaned.get("area_max")
        if area_min is not None and area_max is not None and area_min > area_max:
            self.add_error(
                "area_max",
                ValidationError(_("The largest area must not be smaller than the smallest area.")),
            )
        return cleaned
