"""Cross-references between tools: a mention such as "vgl. W 002", "siehe W 002", "W 002" or
"W002" in a tool's texts becomes a link to that tool when a published tool with this code
exists in the same toolbox; any other code stays plain text.

A page collects the codes of all its texts first and looks them up with one query
(``tool_linker``); the returned ``ToolLinker`` then links HTML (as the ``postprocess`` of
``render_markdown``) or plain text (escaped first).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from allmende.knowledge.models import Tool, Toolbox, tool_code

# A code: one to four capital letters, an optional space, three digits, standing as a word.
CODE_RE = re.compile(r"(?<![\w-])([A-ZÄÖÜ]{1,4})[ \u00a0]?(\d{3})(?![\w-])")
# Splits HTML into tags and text; a tag never contains "<" or ">" after nh3/markdown-it.
_TAG_RE = re.compile(r"(<[^>]*>)")
# Inside these elements a code is not linked (already a link, or code shown literally).
_SKIP_ELEMENTS = ("a", "code", "pre")


def find_codes(*texts: str) -> set[str]:
    """The tool codes mentioned in ``texts``, normalised to the stored form ("W 002")."""
    codes: set[str] = set()
    for text in texts:
        for match in CODE_RE.finditer(text or ""):
            codes.add(tool_code(match.group(1), int(match.group(2))))
    return codes


@dataclass(frozen=True)
class ToolLinker:
    """Links the mentions of the codes in ``targets`` (code → (url, title)); others stay."""

    targets: dict[str, tuple[str, str]] = field(default_factory=dict)

    def _link_text(self, text: str) -> str:
        """Link the codes in an HTML text segment (already escaped, without tags)."""

        def replace(match: re.Match[str]) -> str:
            target = self.targets.get(tool_code(match.group(1), int(match.group(2))))
            if target is None:
                return match.group(0)
            url, title = target
            return f'<a href="{escape(url)}" title="{escape(title)}">{match.group(0)}</a>'

        return CODE_RE.sub(replace, text)

    def link_html(self, html: str) -> str:
        """``html`` with the known codes linked, outside of links, ``code`` and ``pre``.
        The input must be well-formed HTML as rendered by markdown-it (text escaped)."""
        if not self.targets:
            return html
        parts = _TAG_RE.split(html)
        skip_depth = 0
        for index, part in enumerate(parts):
            if index % 2 == 1:  # a tag
                name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">/").lower() if part else ""
                if name in _SKIP_ELEMENTS:
                    skip_depth += -1 if part.startswith("</") else 1
                    skip_depth = max(skip_depth, 0)
            elif part and skip_depth == 0:
                parts[index] = self._link_text(part)
        return "".join(parts)

    def link_text(self, text: str) -> SafeString:
        """Plain ``text`` escaped, then the known codes linked; safe to output."""
        return mark_safe(self.link_html(str(escape(text or ""))))  # noqa: S308 - escaped above


def tool_linker(*, toolbox: Toolbox | int, texts: Iterable[str]) -> ToolLinker:
    """A linker for the codes mentioned in ``texts`` that exist as published tools of
    ``toolbox``: at most one query, none when no text mentions a code."""
    codes = find_codes(*texts)
    if not codes:
        return ToolLinker()
    toolbox_id = toolbox if isinstance(toolbox, int) else toolbox.pk
    rows = Tool.objects.published().filter(toolbox_id=toolbox_id, code__in=codes)
    targets: dict[str, tuple[str, str]] = {}
    for code, title, slug in rows.values_list("code", "title", "toolbox__slug"):
        url = reverse(
            "knowledge:tool_detail", kwargs={"toolbox": slug, "code": code.replace(" ", "")}
        )
        targets[code] = (url, f"{code} {title}")
    return ToolLinker(targets)
