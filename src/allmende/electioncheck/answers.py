"""The voter's answers as a short text for the address of a page, so that nothing is stored.

One token per thesis in thesis order: the position ("1", "0", "-1", "2" …), "s" for skipped,
with a trailing "*" when the voter weights the thesis double; tokens are joined with commas.
Theses after the last token are not answered yet (they count as skipped on the result).
Anything that does not parse is dropped, never an error: addresses are typed by people.
"""

from allmende.electioncheck.scoring import SCALES, Answer

MAX_THESES = 200
SKIP_MARK = "s"


def parse_answers(text: str, *, count: int, scale: int) -> list[Answer | None]:
    """``count`` entries: an Answer per answered or skipped thesis, None where not answered."""
    valid = SCALES[scale]
    result: list[Answer | None] = [None] * count
    for index, raw in enumerate((text or "").split(",")[: min(count, MAX_THESES)]):
        token = raw.strip()
        double = token.endswith("*")
        token = token.rstrip("*")
        if token == SKIP_MARK:
            result[index] = Answer(None, double)
            continue
        try:
            value = int(token)
        except ValueError:
            continue
        if value in valid:
            result[index] = Answer(value, double)
    return result


def format_answers(answers: list[Answer | None]) -> str:
    """The inverse of ``parse_answers``; unanswered theses at the end are left out."""
    tokens = []
    for answer in answers:
        if answer is None:
            tokens.append("")
            continue
        token = SKIP_MARK if answer.position is None else str(answer.position)
        tokens.append(token + ("*" if answer.double else ""))
    while tokens and tokens[-1] == "":
        tokens.pop()
    return ",".join(tokens)


def completed(answers: list[Answer | None]) -> list[Answer]:
    """Every thesis answered: those not answered count as skipped."""
    return [a if a is not None else Answer(None) for a in answers]
