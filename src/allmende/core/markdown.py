"""Markdown for user-written texts: rendered with markdown-it-py, raw HTML escaped, the
result cleaned by nh3 so that no script, event handler or ``javascript:`` link survives."""

from collections.abc import Callable

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# "html": False makes markdown-it escape raw HTML instead of passing it through; headings start
# at h2 below the page's own h1 (see ``_shift_headings``).
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)


def _shift_headings(html: str) -> str:
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return html


def render_markdown(text: str, *, postprocess: Callable[[str], str] | None = None) -> SafeString:
    """``text`` as safe HTML: Markdown rendered (raw HTML shown as text, headings one level
    down), optionally transformed by ``postprocess`` (e.g. links to tools), then sanitised with
    an allow-list of tags, attributes and URL schemes. External links get ``rel=noopener``."""
    html = _shift_headings(_parser.render(text or ""))
    if postprocess is not None:
        html = postprocess(html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
