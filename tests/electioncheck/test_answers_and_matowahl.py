"""Answers in the address, and the Mat-O-Wahl files."""

import pytest

from allmende.electioncheck import matowahl
from allmende.electioncheck.answers import format_answers, parse_answers
from allmende.electioncheck.scoring import Answer


def test_answers_round_trip_through_the_address():
    answers = [Answer(1), Answer(None, True), None, Answer(-1, True), None]
    text = format_answers(answers)

    assert text == "1,s*,,-1*"
    assert parse_answers(text, count=5, scale=3) == answers


@pytest.mark.parametrize(
    "text", ["", "x,y", "9,9,9", "1" * 5000, "\x00,1", ",,,,,,,,,,,,,,,,", "-2", "1**,😀"]
)
def test_any_typed_address_parses_without_error(text):
    result = parse_answers(text, count=3, scale=3)
    assert len(result) == 3
    assert all(a is None or a.position in (None, -1, 0, 1) for a in result)


def test_five_step_positions_parse_on_the_five_step_scale_only():
    assert parse_answers("2,-2", count=2, scale=5) == [Answer(2), Answer(-2)]
    assert parse_answers("2,-2", count=2, scale=3) == [None, None]


QUESTIONS = (
    "Konzeptvergabe;Grundstücke nach Konzept vergeben.\n"
    "Erbbaurecht;Flächen im Erbbaurecht abgeben.\n"
)
PARTIES = (
    "GLP\nGemeinwohl-Liste\nFür Boden in öffentlicher Hand; klar.\nhttps://glp.example.org\n\n"
    "1;Ja, unbedingt.\n0;Wir prüfen das.\n"
    "MP\nMarktpartei\n\n\nmp.png\n-1;Verkaufen bringt Geld.\n-1;\n"
)


def test_mat_o_wahl_files_are_read():
    questions, errors = matowahl.parse_questions(QUESTIONS.encode())
    assert not errors
    parties, errors = matowahl.parse_parties(PARTIES.encode(), questions=len(questions))
    assert not errors
    assert [q.short_title for q in questions] == ["Konzeptvergabe", "Erbbaurecht"]
    assert parties[0].description == "Für Boden in öffentlicher Hand; klar."
    assert parties[0].positions == [(1, "Ja, unbedingt."), (0, "Wir prüfen das.")]
    assert parties[1].image == "mp.png"
    assert parties[1].positions == [(-1, "Verkaufen bringt Geld."), (-1, "")]


def test_written_files_read_back_the_same():
    questions, _ = matowahl.parse_questions(QUESTIONS.encode())
    parties, _ = matowahl.parse_parties(PARTIES.encode(), questions=2)

    again_q, errors_q = matowahl.parse_questions(matowahl.write_questions(questions).encode())
    again_p, errors_p = matowahl.parse_parties(
        matowahl.write_parties(parties).encode(), questions=2
    )

    assert not errors_q
    assert not errors_p
    assert again_q == questions
    assert again_p == parties


@pytest.mark.parametrize(
    ("questions", "line", "message"),
    [
        ("Nur ein Feld\n", 1, "zwei Felder"),
        ("A;B\n;leer\n", 2, "nicht leer"),
        ("A;B;C\n", 1, "zwei Felder"),
        ("", 0, "keine Fragen"),
    ],
)
def test_bad_questions_file_names_the_line(questions, line, message):
    result, errors = matowahl.parse_questions(questions.encode())
    assert not result or errors
    assert errors[0].line == line
    assert message in errors[0].message


@pytest.mark.parametrize(
    ("parties", "line", "message"),
    [
        ("GLP\nL\nD\nhttps://x.example\n\n2;zu viel\n0;\n", 6, "1, 0 oder -1"),
        ("GLP\nL\nD\nhttps://x.example\n\n1;\n", 6, "Zeilen"),
        ("\nL\nD\n\n\n1;\n0;\n", 1, "Kurzname der Partei ist leer"),
        ("GLP\nL\nD\nftp://x\n\n1;\n0;\n", 4, "http"),
        ("GLP\nL\nD\n\n\n1;\n0;\nGLP\nL\nD\n\n\n1;\n0;\n", 8, "doppelt"),
    ],
)
def test_bad_party_file_names_the_line(parties, line, message):
    result, errors = matowahl.parse_parties(parties.encode(), questions=2)
    assert result == []
    assert errors[0].line == line
    assert message in errors[0].message


def test_files_that_are_not_utf8_text_are_refused():
    _result, errors = matowahl.parse_questions("Ä;Ö\n".encode("utf-16"))
    assert "UTF-8" in errors[0].message
