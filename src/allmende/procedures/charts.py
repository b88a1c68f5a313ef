"""Server-rendered SVG charts of a procedure's result.

Inline SVG under the site's Content Security Policy: no ``style`` attributes and no scripts,
only presentation attributes (``fill``, ``font-size``). The chart is an image with a title and
a description (``role="img"``, ``aria-labelledby``); every number in it is also printed beside
its bar and given in the table next to the chart, so that neither colour nor sight is needed.
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
LABEL_WIDTH = 210
BAR_LEFT = LABEL_WIDTH + 10
BAR_WIDTH = 380
ROW = 24
BAR_HEIGHT = 16
GROUP_HEADING = 28
GROUP_GAP = 12
TEXT = "#1a1a1a"
BAR = "#2e6b30"
WINNER_BAR = "#14401a"
TRACK = "#e4e9e4"
MAX_LABEL = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    highlight: bool = False


@dataclass(frozen=True)
class Group:
    """One criterion: its name, the most points it can contribute, one bar per application."""

    name: str
    maximum: float
    bars: list[Bar]


def _number(value: float) -> str:
    return number_format(round(value, 2), decimal_pos=2)


def _bound(value: float) -> str:
    """A scale's end: whole numbers without decimals (60, not 60,00)."""
    return str(int(value)) if float(value).is_integer() else _number(value)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart_svg(
    *, chart_id: str, title: str, description: str, groups: list[Group], no_value: str = "–"
) -> SafeString:
    """Horizontal bars grouped by criterion: per application its value out of the group's
    maximum (drawn as a light track), on one scale shared by all groups."""
    scale = max((g.maximum for g in groups), default=0.0) or 1.0
    height = sum(GROUP_HEADING + ROW * len(g.bars) + GROUP_GAP for g in groups) + GROUP_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    y = float(GROUP_GAP)
    for group in groups:
        parts.append(
            f'<text x="0" y="{y + 18}" fill="{TEXT}" font-weight="bold">'
            f"{escape(group.name)} (0–{escape(_bound(group.maximum))})</text>"
        )
        y += GROUP_HEADING
        track = group.maximum / scale * BAR_WIDTH
        for bar in group.bars:
            middle = y + ROW / 2
            parts.append(
                f'<text x="{LABEL_WIDTH}" y="{middle + 5:.1f}" fill="{TEXT}" '
                f'text-anchor="end">{escape(_short(bar.label))}</text>'
            )
            parts.append(
                f'<rect x="{BAR_LEFT}" y="{middle - BAR_HEIGHT / 2:.1f}" width="{track:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{TRACK}"/>'
            )
            if bar.value is None:
                text = no_value
            else:
                value = max(0.0, min(bar.value, group.maximum))
                length = value / scale * BAR_WIDTH
                fill = WINNER_BAR if bar.highlight else BAR
                parts.append(
                    f'<rect x="{BAR_LEFT}" y="{middle - BAR_HEIGHT / 2:.1f}" '
                    f'width="{length:.1f}" height="{BAR_HEIGHT}" fill="{fill}"/>'
                )
                text = _number(bar.value)
            parts.append(
                f'<text x="{BAR_LEFT + track + 6:.1f}" y="{middle + 5:.1f}" fill="{TEXT}">'
                f"{escape(text)}</text>"
            )
            y += ROW
        y += GROUP_GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
