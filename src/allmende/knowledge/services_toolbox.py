"""Writes on toolboxes: tools with their steps, examples, terms and typed links, and the
vocabularies (facet terms, code prefixes) that coordinators keep.

Every service checks ``knowledge.change_content`` on the toolbox, validates before it saves
and runs in one transaction; a tool is put into the search index again after its terms and
steps are set (post_save indexes before the many-to-many rows exist).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allmende.knowledge.models import (
    CodePrefix,
    Facet,
    FacetTerm,
    LinkKind,
    StepPhase,
    Tool,
    Toolbox,
    ToolExample,
    ToolLink,
    ToolStep,
    tool_code,
)
from allmende.search.services import search_index


@dataclass(frozen=True)
class ExampleData:
    title: str
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class ToolData:
    """Everything the editor sets on a tool; steps map a ``StepPhase`` to its lines."""

    prefix: CodePrefix
    number: int
    title: str
    summary: str
    slogan: str = ""
    effects: str = ""
    is_published: bool = False
    terms: Sequence[FacetTerm] = ()
    steps: Mapping[str, Sequence[str]] = field(default_factory=dict)
    examples: Sequence[ExampleData] = ()
    links: Sequence[tuple[Tool, str]] = ()


def _require(actor: Any, toolbox: Toolbox) -> None:
    if not actor.is_authenticated or not actor.has_perm("knowledge.change_content", toolbox):
        raise PermissionDenied(_("You may not edit this toolbox."))


def _code_taken_error(prefix: CodePrefix, number: int) -> ValidationError:
    return ValidationError(
        {
            "number": _("The code %(code)s is already used by another tool of this toolbox.")
            % {"code": tool_code(prefix.prefix, number)}
        }
    )


def _validate(*, toolbox: Toolbox, data: ToolData, tool: Tool | None) -> None:
    errors: dict[str, list[str]] = {}
    if data.prefix.toolbox_id != toolbox.pk:
        errors.setdefault("prefix", []).append(_("Choose a prefix of this toolbox."))
    if any(term.toolbox_id != toolbox.pk for term in data.terms):
        errors.setdefault("terms", []).append(_("Choose terms of this toolbox only."))
    targets = [target.pk for target, _kind in data.links]
    if any(target.toolbox_id != toolbox.pk for target, _kind in data.links):
        errors.setdefault("links", []).append(_("Link only to tools of this toolbox."))
    if tool is not None and tool.pk in targets:
        errors.setdefault("links", []).append(_("A tool cannot link to itself."))
    if len(set(targets)) != len(targets):
        errors.setdefault("links", []).append(_("Link to each tool with one kind of link only."))
    if any(kind not in LinkKind.values for _target, kind in data.links):
        errors.setdefault("links", []).append(_("Unknown kind of link."))
    if any(phase not in StepPhase.values for phase in data.steps):
        errors.setdefault("steps", []).append(_("Unknown phase."))
    if errors:
        raise ValidationError(errors)
    taken = Tool.objects.filter(toolbox=toolbox, prefix=data.prefix, number=data.number)
    if tool is not None:
        taken = taken.exclude(pk=tool.pk)
    if taken.exists():
        raise _code_taken_error(data.prefix, data.number)


def _write(*, tool: Tool, data: ToolData) -> Tool:
    tool.prefix = data.prefix
    tool.number = data.number
    tool.title = data.title
    tool.slogan = data.slogan
    tool.summary = data.summary
    tool.effects = data.effects
    tool.is_published = data.is_published
    tool.code = tool_code(data.prefix.prefix, data.number)
    tool.full_clean(exclude=["toolbox", "prefix"], validate_unique=False)
    try:
        with transaction.atomic():
            tool.save()
    except IntegrityError as exc:  # a concurrent save took the code after our check
        raise _code_taken_error(data.prefix, data.number) from exc
    tool.terms.set(data.terms)
    tool.steps.all().delete()
    ToolStep.objects.bulk_create(
        ToolStep(tool=tool, phase=phase, text=text.strip(), position=position)
        for phase in StepPhase.values
        for position, text in enumerate(line for line in data.steps.get(phase, ()) if line.strip())
    )
    tool.examples.all().delete()
    examples = [
        ToolExample(
            tool=tool,
            title=example.title,
            url=example.url,
            description=example.description,
            position=position,
        )
        for position, example in enumerate(data.examples)
    ]
    for example in examples:
        example.full_clean(exclude=["tool"])
    ToolExample.objects.bulk_create(examples)
    tool.links.all().delete()
    ToolLink.objects.bulk_create(
        ToolLink(source=tool, target=target, kind=kind) for target, kind in data.links
    )
    search_index(tool)
    return tool


@transaction.atomic
def tool_create(*, toolbox: Toolbox, actor: Any, data: ToolData) -> Tool:
    """A new tool in ``toolbox``; its code (prefix + number) must be free there, otherwise a
    ``ValidationError`` on ``number``. Only coordinators of the toolbox's network and admins."""
    _require(actor, toolbox)
    _validate(toolbox=toolbox, data=data, tool=None)
    return _write(tool=Tool(toolbox=toolbox), data=data)


@transaction.atomic
def tool_update(*, tool: Tool, actor: Any, data: ToolData) -> Tool:
    """Replace a tool's fields, terms, steps, examples and outgoing links with ``data``; a
    code already used by another tool is a ``ValidationError`` on ``number``."""
    _require(actor, tool.toolbox)
    _validate(toolbox=tool.toolbox, data=data, tool=tool)
    return _write(tool=tool, data=data)


def _unique_term_slug(*, toolbox: Toolbox, facet: str, name: str) -> str:
    slug = slugify(name)[:110] or "begriff"
    if FacetTerm.objects.filter(toolbox=toolbox, facet=facet, slug=slug).exists():
        raise ValidationError(
            {"name": _("This facet already has the term “%(name)s”.") % {"name": name}}
        )
    return slug


@transaction.atomic
def facet_term_create(*, toolbox: Toolbox, facet: str, name: str, actor: Any) -> FacetTerm:
    """Add a term to a facet's vocabulary in ``toolbox``, at the end; its short name (used in
    filter URLs) comes from the name and must be new in that facet."""
    _require(actor, toolbox)
    name = name.strip()
    if facet not in Facet.values:
        raise ValidationError({"facet": _("Unknown facet.")})
    if not name:
        raise ValidationError({"name": _("Enter a term.")})
    slug = _unique_term_slug(toolbox=toolbox, facet=facet, name=name)
    last = FacetTerm.objects.filter(toolbox=toolbox, facet=facet).order_by("-position").first()
    term = FacetTerm(
        toolbox=toolbox,
        facet=facet,
        name=name,
        slug=slug,
        position=(last.position + 1) if last else 0,
    )
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def facet_term_rename(*, term: FacetTerm, name: str, actor: Any) -> FacetTerm:
    """Give a term a new name; its short name stays, so filter links keep working."""
    _require(actor, term.toolbox)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter a term.")})
    if (
        FacetTerm.objects.filter(toolbox=term.toolbox, facet=term.facet, name__iexact=name)
        .exclude(pk=term.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": _("This facet already has the term “%(name)s”.") % {"name": name}}
        )
    term.name = name
    term.full_clean()
    term.save(update_fields=["name"])
    return term


@transaction.atomic
def facet_term_delete(*, term: FacetTerm, actor: Any) -> None:
    """Remove a term from the vocabulary and from every tool that carried it (those tools are
    indexed again)."""
    _require(actor, term.toolbox)
    tools = list(term.tools.select_related("toolbox__network", "prefix"))
    term.delete()
    for tool in tools:
        search_index(tool)


@transaction.atomic
def code_prefix_create(*, toolbox: Toolbox, prefix: str, label: str, actor: Any) -> CodePrefix:
    """A new code prefix (one to four capital letters) of ``toolbox``; it must be new there."""
    _require(actor, toolbox)
    code_prefix = CodePrefix(toolbox=toolbox, prefix=prefix.strip(), label=label.strip())
    code_prefix.full_clean(exclude=["toolbox"], validate_unique=False)
    if CodePrefix.objects.filter(toolbox=toolbox, prefix=code_prefix.prefix).exists():
        raise ValidationError(
            {"prefix": _("This toolbox already has the prefix %(prefix)s.") % {"prefix": prefix}}
        )
    code_prefix.save()
    return code_prefix


@transaction.atomic
def code_prefix_update(*, prefix: CodePrefix, label: str, actor: Any) -> CodePrefix:
    """Rename a prefix's chapter. The letters stay: they are part of the printed codes."""
    _require(actor, prefix.toolbox)
    prefix.label = label.strip()
    prefix.full_clean(exclude=["toolbox"], validate_unique=False)
    prefix.save(update_fields=["label"])
    return prefix


@transaction.atomic
def code_prefix_delete(*, prefix: CodePrefix, actor: Any) -> None:
    """Delete a prefix no tool uses; otherwise a ``ValidationError`` saying how many do."""
    _require(actor, prefix.toolbox)
    used = prefix.tools.count()
    if used:
        raise ValidationError(
            ngettext(
                "The prefix %(prefix)s is still used by %(count)s tool; change or delete it first.",
                "The prefix %(prefix)s is still used by %(count)s tools; change or delete "
                "those tools first.",
                used,
            )
            % {"prefix": prefix.prefix, "count": used}
        )
    prefix.delete()


def links_from_kinds(links: Mapping[str, Iterable[Tool]]) -> list[tuple[Tool, str]]:
    """(target, kind) pairs from a mapping of link kind to target tools."""
    return [(target, kind) for kind, targets in links.items() for target in targets]
