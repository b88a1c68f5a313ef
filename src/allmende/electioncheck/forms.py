from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from allmende.core.images import image_reencode
from allmende.electioncheck.models import Election, Party, Scale, Thesis, ThesisBlock
from allmende.networks.models import Network


def position_choices(scale: int) -> list[tuple[int, str]]:
    """The positions of a scale with their German labels, from agreement to disagreement."""
    if scale == Scale.FIVE:
        return [
            (2, str(_("fully agree (++)"))),
            (1, str(_("rather agree (+)"))),
            (0, str(_("neutral (0)"))),
            (-1, str(_("rather disagree (-)"))),
            (-2, str(_("fully disagree (--)"))),
        ]
    return [(1, str(_("agree"))), (0, str(_("neutral"))), (-1, str(_("disagree")))]


class ElectionForm(forms.ModelForm):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none())

    class Meta:
        model = Election
        fields = ["network", "name", "election_date", "description", "scale", "is_published"]
        widgets = {"election_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, networks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["network"]
        else:
            field: forms.ModelChoiceField = self.fields["network"]  # type: ignore[assignment]
            field.queryset = networks if networks is not None else Network.objects.none()


class OrderedItemForm(forms.ModelForm):
    """A row of a set-up formset: the position is optional (0 when empty) and alone does not
    make an empty new row count as filled in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0

    def has_changed(self) -> bool:
        return bool(set(self.changed_data) - {"position"})


class ThesisForm(OrderedItemForm):
    class Meta:
        model = Thesis
        fields = ["position", "block", "short_title", "text", "explanation"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        block: forms.ModelChoiceField = self.fields["block"]  # type: ignore[assignment]
        block.queryset = election.blocks.all()


class BlockForm(OrderedItemForm):
    class Meta:
        model = ThesisBlock
        fields = ["position", "title"]


class PartyForm(OrderedItemForm):
    class Meta:
        model = Party
        fields = [
            "position",
            "short_name",
            "long_name",
            "description",
            "url",
            "logo",
            "responded",
            "note",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, election: Election, **kwargs: Any) -> None:
        self.election = election
        super().__init__(*args, **kwargs)
        self.instance.election = election

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return image_reencode(logo, max_edge=400)
        return logo


class PartyPositionsForm(forms.Form):
    """One position and justification per thesis of the election."""

    def __init__(self, *args: Any, party: Party, theses: list[Thesis], **kwargs: Any) -> None:
        existing = {p.thesis_id: p for p in party.positions.all()}
        initial: dict[str, Any] = {}
        for thesis in theses:
            if thesis.pk in existing:
                initial[f"value_{thesis.pk}"] = existing[thesis.pk].value
                initial[f"justification_{thesis.pk}"] = existing[thesis.pk].justification
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.theses = theses
        choices = [("", _("no position")), *position_choices(party.election.scale)]
        for thesis in theses:
            self.fields[f"value_{thesis.pk}"] = forms.TypedChoiceField(
                label=_("Position on “%(thesis)s”") % {"thesis": thesis.short_title},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"justification_{thesis.pk}"] = forms.CharField(
                label=_("Justification on “%(thesis)s”") % {"thesis": thesis.short_title},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def positions(self) -> dict[int, tuple[int | None, str]]:
        return {
            t.pk: (
                self.cleaned_data.get(f"value_{t.pk}"),
                self.cleaned_data.get(f"justification_{t.pk}", ""),
            )
            for t in self.theses
        }


class ImportForm(forms.Form):
    questions = forms.FileField(label=_("Questions file (CSV: short title;thesis)"))
    parties = forms.FileField(label=_("Party file (CSV in the Mat-O-Wahl format)"))
    replace = forms.BooleanField(
        label=_("Replace the theses and parties of this election check"), required=True
    )


class StepForm(forms.Form):
    """The voter's answer to one thesis."""

    answer = forms.ChoiceField(label=_("Your position"), widget=forms.RadioSelect)
    double = forms.BooleanField(label=_("Count this thesis double"), required=False)

    def __init__(self, *args: Any, scale: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["answer"]  # type: ignore[assignment]
        field.choices = [*position_choices(scale), ("s", _("skip this thesis"))]
