"""The coordinators' editor of tools and vocabularies: permissions, forms, services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from allmende.knowledge import services_toolbox as services
from allmende.knowledge.models import (
    CodePrefix,
    Facet,
    FacetTerm,
    LinkKind,
    StepPhase,
    Tool,
)
from allmende.search.models import SearchEntry
from tests.conftest import ROLES, user_for
from tests.knowledge.factories import (
    CodePrefixFactory,
    FacetTermFactory,
    ToolboxFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def toolbox(world):
    toolbox = ToolboxFactory(network=world.network, slug="kasten")
    CodePrefixFactory(toolbox=toolbox, prefix="W", label="Wohnen")
    return toolbox


@pytest.fixture
def prefix(toolbox):
    return CodePrefix.objects.get(toolbox=toolbox, prefix="W")


@pytest.fixture
def tool(toolbox, prefix):
    return ToolFactory(toolbox=toolbox, prefix=prefix, number=7, title="Leerstandslotse")


# --- Permission matrix ----------------------------------------------------------------------

EXPECTED = {
    "anonymous": 302,
    "outsider": 403,
    "member": 403,
    "editor": 403,
    "coordinator": 200,
    "other_coordinator": 403,
    "admin": 200,
}


@pytest.mark.parametrize("page", ["create", "edit", "vocabulary"])
@pytest.mark.parametrize("role", ROLES)
def test_editor_pages_are_for_the_toolbox_coordinators_and_admins(
    client, world, toolbox, tool, role, page
):
    url = {
        "create": reverse("knowledge:tool_create", kwargs={"slug": toolbox.slug}),
        "edit": reverse("knowledge:tool_edit", kwargs={"toolbox": toolbox.slug, "code": "W007"}),
        "vocabulary": reverse("knowledge:toolbox_vocabulary", kwargs={"slug": toolbox.slug}),
    }[page]
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)
    assert client.get(url).status_code == EXPECTED[role]
    # Posting is refused the same way and changes nothing; the permitted get the form
    # again (the tool data is incomplete) or, for the vocabulary, a redirect after the change.
    response = client.post(
        url, {"action": "add_term", "facet": "strategy", "add-strategy-name": "Neu"}
    )
    if EXPECTED[role] == 200:
        assert response.status_code == (302 if page == "vocabulary" else 200)
    else:
        assert response.status_code == EXPECTED[role]
        assert not FacetTerm.objects.filter(toolbox=toolbox).exists()
    assert Tool.objects.filter(toolbox=toolbox).count() == 1


def test_toolbox_list_needs_one_query(client, toolbox, tool, django_assert_num_queries):
    ToolboxFactory()
    with django_assert_num_queries(1):
        response = client.get(reverse("knowledge:toolbox_list"))
    assert "1 Werkzeug" in response.content.decode()


def test_editor_links_show_only_for_those_who_may_edit(client, world, toolbox, tool):
    assert "Neues Werkzeug" not in client.get(toolbox.get_absolute_url()).content.decode()
    client.force_login(world.coordinator)
    assert "Neues Werkzeug" in client.get(toolbox.get_absolute_url()).content.decode()
    assert "Werkzeug bearbeiten" in client.get(tool.get_absolute_url()).content.decode()


# --- Tool form through HTTP -----------------------------------------------------------------


def form_data(prefix, **overrides):
    data = {
        "code_prefix": prefix.pk,
        "number": "12",
        "slogan": "Räume teilen",
        "title": "Zwischennutzung vermitteln",
        "summary": "Eine Agentur vermittelt leere Läden, vgl. W 007.",
        "effects": "Mehr *Leben* in der Innenstadt.",
        "examples": "Ladenbüro | https://example.org/laden | Seit 2019\nOhne Link",
        "steps_before": "Leerstand erfassen\n\nEigentümer ansprechen",
        "steps_during": "Verträge schließen",
        "steps_after": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_tool_with_terms_steps_examples_and_links(
    client, world, toolbox, prefix, tool
):
    strategy = FacetTermFactory(toolbox=toolbox, facet=Facet.STRATEGY, slug="aktivieren")
    field = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="handel")
    client.force_login(world.coordinator)
    url = reverse("knowledge:tool_create", kwargs={"slug": toolbox.slug})
    data = form_data(
        prefix,
        terms_strategy=[strategy.pk],
        terms_field=[field.pk],
        links_prerequisite=[tool.pk],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    new = Tool.objects.get(toolbox=toolbox, code="W 012")
    assert response["Location"] == new.get_absolute_url()
    assert set(new.terms.all()) == {strategy, field}
    assert [(s.phase, s.text) for s in new.steps.order_by("phase", "position")] == [
        (StepPhase.BEFORE, "Leerstand erfassen"),
        (StepPhase.BEFORE, "Eigentümer ansprechen"),
        (StepPhase.DURING, "Verträge schließen"),
    ]
    assert [(e.title, e.url, e.description) for e in new.examples.all()] == [
        ("Ladenbüro", "https://example.org/laden", "Seit 2019"),
        ("Ohne Link", "", ""),
    ]
    assert [(link.target, link.kind) for link in new.links.all()] == [(tool, LinkKind.PREREQUISITE)]
    # Indexed with its terms (set after the first save).
    entry = SearchEntry.objects.filter(url=new.get_absolute_url()).first()
    assert entry is not None
    page = client.get(new.get_absolute_url()).content.decode()
    assert 'href="/wissen/werkzeugkasten/kasten/W007/"' in page


def test_edit_form_shows_the_stored_values_and_saves_changes(client, world, toolbox, tool):
    term = FacetTermFactory(toolbox=toolbox, facet=Facet.STRATEGY, slug="umnutzen")
    tool.terms.add(term)
    tool.steps.create(phase=StepPhase.AFTER, text="Feiern")
    tool.examples.create(title="Haus", description="Ein Haus")
    client.force_login(world.coordinator)
    url = reverse("knowledge:tool_edit", kwargs={"toolbox": toolbox.slug, "code": "W007"})
    html = client.get(url).content.decode()
    assert "Feiern</textarea>" in html
    assert "Haus |  | Ein Haus" in html
    assert f'value="{term.pk}" id="id_terms_strategy_0" checked' in html
    response = client.post(url, form_data(tool.prefix, number="7", steps_after="Auswerten"))
    assert response.status_code == 302
    tool.refresh_from_db()
    assert tool.title == "Zwischennutzung vermitteln"
    assert list(tool.terms.all()) == []
    assert [s.text for s in tool.steps.order_by("pk")] == [
        "Leerstand erfassen",
        "Eigentümer ansprechen",
        "Verträge schließen",
        "Auswerten",
    ]


def test_a_taken_code_is_a_form_error_not_a_server_error(client, world, toolbox, prefix, tool):
    client.force_login(world.coordinator)
    url = reverse("knowledge:tool_create", kwargs={"slug": toolbox.slug})
    response = client.post(url, form_data(prefix, number="7"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Der Code W 007 ist in diesem Werkzeugkasten schon an ein anderes Werkzeug vergeben."
        in (html)
    )
    assert 'id="error-summary"' in html
    assert '<a href="#id_number">' in html
    assert Tool.objects.filter(toolbox=toolbox).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": "1000"}, "number", "999"),
        ({"number": "0"}, "number", "1"),
        ({"title": ""}, "title", "Dieses Feld ist zwingend erforderlich."),
        ({"examples": " | https://example.org"}, "examples", "Zeile 1"),
        ({"examples": "Titel | javascript:alert(1)"}, "examples", "keine gültige Webadresse"),
        ({"steps_during": "x" * 501}, "steps_during", "mehr als 500 Zeichen"),
        ({"code_prefix": "999999"}, "code_prefix", "Auswahl"),
    ],
)
def test_bad_input_gives_errors_next_to_the_field(
    client, world, toolbox, prefix, overrides, field, message
):
    client.force_login(world.coordinator)
    url = reverse("knowledge:tool_create", kwargs={"slug": toolbox.slug})
    response = client.post(url, form_data(prefix, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Tool.objects.filter(toolbox=toolbox).exists()


def test_the_same_tool_cannot_be_linked_twice(client, world, toolbox, prefix, tool):
    client.force_login(world.coordinator)
    url = reverse("knowledge:tool_create", kwargs={"slug": toolbox.slug})
    data = form_data(prefix, links_related=[tool.pk], links_follow_up=[tool.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "links_follow_up" in response.context["form"].errors


def test_prefixes_and_link_targets_come_from_the_same_toolbox_only(
    client, world, toolbox, prefix, tool
):
    other = ToolboxFactory(network=world.network)
    other_prefix = CodePrefixFactory(toolbox=other, prefix="X")
    other_tool = ToolFactory(toolbox=other, prefix=other_prefix)
    client.force_login(world.coordinator)
    url = reverse("knowledge:tool_create", kwargs={"slug": toolbox.slug})
    html = client.get(url).content.decode()
    assert "X – " not in html
    response = client.post(url, form_data(other_prefix))
    assert "code_prefix" in response.context["form"].errors
    response = client.post(url, form_data(prefix, links_related=[other_tool.pk]))
    assert "links_related" in response.context["form"].errors


# --- Services -------------------------------------------------------------------------------


def data(prefix, **kwargs):
    values = {"prefix": prefix, "number": 3, "title": "Dorfladen", "summary": "Ein Laden."}
    values.update(kwargs)
    return services.ToolData(**values)


def test_service_refuses_a_taken_code(world, toolbox, prefix, tool):
    with pytest.raises(ValidationError) as exc:
        services.tool_create(toolbox=toolbox, actor=world.coordinator, data=data(prefix, number=7))
    assert "number" in exc.value.error_dict
    other = ToolFactory(toolbox=toolbox, prefix=prefix, number=8)
    with pytest.raises(ValidationError):
        services.tool_update(tool=other, actor=world.coordinator, data=data(prefix, number=7))
    # Keeping its own code is fine.
    services.tool_update(tool=other, actor=world.coordinator, data=data(prefix, number=8))


def test_same_number_with_another_prefix_or_toolbox_is_fine(world, toolbox, prefix, tool):
    be = CodePrefixFactory(toolbox=toolbox, prefix="BE")
    created = services.tool_create(
        toolbox=toolbox, actor=world.coordinator, data=data(be, number=7)
    )
    assert created.code == "BE 007"
    other = ToolboxFactory(network=world.network)
    w = CodePrefixFactory(toolbox=other, prefix="W")
    assert (
        services.tool_create(toolbox=other, actor=world.coordinator, data=data(w, number=7)).code
        == "W 007"
    )


def test_service_refuses_foreign_terms_and_self_links(world, toolbox, prefix, tool):
    foreign = FacetTermFactory(toolbox=ToolboxFactory())
    with pytest.raises(ValidationError) as exc:
        services.tool_update(
            tool=tool, actor=world.coordinator, data=data(prefix, number=7, terms=[foreign])
        )
    assert "terms" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.tool_update(
            tool=tool,
            actor=world.coordinator,
            data=data(prefix, number=7, links=[(tool, LinkKind.RELATED)]),
        )
    assert "links" in exc.value.error_dict


@pytest.mark.parametrize("role", ["outsider", "editor", "other_coordinator"])
def test_services_check_the_permission(world, toolbox, prefix, tool, role):
    actor = user_for(world, role)
    with pytest.raises(PermissionDenied):
        services.tool_create(toolbox=toolbox, actor=actor, data=data(prefix))
    with pytest.raises(PermissionDenied):
        services.facet_term_create(toolbox=toolbox, facet="strategy", name="X", actor=actor)
    with pytest.raises(PermissionDenied):
        services.code_prefix_delete(prefix=prefix, actor=actor)


def test_services_index_the_tool_with_its_terms(world, toolbox, prefix):
    term = FacetTermFactory(toolbox=toolbox, facet=Facet.FIELD, slug="kultur")
    created = services.tool_create(
        toolbox=toolbox,
        actor=world.coordinator,
        data=data(prefix, is_published=True, terms=[term], steps={"during": ["Scheune öffnen"]}),
    )
    entry = SearchEntry.objects.get(url=created.get_absolute_url())
    assert "kultur" in str(entry.facets)
    assert "Scheune" in entry.body


# --- Vocabulary -----------------------------------------------------------------------------


def vocabulary(client, world, toolbox, data):
    client.force_login(world.coordinator)
    url = reverse("knowledge:toolbox_vocabulary", kwargs={"slug": toolbox.slug})
    return client.post(url, data, follow=True)


def test_coordinator_adds_renames_and_deletes_terms(client, world, toolbox, tool):
    response = vocabulary(
        client,
        world,
        toolbox,
        {"action": "add_term", "facet": "carrier", "add-carrier-name": "Kommune"},
    )
    assert "Der Begriff wurde hinzugefügt." in response.content.decode()
    term = FacetTerm.objects.get(toolbox=toolbox, facet="carrier")
    assert (term.name, term.slug) == ("Kommune", "kommune")
    tool.terms.add(term)
    vocabulary(
        client,
        world,
        toolbox,
        {"action": "rename_term", "term": term.pk, f"term-{term.pk}-name": "Gemeinde"},
    )
    term.refresh_from_db()
    assert (term.name, term.slug) == ("Gemeinde", "kommune")
    vocabulary(client, world, toolbox, {"action": "delete_term", "term": term.pk})
    assert not FacetTerm.objects.filter(pk=term.pk).exists()
    assert list(tool.terms.all()) == []


def test_a_duplicate_term_is_a_clear_error(client, world, toolbox):
    FacetTermFactory(toolbox=toolbox, facet=Facet.CARRIER, name="Kommune", slug="kommune")
    response = vocabulary(
        client,
        world,
        toolbox,
        {"action": "add_term", "facet": "carrier", "add-carrier-name": "Kommune"},
    )
    assert response.status_code == 200
    assert "Diese Kategorie hat den Begriff „Kommune“ bereits." in response.content.decode()
    assert FacetTerm.objects.filter(toolbox=toolbox).count() == 1


def test_coordinator_adds_and_renames_prefixes(client, world, toolbox):
    vocabulary(
        client,
        world,
        toolbox,
        {"action": "add_prefix", "add-prefix-letters": "BE", "add-prefix-label": "Engagement"},
    )
    be = CodePrefix.objects.get(toolbox=toolbox, prefix="BE")
    vocabulary(
        client,
        world,
        toolbox,
        {"action": "rename_prefix", "prefix_id": be.pk, f"prefix-{be.pk}-label": "Ehrenamt"},
    )
    be.refresh_from_db()
    assert be.label == "Ehrenamt"


@pytest.mark.parametrize("letters", ["be", "W", "ABCDE", "1"])
def test_bad_or_duplicate_prefixes_are_refused(client, world, toolbox, letters):
    response = vocabulary(
        client,
        world,
        toolbox,
        {"action": "add_prefix", "add-prefix-letters": letters, "add-prefix-label": "Etwas"},
    )
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()
    assert CodePrefix.objects.filter(toolbox=toolbox).count() == 1


def test_a_prefix_in_use_cannot_be_deleted(client, world, toolbox, prefix, tool):
    response = vocabulary(
        client, world, toolbox, {"action": "delete_prefix", "prefix_id": prefix.pk}
    )
    assert "Das Kürzel W wird noch von 1 Werkzeug verwendet" in response.content.decode()
    assert CodePrefix.objects.filter(pk=prefix.pk).exists()
    unused = CodePrefixFactory(toolbox=toolbox, prefix="Q")
    vocabulary(client, world, toolbox, {"action": "delete_prefix", "prefix_id": unused.pk})
    assert not CodePrefix.objects.filter(pk=unused.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "delete_term", "term": "abc"},
        {"action": "delete_term", "term": "999999"},
        {"action": "add_term", "facet": "gibt-es-nicht"},
        {"action": "unknown"},
    ],
)
def test_odd_vocabulary_posts_are_404(client, world, toolbox, data):
    assert vocabulary(client, world, toolbox, data).status_code == 404


def test_terms_of_another_toolbox_cannot_be_deleted_here(client, world, toolbox):
    foreign = FacetTermFactory(toolbox=ToolboxFactory(network=world.network))
    assert (
        vocabulary(
            client, world, toolbox, {"action": "delete_term", "term": foreign.pk}
        ).status_code
        == 404
    )
    assert FacetTerm.objects.filter(pk=foreign.pk).exists()
