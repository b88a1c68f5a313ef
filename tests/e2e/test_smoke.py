import pytest

from tests.e2e.conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_home_page_is_german_and_accessible(live_server, page, axe):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert_accessible(axe, page)
