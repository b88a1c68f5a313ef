"""German word stems (Snowball via PyStemmer), query terms and the shared highlighter.

Pure functions without database access; both backends and the snippets use them, so a query is
understood the same way on SQLite and on PostgreSQL.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import pairwise

import Stemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words, not operators: FTS5 and tsquery syntax (quotes, *, NEAR, parentheses, -) never passes.
WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 300
MAX_TERMS = 10
MAX_TERM_CHARS = 60
# Parts of compound words are only looked for from this length on (a trigram needs three).
MIN_PART_CHARS = 3
SNIPPET_WORDS = 30
# A snippet is looked for in the beginning of a text only: stemming every word of a long text
# for each hit would cost more than the search itself.
SNIPPET_SCAN_CHARS = 4000

# The most frequent German function words (they carry no meaning for a search), and the
# operator words of FTS5 and web search syntax, which people type expecting them to work.
STOP_WORDS = frozenset(
    """
    and or not near
    aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dem den der
    des die dies diese dieser dieses doch dort du durch ein eine einem einen einer eines er es
    für hat hatte ich ihr im in ist ja jede jeder kann kein man mit nach nicht noch nur ob oder
    sich sie sind so um und uns unter vom von vor war was wie wir wird wo zu zum zur über
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower-cased."""
    return WORD_RE.findall(text.lower())


def stem(word: str) -> str:
    """The German Snowball stem of one lower-cased word; umlauts and ß come out folded
    (``Häuser`` → ``haus``, ``Straße``/``Strasse`` → ``strass``)."""
    return str(_stemmer().stemWord(word))


def stem_text(text: str) -> str:
    """``text`` as space-separated stems, for the index."""
    return " ".join(_stemmer().stemWords(words(text)))


def stem_pairs(stems: Iterable[str]) -> list[str]:
    """The pairs of neighbouring stems as single words for SQLite's index of pairs
    (``gemeinsam-plan``: the hyphen is in no stem). The stems are split as FTS5 splits them
    (an underscore is a word character here, a separator there), so that a phrase of n
    stems is exactly n - 1 pairs in a row."""
    tokens = " ".join(stems).replace("_", " ").split()
    return [f"{first}-{second}" for first, second in pairwise(tokens)]


def pair_text(text: str) -> str:
    """The pairs of neighbouring stems of ``text``, space-separated, for the index."""
    return " ".join(stem_pairs(_stemmer().stemWords(words(text))))


_UMLAUT_SPELLINGS = re.compile(r"ae|oe|(?<!q)ue")
_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü"}


def with_umlauts(word: str) -> str:
    """``word`` with ae/oe/ue written as umlauts (``gruesse`` → ``grüsse``), for a search
    engine whose stemmer does not fold them."""
    return _UMLAUT_SPELLINGS.sub(lambda m: _UMLAUTS[m.group()], word)


MAX_PHRASES = 3
# German and English typographic quotes count as quotes.
_QUOTES = str.maketrans(dict.fromkeys("„“”«»‚‘’", '"'))
_PHRASE_RE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class ParsedQuery:
    """What a user typed, reduced to words: ``terms`` as typed (lower-cased, for PostgreSQL's
    own German parser) and their ``stems`` (for SQLite and the highlighter). ``phrases``: the
    word sequences of two or more words typed in quotes, which must occur in this order (their
    words are among the terms too)."""

    terms: tuple[str, ...]
    stems: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms)

    @cached_property
    def part_stems(self) -> tuple[str, ...]:
        """The stems long enough to be looked for inside compound words."""
        return tuple(s for s in self.stems if len(s) >= MIN_PART_CHARS)

    @property
    def phrase_stems(self) -> tuple[tuple[str, ...], ...]:
        """The phrases as stems, word by word."""
        return tuple(tuple(stem(w) for w in phrase) for phrase in self.phrases)


def parse_query(query: str) -> ParsedQuery:
    """Any input → words only: operators, control characters (NUL) and excess length are
    dropped, stop words too unless nothing else is left. Text in matching quotes ("…", „…“)
    is also kept as a phrase; an unmatched quote is ignored."""
    text = query[:MAX_QUERY_CHARS].replace("\x00", " ").translate(_QUOTES)
    phrases = []
    for match in _PHRASE_RE.finditer(text):
        phrase = tuple(w[:MAX_TERM_CHARS] for w in words(match.group(1)))[:MAX_TERMS]
        if len(phrase) > 1 and phrase not in phrases:
            phrases.append(phrase)
    found = [w[:MAX_TERM_CHARS] for w in words(text)]
    meaningful = [w for w in found if w not in STOP_WORDS] or found
    terms = tuple(dict.fromkeys(meaningful))[:MAX_TERMS]
    return ParsedQuery(
        terms=terms,
        stems=tuple(dict.fromkeys(stem(t) for t in terms)),
        phrases=tuple(phrases[:MAX_PHRASES]),
    )


def _matches(word_stem: str, query: ParsedQuery) -> bool:
    return word_stem in query.stems or any(part in word_stem for part in query.part_stems)


def _fold(lowered: str) -> str:
    """Umlauts and ß folded as the stemmer folds them (its stems are beginnings of words
    folded like this). Plain replaces: ``str.translate`` with a two-character replacement
    is many times slower."""
    return lowered.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")


class _Marker:
    """Whether a word matches the query, each distinct word stemmed once. ``never``: no
    word of ``text`` can match, since no stem or part of the query occurs in it at all
    (checked once over the whole text, without stemming a word)."""

    def __init__(self, query: ParsedQuery, text: str) -> None:
        self.query = query
        self.seen: dict[str, bool] = {}
        lowered = text.lower()
        folded = _fold(lowered)
        found = [p for n in (*query.stems, *query.part_stems) if (p := folded.find(n)) >= 0]
        self.never = not found
        # No word ending before this character can match: the first place where a stem or
        # part occurs, moved back by the characters that folding ß to ss added (exact only
        # when lower-casing kept the length).
        self.start = (
            max(0, min(found) - text.count("ß")) if found and len(lowered) == len(text) else 0
        )

    def marks(self, match: re.Match[str]) -> bool:
        """Whether the word ``match`` matches the query."""
        return match.end() > self.start and self(match.group().lower())

    def __call__(self, word: str) -> bool:
        if self.never:
            return False
        found = self.seen.get(word)
        if found is None:
            found = self.seen[word] = _matches(stem(word), self.query)
        return found


def _scan_begin(text: str, before: int, words: int) -> int:
    """Where to begin reading words so that ``words`` words are read before the word at
    character ``before``: the start of the word ``words + 1`` words before it; 0 when there
    are not that many words in the ``words * 25`` characters before it."""
    region = max(0, before - words * 25)
    starts = [m.start() for m in WORD_RE.finditer(text, region, before)]
    # The first word of the region may be cut: not counted.
    if len(starts) <= words + 1:
        return 0
    return starts[-(words + 1)]


def _snippet_spans(
    text: str, marker: _Marker, max_words: int
) -> tuple[list[tuple[int, int, bool]], int, int]:
    """The spans (start, end, marked) of a window of ``max_words`` words around the first
    match (a quarter of the window before it), and the window's first and last character.
    Words are read only as far as the window needs: from a little before the first place a
    match can be (the quarter; the whole window when the text ends too soon after the
    match to fill it otherwise), to the end of the window."""
    lead = max_words // 4
    for back in (lead + 1, max_words):
        begin = _scan_begin(text, marker.start, back) if marker.start else 0
        spans, first = _spans_from(text, marker, begin, max_words)
        if not begin or len(spans) >= max_words:
            break
    if not begin and len(spans) <= max_words:
        return spans, 0, len(text)
    start = max(0, min((first or 0) - lead, len(spans) - max_words))
    end = start + max_words
    start_char = spans[start][0] if start or begin else 0
    end_char = spans[end - 1][1] if end < len(spans) else len(text)
    return spans[start:end], start_char, end_char


def _spans_from(
    text: str, marker: _Marker, begin: int, max_words: int
) -> tuple[list[tuple[int, int, bool]], int | None]:
    """The spans of the words from character ``begin`` on, as far as a window after the
    first match needs them, and the first match's place among them."""
    spans: list[tuple[int, int, bool]] = []
    first: int | None = None
    lead = max_words // 4
    for match in WORD_RE.finditer(text, begin):
        # Words ending before the first place a stem occurs cannot match.
        marked = match.end() > marker.start and marker(match.group().lower())
        spans.append((match.start(), match.end(), marked))
        if marked and first is None:
            first = len(spans) - 1
        # Enough words for the window after the first match (or the beginning, when nothing
        # can match), and one more to know that the text goes on.
        if first is None and marker.never and len(spans) > max_words:
            break
        if first is not None and len(spans) > max(first - lead, 0) + max_words:
            break
    return spans, first


def highlight(text: str, query: ParsedQuery, *, max_words: int | None = None) -> SafeString:
    """``text`` HTML-escaped, every word that matches the query (same stem, or containing a
    query stem as part of a compound) wrapped in ``<mark>``. With ``max_words`` a window of
    that many words around the first match within the first ``SNIPPET_SCAN_CHARS``
    characters, with ``…`` where text was cut."""
    cut = max_words is not None and len(text) > SNIPPET_SCAN_CHARS
    if cut:
        text = (text[:SNIPPET_SCAN_CHARS].rsplit(maxsplit=1) or [""])[0]
    marker = _Marker(query, text)
    if max_words is None:
        spans = [(m.start(), m.end(), marker.marks(m)) for m in WORD_RE.finditer(text)]
        start_char, end_char = 0, len(text)
    else:
        spans, start_char, end_char = _snippet_spans(text, marker, max_words)
    parts: list[str] = ["… "] if start_char else []
    position = start_char
    for begin_char, stop_char, is_marked in spans:
        if not is_marked:
            continue
        parts.append(escape(text[position:begin_char]))
        parts.append(f"<mark>{escape(text[begin_char:stop_char])}</mark>")
        position = stop_char
    parts.append(escape(text[position:end_char]))
    if cut or end_char < len(text):
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
