"""The election check in Chromium: the whole voter flow by keyboard, the result recomputed in
the browser, the browser's scoring module against the Python function on the same random
inputs, and axe on every page of the check and its set-up."""

import json
import random
import re

import pytest
from playwright.sync_api import expect

from allmende.electioncheck.models import Party
from allmende.electioncheck.scoring import Answer, score
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.electioncheck.factories import build_election

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def election(world):
    election, _theses, _parties = build_election(
        {"GLP": [1, 1, -1], "MP": [-1, 0, 1], "BFS": [0, 1, 0]},
        network=world.network,
        slug="landtag",
        name="Wahlcheck zur Landtagswahl",
    )
    Party.objects.create(
        election=election, short_name="NWL", responded=False, note="Keine Antwort erhalten."
    )
    return election


def _scores(page):
    return [
        (
            item.locator(".score-name").inner_text().split(" ")[0],
            item.locator(".score-value").inner_text(),
        )
        for item in page.locator("#score-list > li").all()
    ]


def test_voter_goes_through_every_thesis_and_sees_the_result(
    live_server, page, axe, browser_problems, election
):
    page.goto(f"{live_server.url}/wahlcheck/")
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_role("link", name="Wahlcheck zur Landtagswahl").click()
    expect(page.get_by_role("heading", name="Keine Wahlempfehlung")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_role("link", name="Start").click()

    # Thesis 1: agree and count double, by keyboard.
    expect(page.get_by_text("These 1 von 3")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)
    page.get_by_label("stimme zu", exact=True).check()
    page.get_by_label("Diese These doppelt zählen").press("Space")
    page.get_by_role("button", name="Nächste These").press("Enter")
    # Thesis 2: neutral; then back to 1: the answers are still there.
    expect(page.get_by_text("These 2 von 3")).to_be_visible()
    page.get_by_label("neutral", exact=True).check()
    page.get_by_role("button", name="Nächste These").click()
    page.get_by_role("link", name="Vorige These").click()
    expect(page.get_by_label("neutral", exact=True)).to_be_checked()
    page.get_by_role("link", name="Vorige These").click()
    expect(page.get_by_label("stimme zu", exact=True)).to_be_checked()
    expect(page.get_by_label("Diese These doppelt zählen")).to_be_checked()
    page.get_by_role("button", name="Nächste These").click()
    page.get_by_role("button", name="Nächste These").click()
    # Thesis 3: skip.
    page.get_by_label("These überspringen").check()
    page.get_by_role("button", name="Ergebnis anzeigen").click()

    expect(page).to_have_url(re.compile(r"/wahlcheck/landtag/ergebnis/\?a=1%2A%2C0%2Cs$"))
    # GLP: 2·2 + 1 of 6 = 83 %; BFS: 1·2 + 1 = 3 of 6 = 50 %; MP: 0 + 2 of 6 = 33 %.
    assert _scores(page) == [("GLP", "83 %"), ("BFS", "50 %"), ("MP", "33 %")]
    expect(page.get_by_text("Keine Antwort erhalten.")).to_be_visible()
    assert_page_structure(page)
    assert_accessible(axe, page)

    # Changing an answer recomputes in the browser and updates the permalink.
    third = election.theses.order_by("position").last()
    browser_problems.assert_none(page)
    page.locator(f"#t{third.pk}").select_option("-1")
    # GLP: 4 + 1 + 2 = 7 of 8 = 88 %; BFS: 2 + 1 + 1 = 50 %; MP: 0 + 2 + 0 = 25 %.
    expect(page.locator("#score-list > li").first.locator(".score-value")).to_have_text("88 %")
    assert _scores(page) == [("GLP", "88 %"), ("BFS", "50 %"), ("MP", "25 %")]
    expect(page.locator(f'[data-answer-label="{third.pk}"]')).to_have_text("stimme nicht zu")
    expect(page.locator("#answered-count")).to_have_text("3")
    # URLSearchParams leaves "*" as it is, Django's urlencode writes %2A: both parse alike.
    expect(page).to_have_url(re.compile(r"\?a=1(\*|%2A)%2C0%2C-1$"))
    assert re.search(r"\?a=1(\*|%2A)%2C0%2C-1$", page.locator("#permalink").input_value())
    browser_problems.assert_none(page)

    # The permalink gives the same result from the server.
    page.goto(page.locator("#permalink").input_value())
    assert _scores(page) == [("GLP", "88 %"), ("BFS", "50 %"), ("MP", "25 %")]


def test_browser_and_server_compute_identical_percentages(live_server, page, election):
    page.goto(f"{live_server.url}/wahlcheck/landtag/")
    rng = random.Random(20261207)
    cases = []
    for _ in range(300):
        scale = rng.choice([3, 5])
        values = [-1, 0, 1] if scale == 3 else [-2, -1, 0, 1, 2]
        n = rng.randint(1, 12)
        answers = [
            {"position": rng.choice([None, *values]), "double": rng.random() < 0.3}
            for _ in range(n)
        ]
        parties = [
            [f"P{p}", [rng.choice([None, *values]) for _ in range(n)]]
            for p in range(rng.randint(1, 6))
        ]
        cases.append({"scale": scale, "answers": answers, "parties": parties})

    browser = page.evaluate(
        """async (cases) => {
            const module = await import('/static/allmende/electioncheck-score.js');
            return cases.map((c) => module.score(c.answers, c.parties, c.scale));
        }""",
        cases,
    )

    for case, from_browser in zip(cases, browser, strict=True):
        python = score(
            [Answer(a["position"], a["double"]) for a in case["answers"]],
            dict((name, positions) for name, positions in case["parties"]),
            scale=case["scale"],
        )
        assert [
            {"party": r.party, "points": r.points, "maximum": r.maximum, "percent": r.percent}
            for r in python
        ] == from_browser, json.dumps(case)


def test_result_works_without_javascript(live_server, browser, election):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/wahlcheck/landtag/ergebnis/?a=1,1,-1")
    assert _scores(page)[0] == ("GLP", "100 %")

    first = election.theses.order_by("position").first()
    page.locator(f"#t{first.pk}").select_option("-1")
    page.get_by_role("button", name="Neu berechnen").click()

    expect(page).to_have_url(re.compile(r"\?a=-1%2C1%2C-1$"))
    assert _scores(page)[0] == ("GLP", "67 %")
    context.close()


SETUP_PAGES = ["bearbeiten/", "thesen/", "parteien/", "import/", "statistik/"]


def test_set_up_pages_are_accessible_for_the_coordinator(live_server, page, axe, world, election):
    login(page, live_server.url, world.coordinator.email)
    party = election.parties.get(short_name="GLP")
    paths = [
        "/wahlcheck/verwalten/",
        "/wahlcheck/verwalten/neu/",
        *[f"/wahlcheck/landtag/{p}" for p in SETUP_PAGES],
        f"/wahlcheck/landtag/parteien/{party.pk}/positionen/",
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, path
        assert_page_structure(page)
        assert_accessible(axe, page)

    # An invalid form shows its error summary, which is accessible too.
    page.goto(live_server.url + "/wahlcheck/verwalten/neu/")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(axe, page)
