"""Template filters of the toolbox: texts of a tool with links to the tools they mention.

The view builds one ``ToolLinker`` per page (``crossref.tool_linker``, one query for all
texts) and passes it in: ``{{ step.text|tool_links:linker }}`` for plain texts (escaped
first), ``{{ tool.effects|tool_markdown:linker }}`` for Markdown."""

from django import template
from django.utils.safestring import SafeString

from allmende.core.markdown import render_markdown
from allmende.knowledge.crossref import ToolLinker

register = template.Library()


@register.filter
def tool_links(text: str, linker: ToolLinker | None) -> SafeString:
    """Plain ``text``, escaped, with the codes of known tools linked."""
    return (linker or ToolLinker()).link_text(str(text or ""))


@register.filter
def tool_markdown(text: str, linker: ToolLinker | None) -> SafeString:
    """Markdown ``text`` rendered and sanitised, with the codes of known tools linked."""
    return render_markdown(str(text or ""), postprocess=(linker or ToolLinker()).link_html)
