"""Site-wide pages: health check, legal pages, language switch, 404 page, CSP."""

import re

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db

LEGAL_PAGES = ["/impressum/", "/datenschutz/", "/barrierefreiheit/"]


def test_healthz_answers_ok_as_json_and_is_not_cached(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    class BrokenConnection:
        vendor = "broken"

        def cursor(self):
            raise DatabaseError("database is down")

    monkeypatch.setattr("allmende.core.views.connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.parametrize("path", ["/", *LEGAL_PAGES])
def test_page_is_german_with_skip_link_and_main_landmark(client, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1


def test_language_switch_to_english_changes_the_next_page(client):
    assert '<html lang="de">' in client.get("/impressum/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/impressum/"})

    assert response.status_code == 302
    assert response["Location"] == "/impressum/"
    page = client.get("/impressum/")
    assert '<html lang="en">' in page.content.decode()
    assert page["Content-Language"] == "en"


def test_language_switch_back_to_german(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})

    assert '<html lang="de">' in client.get("/").content.decode()


def test_language_switch_ignores_a_next_url_on_another_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"}
    )

    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_unknown_page_is_a_german_404_in_the_site_layout(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Seite nicht gefunden" in html
    assert '<link rel="stylesheet" href="/static/allmende/site.css">' in html
    assert '<main id="main"' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_map_page_scripts_carry_the_nonce_of_the_csp_header(client):
    response = client.get("/karte/")

    assert response.status_code == 200
    script_src = _csp(response)["script-src"]
    nonces = [v for v in script_src if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    assert nonce
    assert "'unsafe-inline'" not in script_src
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert len(scripts) >= 3
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def test_csp_nonce_changes_with_every_response(client):
    first = _csp(client.get("/karte/"))["script-src"]
    second = _csp(client.get("/karte/"))["script-src"]

    assert first != second


@pytest.mark.parametrize("path", ["/", "/impressum/", "/gibt-es-nicht/"])
def test_every_page_has_a_strict_csp(client, path):
    csp = _csp(client.get(path))

    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]


@pytest.mark.django_db
def test_english_browser_still_sees_german_until_it_switches(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="de"' in response.content.decode()
    assert response["Content-Language"] == "de"

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE")
    assert 'lang="en"' in response.content.decode()
