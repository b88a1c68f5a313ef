"""Snippet windows: the words around the first match, however far into the text it is."""

import re

import pytest

from allmende.search.stemming import SNIPPET_WORDS, highlight, parse_query, words


def window(total: int, at: int) -> tuple[list[str], str]:
    """A text of ``total`` numbered filler words with "Genossenschaft" as word ``at``, and
    the words a window of ``SNIPPET_WORDS`` around it must show (a quarter before it, more
    when the text ends too soon after it)."""
    text_words = [f"wort{n}" for n in range(total)]
    text_words[at] = "Genossenschaft"
    start = max(0, min(at - SNIPPET_WORDS // 4, total - SNIPPET_WORDS))
    return text_words, " ".join(text_words[start : start + SNIPPET_WORDS]).lower()


@pytest.mark.parametrize(
    ("total", "at"),
    [
        (20, 5),  # a short text: all of it
        (200, 3),  # near the beginning
        (200, 100),  # in the middle
        (200, 190),  # near the end: the window reaches further back
        (200, 199),  # the last word
        (200, 175),  # just enough words after it to fill the window
    ],
)
def test_the_snippet_is_the_window_around_the_first_match(total, at):
    text_words, expected = window(total, at)

    snippet = str(highlight(" ".join(text_words), parse_query("Genossenschaften"), max_words=30))

    plain = re.sub(r"</?mark>", "", snippet)
    assert " ".join(words(plain)) == expected
    assert "<mark>Genossenschaft</mark>" in snippet
    assert plain.startswith("… ") == (not expected.startswith("wort0 "))
    assert plain.endswith(" …") == (not expected.endswith(text_words[-1].lower()))
