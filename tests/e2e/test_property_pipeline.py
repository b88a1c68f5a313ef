"""The pipeline board in the browser: dragging a card to another column moves the property
(through the card's htmx form) and records who moved it; the form stays for keyboards; axe
on the organisation and network boards."""

import pytest
from playwright.sync_api import expect

from allmende.properties.models import PipelineMove, Property
from tests.e2e.conftest import assert_accessible, assert_page_structure, login
from tests.properties.conftest import make_property

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cards(world) -> dict[str, Property]:
    return {
        "school": make_property(title="Alte Schule", owner_organisation=world.organisation),
        "mill": make_property(
            title="Mühle am Bach", owner_organisation=world.organisation, pipeline_stage=2
        ),
    }


def _column(page, stage: int):
    return page.locator(f'.pipeline-column[data-stage="{stage}"]')


def test_dragging_a_card_to_another_column_moves_it_and_records_who(
    live_server, page, axe, browser_problems, world, cards
):
    # Tall enough for all six columns: a drag that has to scroll does not start in Chromium.
    page.set_viewport_size({"width": 1280, "height": 1100})
    login(page, live_server.url, world.coordinator.email)
    page.goto(f"{live_server.url}/objekte/pipeline/?network={world.network.slug}")
    assert_page_structure(page)
    expect(page.locator("[data-drag-hint]")).to_be_visible()
    card = _column(page, 1).locator(".pipeline-card", has_text="Alte Schule")
    expect(card).to_have_attribute("draggable", "true")
    assert_accessible(axe, page)

    card.drag_to(_column(page, 4))

    expect(page.locator("#board [role=status]")).to_contain_text("Alte Schule")
    expect(_column(page, 4).locator(".pipeline-card", has_text="Alte Schule")).to_have_count(1)
    expect(_column(page, 1).locator(".pipeline-card", has_text="Alte Schule")).to_have_count(0)
    # The swapped board is draggable again: a second drag moves the other card.
    mill = _column(page, 2).locator(".pipeline-card", has_text="Mühle am Bach")
    expect(mill).to_have_attribute("draggable", "true")
    mill.drag_to(_column(page, 6))
    expect(_column(page, 6).locator(".pipeline-card", has_text="Mühle am Bach")).to_have_count(1)

    cards["school"].refresh_from_db()
    assert cards["school"].pipeline_stage == 4
    move = PipelineMove.objects.get(property=cards["school"])
    assert (move.from_stage, move.to_stage, move.actor) == (1, 4, world.coordinator)
    assert PipelineMove.objects.get(property=cards["mill"]).to_stage == 6
    assert_accessible(axe, page)
    browser_problems.assert_none(page)


def test_the_move_form_still_works_from_the_keyboard(live_server, page, axe, world, cards):
    login(page, live_server.url, world.editor.email)
    page.goto(f"{live_server.url}/objekte/pipeline/?organisation={world.organisation.slug}")
    assert_accessible(axe, page)

    page.locator(f"#stage-of-{cards['school'].pk}").select_option("3")
    page.locator(f"#move-{cards['school'].pk} button").focus()
    page.keyboard.press("Enter")

    expect(_column(page, 3).locator(".pipeline-card", has_text="Alte Schule")).to_have_count(1)
    assert PipelineMove.objects.get(property=cards["school"]).actor == world.editor
