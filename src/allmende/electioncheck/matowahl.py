"""The two CSV files of Mat-O-Wahl: questions (``short;text`` per line) and parties (per party
five header lines — short name, long name, description, URL, image — then one
``position;justification`` line per question, position 1, 0 or -1). Pure functions: parsing
returns the data or every problem with its line; nothing here touches the database."""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

PARTY_HEADER_LINES = 5
MAX_BYTES = 2_000_000


@dataclass(frozen=True)
class QuestionRow:
    short_title: str
    text: str


@dataclass(frozen=True)
class PartyRow:
    short_name: str
    long_name: str
    description: str
    url: str
    image: str
    positions: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str


def _lines(data: bytes, file: str, errors: list[RowError]) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        errors.append(RowError(file, 0, _("The file is larger than 2 MB.")))
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(RowError(file, 0, _("The file is not UTF-8 text.")))
        return []
    if "\x00" in text:
        errors.append(RowError(file, 0, _("The file contains NUL characters.")))
        return []
    try:
        return list(csv.reader(io.StringIO(text), delimiter=";", quotechar='"', strict=True))
    except csv.Error as exc:
        errors.append(RowError(file, 0, _("The file is not valid CSV: %(error)s") % {"error": exc}))
        return []


def parse_questions(data: bytes) -> tuple[list[QuestionRow], list[RowError]]:
    """The questions of a questions file, or the errors per line."""
    errors: list[RowError] = []
    questions = []
    for number, row in enumerate(_lines(data, "questions", errors), start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            errors.append(
                RowError("questions", number, _("Expected two fields: short title;thesis."))
            )
            continue
        short, text = row[0].strip(), row[1].strip()
        if not short or not text:
            errors.append(
                RowError("questions", number, _("Short title and thesis must not be empty."))
            )
        elif len(short) > 120:
            errors.append(
                RowError("questions", number, _("The short title is longer than 120 characters."))
            )
        elif len(text) > 1000:
            errors.append(
                RowError("questions", number, _("The thesis is longer than 1000 characters."))
            )
        else:
            questions.append(QuestionRow(short, text))
    if not questions and not errors:
        errors.append(RowError("questions", 0, _("The file contains no questions.")))
    return questions, errors


def parse_parties(data: bytes, *, questions: int) -> tuple[list[PartyRow], list[RowError]]:
    """The parties of a party file for ``questions`` questions, or the errors per line."""
    errors: list[RowError] = []
    rows = _lines(data, "parties", errors)
    # Trailing empty lines are allowed; empty lines inside a party block are not skipped
    # because a description or an image may be empty.
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    block = PARTY_HEADER_LINES + questions
    if errors:
        return [], errors
    if not rows:
        return [], [RowError("parties", 0, _("The file contains no parties."))]
    if questions < 1:
        return [], [RowError("parties", 0, _("Import the questions first."))]
    if len(rows) % block:
        errors.append(
            RowError(
                "parties",
                len(rows),
                _(
                    "Each party needs %(header)s header lines and one line per question "
                    "(%(questions)s): %(block)s lines; the file has %(lines)s."
                )
                % {
                    "header": PARTY_HEADER_LINES,
                    "questions": questions,
                    "block": block,
                    "lines": len(rows),
                },
            )
        )
        return [], errors
    parties = []
    seen: set[str] = set()
    for start in range(0, len(rows), block):
        header = [";".join(rows[start + i]).strip() for i in range(PARTY_HEADER_LINES)]
        short = header[0]
        if not short:
            errors.append(RowError("parties", start + 1, _("The party's short name is empty.")))
        elif len(short) > 40:
            errors.append(
                RowError("parties", start + 1, _("The short name is longer than 40 characters."))
            )
        elif short in seen:
            errors.append(
                RowError(
                    "parties", start + 1, _("The party %(party)s appears twice.") % {"party": short}
                )
            )
        seen.add(short)
        url = header[3]
        if url and not url.startswith(("http://", "https://")):
            errors.append(
                RowError(
                    "parties", start + 4, _("The address must start with http:// or https://.")
                )
            )
        positions = []
        for offset in range(questions):
            number = start + PARTY_HEADER_LINES + offset + 1
            row = rows[number - 1]
            value_text = row[0].strip() if row else ""
            justification = ";".join(row[1:]).strip() if len(row) > 1 else ""
            if value_text not in {"1", "0", "-1"}:
                errors.append(
                    RowError(
                        "parties",
                        number,
                        _("The position must be 1, 0 or -1, not “%(value)s”.")
                        % {"value": value_text[:20]},
                    )
                )
                continue
            positions.append((int(value_text), justification))
        parties.append(PartyRow(short, header[1], header[2], url, header[4], positions))
    return (parties if not errors else []), errors


def write_questions(questions: list[QuestionRow]) -> str:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\n")
    for question in questions:
        writer.writerow([question.short_title, question.text])
    return output.getvalue()


def write_parties(parties: list[PartyRow]) -> str:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\n")
    for party in parties:
        for value in (party.short_name, party.long_name, party.description, party.url, party.image):
            writer.writerow([value])
        for position, justification in party.positions:
            writer.writerow([position, justification])
    return output.getvalue()
