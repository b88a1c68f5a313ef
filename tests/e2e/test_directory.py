"""The organisation directory in the browser: htmx filters, pagination, keyboard, no JS."""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from allmende.networks.models import OrganisationKind
from tests.e2e.conftest import assert_accessible, assert_page_structure
from tests.factories import MembershipFactory, NetworkFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = [
    OrganisationKind.INITIATIVE,
    OrganisationKind.MUNICIPALITY,
    OrganisationKind.HOUSING_COMPANY,
    OrganisationKind.FOUNDATION,
    OrganisationKind.WELFARE,
]
STATES = ["Sachsen", "Berlin", "Bayern"]


@dataclass
class Directory:
    names: dict[int, str]  # index → organisation name
    total: int  # active organisations, including the networks' coordination offices


@pytest.fixture
def directory() -> Directory:
    """30 organisations of five kinds in three states; 0–25 belong to "leerstand" (26, two
    pages), 20–29 to "orte". The two networks add their coordination offices (initiatives
    in Sachsen, named "Initiative Nummer …")."""
    leerstand = NetworkFactory(name="Netzwerk Leerstand", slug="leerstand")
    orte = NetworkFactory(name="Netzwerk Orte", slug="orte")
    names = {}
    for i in range(30):
        organisation = OrganisationFactory(
            name=f"Organisation {i:02d}",
            slug=f"organisation-{i:02d}",
            kind=KINDS[i % len(KINDS)],
            state=STATES[i % len(STATES)],
            city=f"Ort {i}",
        )
        names[i] = organisation.name
        if i < 26:
            MembershipFactory(network=leerstand, organisation=organisation)
        if i >= 20:
            MembershipFactory(network=orte, organisation=organisation)
    return Directory(names=names, total=32)


def expected_names(directory: Directory, *, kind: str = "", state: str = "") -> list[str]:
    return sorted(
        name
        for i, name in directory.names.items()
        if (not kind or KINDS[i % len(KINDS)] == kind)
        and (not state or STATES[i % len(STATES)] == state)
    )


def result_names(page: Page) -> list[str]:
    return page.locator("#results .result h2").all_inner_texts()


def count_pattern(n: int) -> re.Pattern[str]:
    return re.compile(rf"(^|\D){n}(\D|$)")


def test_kind_and_state_filters_swap_the_results_and_push_the_url(
    live_server, page, axe, browser_problems, directory
):
    page.goto(live_server.url + "/organisationen/")
    assert_page_structure(page)
    count = page.locator("#results .result-count")
    expect(count).to_have_text(count_pattern(directory.total))
    initial_text = count.inner_text()
    assert_accessible(axe, page)

    # Ticking a kind submits the form through htmx (hx-trigger="change") and swaps #results.
    page.locator('input[name="kind"][value="municipality"]').check()
    expect(count).not_to_have_text(initial_text)
    municipalities = expected_names(directory, kind="municipality")
    expect(count).to_have_text(count_pattern(len(municipalities)))
    assert result_names(page) == municipalities
    expect(page).to_have_url(re.compile(r"/organisationen/\?.*kind=municipality"))
    # Only the results were swapped: the page still has its one h1 and the filter form.
    assert_page_structure(page)

    page.locator("#id_state").select_option("Berlin")
    both = expected_names(directory, kind="municipality", state="Berlin")
    assert len(both) == 2
    expect(count).to_have_text(count_pattern(len(both)))
    assert result_names(page) == both
    expect(page).to_have_url(re.compile(r"kind=municipality"))
    expect(page).to_have_url(re.compile(r"state=Berlin"))
    assert_accessible(axe, page)

    # The pushed URL is a real address: loading it shows the same filtered list.
    page.reload()
    expect(count).to_have_text(count_pattern(len(both)))
    assert result_names(page) == both
    expect(page.locator('input[name="kind"][value="municipality"]')).to_be_checked()
    browser_problems.assert_none(page)


def test_pagination_keeps_the_network_filter(live_server, page, directory):
    page.goto(live_server.url + "/organisationen/")
    page.locator("#id_network").select_option("leerstand")
    count = page.locator("#results .result-count")
    expect(count).to_have_text(count_pattern(26))
    expect(page).to_have_url(re.compile(r"network=leerstand"))
    expect(page.locator("#results .result")).to_have_count(24)
    assert result_names(page) == [directory.names[i] for i in range(24)]

    page.locator('#results a[rel="next"]').click()
    expect(page).to_have_url(re.compile(r"network=leerstand.*page=2|page=2.*network=leerstand"))
    expect(page.locator("#results .result")).to_have_count(2)
    assert result_names(page) == [directory.names[24], directory.names[25]]
    expect(page.locator("#id_network")).to_have_value("leerstand")

    page.locator('#results a[rel="prev"]').click()
    expect(page.locator("#results .result")).to_have_count(24)
    expect(page).to_have_url(re.compile(r"network=leerstand"))


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(live_server, page, directory):
    page.goto(live_server.url + "/organisationen/")
    skip_link = page.locator("a.skip-link")

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    # Hidden off-screen until focused, then visible at the top of the page.
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))
    # The next Tab continues inside main, not at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_filters_work_without_javascript(live_server, browser: Browser, directory):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/organisationen/")
        expect(page.locator("#results .result-count")).to_have_text(count_pattern(directory.total))
        page.locator('input[name="kind"][value="municipality"]').check()
        page.locator("#id_state").select_option("Berlin")
        page.locator("form.filters button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"kind=municipality"))
        expect(page).to_have_url(re.compile(r"state=Berlin"))
        both = expected_names(directory, kind="municipality", state="Berlin")
        expect(page.locator("#results .result-count")).to_have_text(count_pattern(len(both)))
        assert result_names(page) == both
        expect(page.locator('input[name="kind"][value="municipality"]')).to_be_checked()
    finally:
        context.close()
