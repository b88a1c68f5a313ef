"""Pages of the toolboxes: the list, a toolbox with its faceted filter (htmx refreshes results
and counts; without JavaScript the same GET form), a tool's page, and for coordinators the
tool editor and the vocabulary editor."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allmende.core.markdown import render_markdown
from allmende.knowledge import selectors_toolbox as selectors
from allmende.knowledge import services_toolbox as services
from allmende.knowledge.crossref import tool_linker
from allmende.knowledge.forms_toolbox import (
    PrefixAddForm,
    PrefixLabelForm,
    TermForm,
    ToolFilterForm,
    ToolForm,
)
from allmende.knowledge.models import (
    CodePrefix,
    Facet,
    FacetTerm,
    LinkKind,
    StepPhase,
    Tool,
    Toolbox,
)

PAGE_SIZE = 20


def _toolbox(slug: str) -> Toolbox:
    try:
        return selectors.toolbox_get(slug=slug)
    except Toolbox.DoesNotExist as exc:
        raise Http404 from exc


def _tool(request: HttpRequest, toolbox: str, code: str) -> Tool:
    try:
        return selectors.tool_get(toolbox_slug=toolbox, code=code, user=request.user)
    except Tool.DoesNotExist as exc:
        raise Http404 from exc


def _require_editor(request: HttpRequest, toolbox: Toolbox) -> None:
    if not request.user.has_perm("knowledge.change_content", toolbox):
        raise PermissionDenied


def toolbox_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "knowledge/toolbox/toolbox_list.html", {"toolboxes": selectors.toolbox_list()}
    )


def toolbox_detail(request: HttpRequest, slug: str) -> HttpResponse:
    toolbox = _toolbox(slug)
    terms = selectors.toolbox_terms(toolbox=toolbox)
    prefixes = list(toolbox.prefixes.order_by("prefix"))
    form = ToolFilterForm(request.GET or None, terms=terms, prefixes=prefixes)
    form.is_valid()
    search = selectors.tool_search(toolbox=toolbox, filters=form.to_filters(), terms=terms)
    page = Paginator(search.tools, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "toolbox": toolbox,
        "form": form,
        "search": search,
        "page": page,
        "query": query.urlencode(),
        "is_filtered": any(v for k, v in query.lists() if k != "page"),
        "can_edit": request.user.has_perm("knowledge.change_content", toolbox),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, "knowledge/toolbox/toolbox_detail.html#update", context)
    else:
        context["description"] = render_markdown(toolbox.description)
        response = render(request, "knowledge/toolbox/toolbox_detail.html", context)
    # The same URL answers with the whole page or the fragment: caches must keep both.
    patch_vary_headers(response, ["HX-Request"])
    return response


def tool_detail(request: HttpRequest, toolbox: str, code: str) -> HttpResponse:
    tool = _tool(request, toolbox, code)
    steps = list(tool.steps.all())
    examples = list(tool.examples.all())
    linker = tool_linker(
        toolbox=tool.toolbox_id,
        texts=[
            tool.summary,
            tool.effects,
            *(s.text for s in steps),
            *(e.description for e in examples),
        ],
    )
    phases = [
        (phase.label, [s for s in steps if s.phase == phase.value])
        for phase in StepPhase
        if any(s.phase == phase.value for s in steps)
    ]
    terms = list(tool.terms.all())
    facets = [
        (facet.label, [t for t in terms if t.facet == facet.value])
        for facet in Facet
        if any(t.facet == facet.value for t in terms)
    ]
    kinds = dict(LinkKind.choices)
    context = {
        "tool": tool,
        "toolbox": tool.toolbox,
        "linker": linker,
        "phases": phases,
        "examples": examples,
        "facets": facets,
        "links": [(kinds.get(link.kind, link.kind), link.target) for link in tool.links.all()],
        "backlinks": [
            (kinds.get(link.kind, link.kind), link.source) for link in tool.backlinks.all()
        ],
        "articles": tool.published_articles,  # type: ignore[attr-defined]
        "can_edit": request.user.has_perm("knowledge.change_content", tool.toolbox),
    }
    return render(request, "knowledge/toolbox/tool_detail.html", context)


def _save_tool(request: HttpRequest, form: ToolForm, tool: Tool | None) -> Tool | None:
    """Run the service for a valid form; its errors go into the form."""
    try:
        if tool is None:
            return services.tool_create(
                toolbox=form.toolbox, actor=request.user, data=form.to_data()
            )
        return services.tool_update(tool=tool, actor=request.user, data=form.to_data())
    except ValidationError as exc:
        form.add_service_error(exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def tool_create(request: HttpRequest, slug: str) -> HttpResponse:
    toolbox = _toolbox(slug)
    _require_editor(request, toolbox)
    form = ToolForm(request.POST or None, toolbox=toolbox)
    if request.method == "POST" and form.is_valid():
        tool = _save_tool(request, form, None)
        if tool is not None:
            messages.success(request, _("The tool %(code)s has been saved.") % {"code": tool.code})
            return redirect(tool.get_absolute_url())
    return render(
        request,
        "knowledge/toolbox/tool_form.html",
        {"form": form, "toolbox": toolbox, "tool": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_edit(request: HttpRequest, toolbox: str, code: str) -> HttpResponse:
    tool = _tool(request, toolbox, code)
    _require_editor(request, tool.toolbox)
    form = ToolForm(request.POST or None, toolbox=tool.toolbox, tool=tool)
    if request.method == "POST" and form.is_valid():
        saved = _save_tool(request, form, tool)
        if saved is not None:
            messages.success(request, _("The tool %(code)s has been saved.") % {"code": saved.code})
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "knowledge/toolbox/tool_form.html",
        {"form": form, "toolbox": tool.toolbox, "tool": tool},
    )


def _vocabulary_action(request: HttpRequest, toolbox: Toolbox) -> tuple[bool, dict[str, Any]]:
    """Carry out the posted vocabulary change. Returns whether it succeeded and the bound
    form with errors (keyed by its prefix) to show again otherwise."""
    action = request.POST.get("action", "")
    actor = request.user
    form: Any = None
    try:
        if action == "add_term":
            facet = request.POST.get("facet", "")
            if facet not in Facet.values:
                raise Http404
            form = TermForm(request.POST, prefix=f"add-{facet}")
            if form.is_valid():
                services.facet_term_create(
                    toolbox=toolbox, facet=facet, name=form.cleaned_data["name"], actor=actor
                )
                messages.success(request, _("The term has been added."))
                return True, {}
            return False, {f"add-{facet}": form}
        if action in ("rename_term", "delete_term"):
            term = _object(FacetTerm, toolbox, request.POST.get("term"))
            if action == "delete_term":
                services.facet_term_delete(term=term, actor=actor)
                messages.success(request, _("The term has been deleted."))
                return True, {}
            form = TermForm(request.POST, prefix=f"term-{term.pk}")
            if form.is_valid():
                services.facet_term_rename(term=term, name=form.cleaned_data["name"], actor=actor)
                messages.success(request, _("The term has been renamed."))
                return True, {}
            return False, {f"term-{term.pk}": form}
        if action == "add_prefix":
            form = PrefixAddForm(request.POST, prefix="add-prefix")
            if form.is_valid():
                services.code_prefix_create(
                    toolbox=toolbox,
                    prefix=form.cleaned_data["letters"],
                    label=form.cleaned_data["label"],
                    actor=actor,
                )
                messages.success(request, _("The prefix has been added."))
                return True, {}
            return False, {"add-prefix": form}
        if action in ("rename_prefix", "delete_prefix"):
            code_prefix = _object(CodePrefix, toolbox, request.POST.get("prefix_id"))
            if action == "delete_prefix":
                try:
                    services.code_prefix_delete(prefix=code_prefix, actor=actor)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return False, {}
                messages.success(request, _("The prefix has been deleted."))
                return True, {}
            form = PrefixLabelForm(request.POST, prefix=f"prefix-{code_prefix.pk}")
            if form.is_valid():
                services.code_prefix_update(
                    prefix=code_prefix, label=form.cleaned_data["label"], actor=actor
                )
                messages.success(request, _("The prefix has been renamed."))
                return True, {}
            return False, {f"prefix-{code_prefix.pk}": form}
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return False, {}
        # The service's message goes next to the form's field it names.
        form.add_error(
            None if not hasattr(exc, "error_dict") else _first_field(form, exc), exc.messages
        )
        return False, {form.prefix: form}
    raise Http404


def _first_field(form: Any, exc: ValidationError) -> str | None:
    for name in exc.error_dict:
        field = {"prefix": "letters"}.get(name, name)
        if field in form.fields:
            return field
    return None


def _object(model: Any, toolbox: Toolbox, pk: Any) -> Any:
    try:
        return model.objects.select_related("toolbox__network").get(toolbox=toolbox, pk=int(pk))
    except (model.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def toolbox_vocabulary(request: HttpRequest, slug: str) -> HttpResponse:
    toolbox = _toolbox(slug)
    _require_editor(request, toolbox)
    bound: dict[str, Any] = {}
    if request.method == "POST":
        done, bound = _vocabulary_action(request, toolbox)
        if done or not bound:
            return redirect(reverse("knowledge:toolbox_vocabulary", kwargs={"slug": slug}))
    terms = selectors.toolbox_terms(toolbox=toolbox)
    facets = [
        {
            "value": facet.value,
            "label": facet.label,
            "add_form": bound.get(f"add-{facet.value}") or TermForm(prefix=f"add-{facet.value}"),
            "terms": [
                (
                    term,
                    bound.get(f"term-{term.pk}")
                    or TermForm(prefix=f"term-{term.pk}", initial={"name": term.name}),
                )
                for term in terms
                if term.facet == facet.value
            ],
        }
        for facet in Facet
    ]
    prefixes = [
        (
            p,
            bound.get(f"prefix-{p.pk}")
            or PrefixLabelForm(prefix=f"prefix-{p.pk}", initial={"label": p.label}),
        )
        for p in selectors.toolbox_prefixes(toolbox=toolbox)
    ]
    context = {
        "toolbox": toolbox,
        "facets": facets,
        "prefixes": prefixes,
        "prefix_form": bound.get("add-prefix") or PrefixAddForm(prefix="add-prefix"),
        "has_errors": bool(bound),
    }
    return render(request, "knowledge/toolbox/vocabulary.html", context)
