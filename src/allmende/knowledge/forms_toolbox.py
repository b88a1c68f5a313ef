"""Forms of the toolbox: the faceted filter, the tool editor and the vocabulary editor."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from allmende.knowledge.models import (
    CodePrefix,
    Facet,
    FacetTerm,
    LinkKind,
    StepPhase,
    Tool,
    Toolbox,
    ToolExample,
)
from allmende.knowledge.selectors_toolbox import ToolFilters, tools_for_links
from allmende.knowledge.services_toolbox import ExampleData, ToolData

STEP_MAX_LENGTH = 500


class TolerantMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values and drops the others: an outdated bookmark with a deleted term
    still shows the toolbox instead of an error."""

    def clean(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else []
        known = {str(choice) for choice, _label in self.choices}  # type: ignore[union-attr,misc]
        return [v for v in values if v in known]


class ToolFilterForm(forms.Form):
    """The toolbox filter as a GET form: text, prefix and one field per facet (term slugs).
    The template renders the facets itself (with their counts)."""

    q = forms.CharField(label=_("Search in the tools"), required=False, max_length=200)
    chapter = forms.ChoiceField(label=_("Chapter"), required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        terms: list[FacetTerm],
        prefixes: list[CodePrefix],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        chapter = self.fields["chapter"]
        assert isinstance(chapter, forms.ChoiceField)  # noqa: S101 - for mypy
        chapter.choices = [
            ("", _("All chapters")),
            *((p.prefix, f"{p.prefix} – {p.label}") for p in prefixes),
        ]
        for facet in Facet:
            self.fields[facet.value] = TolerantMultipleChoiceField(
                label=facet.label,
                required=False,
                choices=[(t.slug, t.name) for t in terms if t.facet == facet.value],
            )

    def to_filters(self) -> ToolFilters:
        """The filters of valid input; an invalid form (too long text, unknown prefix)
        filters by the valid parts only."""
        data = self.cleaned_data if self.is_bound else {}
        return ToolFilters(
            text=(data.get("q") or "").strip(),
            prefix=data.get("chapter") or "",
            terms={facet.value: frozenset(data.get(facet.value) or ()) for facet in Facet},
        )


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _example_line(example: ToolExample) -> str:
    parts = [example.title, example.url, " ".join(example.description.split())]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


class ToolForm(forms.Form):
    """The coordinator's editor of a tool. Steps are one per line in a field per phase;
    examples are one per line: "Title | https://… | short description" (link and
    description optional)."""

    code_prefix = forms.ModelChoiceField(
        label=_("Chapter (prefix)"), queryset=CodePrefix.objects.none()
    )
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        max_value=999,
        help_text=_("Together with the prefix the code, e.g. 7 with W gives W 007."),
    )
    slogan = forms.CharField(label=_("Slogan"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Short description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mention another tool by its code (“vgl. W 002”) to link to it."),
    )
    effects = forms.CharField(
        label=_("Expected effects (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    examples = forms.CharField(
        label=_("Good-practice examples"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One example per line: title | link | short description (link and description "
            "may be left out)."
        ),
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args: Any, toolbox: Toolbox, tool: Tool | None = None, **kwargs: Any):
        if tool is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial(tool)
        super().__init__(*args, **kwargs)
        self.toolbox = toolbox
        self.tool = tool
        prefix_field = self.fields["code_prefix"]
        assert isinstance(prefix_field, forms.ModelChoiceField)  # noqa: S101 - for mypy
        prefix_field.queryset = CodePrefix.objects.filter(toolbox=toolbox).order_by("prefix")
        prefix_field.empty_label = str(_("– please choose –"))
        terms = FacetTerm.objects.filter(toolbox=toolbox).order_by("position", "name")
        for facet in Facet:
            self.fields[f"terms_{facet.value}"] = forms.ModelMultipleChoiceField(
                label=facet.label,
                required=False,
                queryset=terms.filter(facet=facet.value),
                widget=forms.CheckboxSelectMultiple,
            )
        for phase in StepPhase:
            self.fields[f"steps_{phase.value}"] = forms.CharField(
                label=phase.label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("One step per line."),
            )
        targets = tools_for_links(toolbox=toolbox, exclude=tool)
        for kind in LinkKind:
            self.fields[f"links_{kind.value}"] = forms.ModelMultipleChoiceField(
                label=kind.label,
                required=False,
                queryset=targets,
                widget=forms.CheckboxSelectMultiple,
            )

    @staticmethod
    def _initial(tool: Tool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "code_prefix": tool.prefix_id,
            "number": tool.number,
            "slogan": tool.slogan,
            "title": tool.title,
            "summary": tool.summary,
            "effects": tool.effects,
            "is_published": tool.is_published,
        }
        terms = list(tool.terms.all())
        for facet in Facet:
            initial[f"terms_{facet.value}"] = [t.pk for t in terms if t.facet == facet.value]
        steps = list(tool.steps.all())
        for phase in StepPhase:
            initial[f"steps_{phase.value}"] = "\n".join(
                s.text for s in steps if s.phase == phase.value
            )
        initial["examples"] = "\n".join(_example_line(e) for e in tool.examples.all())
        links = list(tool.links.all())
        for kind in LinkKind:
            initial[f"links_{kind.value}"] = [link.target_id for link in links if link.kind == kind]
        return initial

    # Groups for the template: (legend, field names).
    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        def group(names: list[str]) -> list[forms.BoundField]:
            return [self[name] for name in names]

        return [
            (
                str(_("Code and title")),
                group(["code_prefix", "number", "slogan", "title", "summary", "is_published"]),
            ),
            (
                str(_("Implementation steps")),
                group([f"steps_{phase.value}" for phase in StepPhase]),
            ),
            (str(_("Effects and examples")), group(["effects", "examples"])),
            (str(_("Classification")), group([f"terms_{facet.value}" for facet in Facet])),
            (str(_("Links to other tools")), group([f"links_{kind.value}" for kind in LinkKind])),
        ]

    def clean_examples(self) -> list[ExampleData]:
        examples: list[ExampleData] = []
        validate_url = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(_lines(self.cleaned_data["examples"]), start=1):
            parts = [part.strip() for part in line.split("|", 2)]
            title = parts[0]
            url = parts[1] if len(parts) > 1 else ""
            description = parts[2] if len(parts) > 2 else ""
            if not title:
                raise ValidationError(
                    _("Line %(number)s: an example needs a title before the first “|”."),
                    params={"number": number},
                )
            if len(title) > 200:
                raise ValidationError(
                    _("Line %(number)s: the title may have at most 200 characters."),
                    params={"number": number},
                )
            if url:
                try:
                    validate_url(url)
                except ValidationError as exc:
                    raise ValidationError(
                        _("Line %(number)s: “%(url)s” is not a valid web address."),
                        params={"number": number, "url": url},
                    ) from exc
            examples.append(ExampleData(title=title, url=url, description=description))
        return examples

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for phase in StepPhase:
            name = f"steps_{phase.value}"
            if name not in data:
                continue
            lines = _lines(data[name])
            for number, line in enumerate(lines, start=1):
                if len(line) > STEP_MAX_LENGTH:
                    self.add_error(
                        name,
                        _("Line %(number)s has more than %(max)s characters.")
                        % {"number": number, "max": STEP_MAX_LENGTH},
                    )
            data[name] = lines
        seen: dict[int, str] = {}
        for kind in LinkKind:
            name = f"links_{kind.value}"
            for target in data.get(name) or ():
                if target.pk in seen and seen[target.pk] != name:
                    self.add_error(
                        name,
                        _("%(code)s is already linked with another kind of link.")
                        % {"code": target.code},
                    )
                seen[target.pk] = name
        return data

    def to_data(self) -> ToolData:
        data = self.cleaned_data
        terms: list[FacetTerm] = []
        for facet in Facet:
            terms.extend(data.get(f"terms_{facet.value}") or ())
        return ToolData(
            prefix=data["code_prefix"],
            number=data["number"],
            slogan=data["slogan"].strip(),
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            effects=data["effects"].strip(),
            is_published=data["is_published"],
            terms=terms,
            steps={phase.value: data[f"steps_{phase.value}"] for phase in StepPhase},
            examples=data["examples"],
            links=[
                (target, kind.value)
                for kind in LinkKind
                for target in data.get(f"links_{kind.value}") or ()
            ],
        )

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's ``ValidationError`` next to the matching field (or above all)."""
        field_map = {"prefix": "code_prefix", "url": "examples"}
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                target = field_map.get(name, name) if name not in self.fields else name
                self.add_error(target if target in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class TermForm(forms.Form):
    """A facet term's name (adding a new term or renaming one)."""

    name = forms.CharField(label=_("Term"), max_length=120)


class PrefixAddForm(forms.Form):
    letters = forms.CharField(
        label=_("Prefix"),
        max_length=4,
        help_text=_("One to four capital letters, e.g. W."),
    )
    label = forms.CharField(label=_("Chapter"), max_length=120)


class PrefixLabelForm(forms.Form):
    label = forms.CharField(label=_("Chapter"), max_length=120)
