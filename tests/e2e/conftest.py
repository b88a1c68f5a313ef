"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Playwright's own browser download does not work offline, so the tests launch
``/usr/bin/chromium`` (override with ``CHROMIUM_PATH``)."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls that the
# tests make around it (fixtures included) are still synchronous and safe. Subprocesses that
# run deployment checks drop this variable again (tests/core/test_settings.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture(scope="session")
def axe():
    return Axe()


def assert_accessible(axe, page):
    """No serious or critical WCAG 2.0/2.1 A/AA violation on the page (axe-core)."""
    results = axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    violations = [
        v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]
    assert not violations, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in v["nodes"][:5]
        )
        for v in violations
    )


# --- Helpers shared by the browser tests ---------------------------------------------------


def login(
    page: Page, base_url: str, email: str, password: str = TEST_PASSWORD, next_url: str = ""
) -> None:
    """Log in through the login page's form and wait until the browser has left it."""
    page.goto(f"{base_url}/konto/anmelden/" + (f"?next={next_url}" if next_url else ""))
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/konto/anmelden/"))


def assert_page_structure(page: Page, lang: str = "de") -> None:
    """The landmarks every page has: its language, one h1, a skip link to main."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator('a.skip-link[href="#main"]')).to_have_count(1)
    expect(page.locator("main#main")).to_have_count(1)
    # Labels, error links and aria-describedby point at ids: each must be unique.
    duplicates = page.evaluate("""() => {
        const seen = new Set(), dup = new Set();
        for (const el of document.querySelectorAll('[id]')) {
            (seen.has(el.id) ? dup : seen).add(el.id);
        }
        return [...dup];
    }""")
    assert not duplicates, f"duplicate ids: {duplicates}"


class BrowserProblems:
    """Console errors, uncaught exceptions and CSP violations seen by one page."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.page_errors: list[str] = []

    def csp_violations(self, page: Page) -> list[str]:
        return page.evaluate("window.__cspViolations || []")

    def assert_none(self, page: Page) -> None:
        problems = (
            [f"console: {m}" for m in self.console]
            + [f"exception: {m}" for m in self.page_errors]
            + [f"CSP: {m}" for m in self.csp_violations(page)]
        )
        assert not problems, "\n".join(problems)


_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
                              + ' (' + (e.sourceFile || '') + ':' + (e.lineNumber || 0) + ')');
});
"""


@pytest.fixture
def browser_problems(page: Page) -> BrowserProblems:
    """Records what a page logs as an error; ``assert_none(page)`` fails on any of it."""
    problems = BrowserProblems()
    page.add_init_script(_CSP_LISTENER)

    def on_console(msg) -> None:
        url = msg.location.get("url", "")
        # Chromium asks every site for /favicon.ico by itself; its 404 is not the page's.
        if msg.type == "error" and not url.endswith("/favicon.ico"):
            problems.console.append(f"{msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
    return problems
