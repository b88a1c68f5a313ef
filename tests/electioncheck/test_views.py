"""The voter's pages through HTTP: step by step without JavaScript, the result, the permalink,
opt-in statistics; and the coordinators' set-up pages with their permissions."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allmende.electioncheck.models import AnswerCount, Election, ParticipationCount, Party
from tests.electioncheck.factories import ElectionFactory, build_election

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(world):
    election, _theses, _parties = build_election(
        {"GLP": [1, 1, -1], "MP": [-1, 0, 1]}, network=world.network, slug="landtag"
    )
    Party.objects.create(
        election=election, short_name="NWL", responded=False, note="Keine Antwort erhalten."
    )
    return election


def _step(number: int) -> str:
    return reverse("electioncheck:election_step", kwargs={"slug": "landtag", "number": number})


RESULT = "/wahlcheck/landtag/ergebnis/"


def test_intro_explains_the_rule_and_says_it_is_no_voting_recommendation(client, election):
    response = client.get(election.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Keine Wahlempfehlung" in html
    assert _step(1) in html


def test_voter_answers_step_by_step_and_gets_the_result_without_javascript(client, election):
    response = client.get(_step(1), {"a": "", "answer": "1", "double": "on"})
    assert response.status_code == 302
    assert response["Location"] == _step(2) + "?a=1%2A"

    response = client.get(_step(2), {"a": "1*", "answer": "s"})
    assert response["Location"] == _step(3) + "?a=1%2A%2Cs"

    response = client.get(_step(3), {"a": "1*,s", "answer": "-1"})
    assert response["Location"] == RESULT + "?a=1%2A%2Cs%2C-1"

    result = client.get(response["Location"]).content.decode()
    # GLP: 2·2 (double) + 2 = 6 of 6; MP: 0 + 0 of 6 → 100 % and 0 %
    scores = re.findall(r'class="score-name">(\w+).*?class="score-value">([^<]+)<', result, re.S)
    assert scores == [("GLP", "100 %"), ("MP", "0 %")]
    assert "Keine Antwort erhalten." in result
    assert "GLP dazu: -1" in result  # the justification in the comparison


def test_going_back_keeps_the_answers(client, election):
    page = client.get(_step(2), {"a": "1,-1"}).content.decode()

    assert 'href="/wahlcheck/landtag/these/1/?a=1%2C-1"' in page
    assert re.search(r'value="-1"[^>]*checked', page)


def test_invalid_step_answer_shows_the_error_and_keeps_the_others(client, election):
    response = client.get(_step(2), {"a": "1", "answer": "7"})

    assert response.status_code == 200
    assert 'value="1"' in response.content.decode()  # the hidden answers
    assert response.context["form"].errors["answer"]


def test_step_outside_the_election_is_404(client, election):
    assert client.get(_step(4)).status_code == 404
    assert client.get(_step(0)).status_code == 404


def test_adjusting_answers_on_the_result_page_redirects_to_the_new_permalink(client, election):
    theses = list(election.theses.all())
    response = client.get(
        RESULT, {f"t{theses[0].pk}": "-1", f"d{theses[0].pk}": "1", f"t{theses[1].pk}": "s"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("?a=-1%2A%2Cs")


def test_nothing_is_stored_without_opting_in(client, election, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(RESULT, {"a": "1,0,-1"})
    client.post(reverse("electioncheck:election_count", kwargs={"slug": "landtag"}), {"a": "1"})

    assert AnswerCount.objects.count() == 0
    assert ParticipationCount.objects.count() == 0


def test_opted_in_answers_are_counted_as_counters_only(client, election):
    url = reverse("electioncheck:election_count", kwargs={"slug": "landtag"})
    client.post(url, {"a": "1*,s,-1", "consent": "1"})
    client.post(url, {"a": "1,0", "consent": "1"})

    assert ParticipationCount.objects.get(election=election).count == 2
    first = election.theses.first()
    counts = {(c.answer, c.double): c.count for c in AnswerCount.objects.filter(thesis=first)}
    assert counts == {("1", True): 1, ("1", False): 1}
    assert sorted(f.name for f in AnswerCount._meta.fields) == [
        "answer",
        "count",
        "double",
        "id",
        "thesis",
    ]


def test_draft_election_is_hidden_from_the_public(client, world):
    draft = ElectionFactory(network=world.network, is_published=False)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.name not in client.get(reverse("electioncheck:election_list")).content.decode()
    client.force_login(world.coordinator)
    assert client.get(draft.get_absolute_url()).status_code == 200


ROLES = ["admin", "coordinator", "other_coordinator", "editor", "member", "outsider", None]
ALLOWED = {"admin", "coordinator"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name", ["election_edit", "theses_edit", "parties_edit", "matowahl_import", "statistics"]
)
def test_only_the_networks_coordinators_and_admins_set_up_an_election(
    client, world, election, role, name
):
    if role:
        client.force_login(getattr(world, role))

    response = client.get(reverse(f"electioncheck:{name}", kwargs={"slug": "landtag"}))

    if role in ALLOWED:
        assert response.status_code == 200
    elif role is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 403


def test_coordinator_creates_an_election_and_sees_errors_next_to_the_fields(client, world):
    client.force_login(world.coordinator)
    url = reverse("electioncheck:election_create")

    bad = client.post(url, {"network": world.network.pk, "name": "", "scale": 3})
    html = bad.content.decode()
    assert bad.status_code == 200
    assert 'id="error-summary"' in html
    assert 'id="id_name_error"' in html

    good = client.post(
        url,
        {
            "network": world.network.pk,
            "name": "Kommunalwahl 2029",
            "election_date": "2029-05-27",
            "scale": 5,
        },
    )
    election = Election.objects.get(name="Kommunalwahl 2029")
    assert good["Location"] == reverse("electioncheck:theses_edit", kwargs={"slug": election.slug})
    assert election.network == world.network
    assert not election.is_published


def test_coordinator_cannot_create_in_another_network(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("electioncheck:election_create"),
        {"network": world.other_network.pk, "name": "X", "election_date": "2029-05-27", "scale": 3},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["network"]
    assert not Election.objects.filter(name="X").exists()


def test_coordinator_sets_the_positions_of_a_party(client, world, election):
    client.force_login(world.coordinator)
    party = election.parties.get(short_name="MP")
    theses = list(election.theses.all())
    url = reverse("electioncheck:party_positions", kwargs={"slug": "landtag", "pk": party.pk})

    response = client.post(
        url,
        {
            f"value_{theses[0].pk}": "1",
            f"justification_{theses[0].pk}": "Umgedacht.",
            f"value_{theses[1].pk}": "",
            f"value_{theses[2].pk}": "5",
        },
    )
    assert response.status_code == 200  # 5 is not on the scale
    assert party.positions.get(thesis=theses[0]).value == -1  # nothing saved

    client.post(url, {f"value_{theses[0].pk}": "1", f"justification_{theses[0].pk}": "Umgedacht."})
    positions = {p.thesis_id: (p.value, p.justification) for p in party.positions.all()}
    assert positions == {theses[0].pk: (1, "Umgedacht.")}


def test_coordinator_adds_theses_through_the_formset(client, world, election):
    client.force_login(world.coordinator)
    url = reverse("electioncheck:theses_edit", kwargs={"slug": "landtag"})
    page = client.get(url)
    theses = page.context["theses"]
    data = {
        "blocks-TOTAL_FORMS": "1",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
        "blocks-0-position": "1",
        "blocks-0-title": "Boden",
        "theses-TOTAL_FORMS": str(theses.total_form_count()),
        "theses-INITIAL_FORMS": str(theses.initial_form_count()),
        "theses-MIN_NUM_FORMS": "0",
        "theses-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(theses.forms):
        if form.instance.pk:
            data[f"theses-{index}-id"] = str(form.instance.pk)
            data[f"theses-{index}-position"] = str(form.instance.position)
            data[f"theses-{index}-short_title"] = form.instance.short_title
            data[f"theses-{index}-text"] = form.instance.text
    new = theses.initial_form_count()
    data[f"theses-{new}-position"] = "9"
    data[f"theses-{new}-short_title"] = "Leerstand"
    data[f"theses-{new}-text"] = "Leerstand soll gemeldet werden."

    response = client.post(url, data)

    assert response.status_code == 302
    assert election.theses.count() == 4
    assert election.blocks.get().title == "Boden"


MATOWAHL_Q = (
    "Konzeptvergabe;Grundstücke nach Konzept vergeben.\nErbbaurecht;Im Erbbaurecht abgeben.\n"
)
MATOWAHL_P = "GLP\nGemeinwohl-Liste\n\n\n\n1;Ja.\n0;Vielleicht.\n"


def test_import_replaces_theses_and_parties_and_export_gives_the_same_files(
    client, world, election
):
    client.force_login(world.coordinator)
    url = reverse("electioncheck:matowahl_import", kwargs={"slug": "landtag"})

    response = client.post(
        url,
        {
            "questions": SimpleUploadedFile("fragen.csv", MATOWAHL_Q.encode()),
            "parties": SimpleUploadedFile("parteien.csv", MATOWAHL_P.encode()),
            "replace": "on",
        },
    )

    assert response.status_code == 302
    assert list(election.theses.values_list("short_title", flat=True)) == [
        "Konzeptvergabe",
        "Erbbaurecht",
    ]
    assert list(election.parties.values_list("short_name", flat=True)) == ["GLP"]
    questions = client.get(reverse("electioncheck:export_questions", kwargs={"slug": "landtag"}))
    parties = client.get(reverse("electioncheck:export_parties", kwargs={"slug": "landtag"}))
    assert questions.content.decode() == MATOWAHL_Q
    assert parties.content.decode() == 'GLP\nGemeinwohl-Liste\n""\n""\n""\n1;Ja.\n0;Vielleicht.\n'


def test_bad_import_names_file_and_line_and_changes_nothing(client, world, election):
    client.force_login(world.coordinator)
    before = list(election.theses.values_list("pk", flat=True))

    response = client.post(
        reverse("electioncheck:matowahl_import", kwargs={"slug": "landtag"}),
        {
            "questions": SimpleUploadedFile("fragen.csv", MATOWAHL_Q.encode()),
            "parties": SimpleUploadedFile("p.csv", b"GLP\nG\n\n\n\n3;nein\n0;\n"),
            "replace": "on",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "Parteiendatei, Zeile 6" in html  # the file and line of the bad position
    assert list(election.theses.values_list("pk", flat=True)) == before


def test_statistics_page_shows_the_counts_to_coordinators(client, world, election):
    client.post(
        reverse("electioncheck:election_count", kwargs={"slug": "landtag"}),
        {"a": "1,1,1", "consent": "1"},
    )
    client.force_login(world.coordinator)

    response = client.get(reverse("electioncheck:statistics", kwargs={"slug": "landtag"}))

    assert response.context["participations"] == 1
    assert [row["total"] for row in response.context["table"]] == [1, 1, 1]


def test_submitting_a_step_without_an_answer_says_so(client, election):
    response = client.get(_step(1), {"a": "", "step": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["answer"]
    assert 'id="error-summary"' in response.content.decode()


def test_export_leaves_out_parties_that_did_not_answer(client, world, election):
    client.force_login(world.coordinator)

    parties = client.get(reverse("electioncheck:export_parties", kwargs={"slug": "landtag"}))

    text = parties.content.decode()
    assert text.startswith("GLP\n")
    assert "NWL" not in text
    assert text.count("\n") == 2 * (5 + 3)  # two responding parties, three theses


def test_an_election_never_takes_the_address_of_the_manage_page(world):
    from allmende.electioncheck.services import election_create

    election = election_create(
        network=world.network,
        actor=world.coordinator,
        name="Verwalten",
        election_date="2029-05-27",
        scale=3,
    )

    assert election.slug != "verwalten"


def test_admin_cannot_put_positions_off_the_scale_or_change_the_scale(client, world, election):
    from django.core.exceptions import ValidationError

    from allmende.electioncheck.models import PartyPosition

    party = election.parties.get(short_name="GLP")
    position = PartyPosition(party=party, thesis=election.theses.first(), value=2)
    with pytest.raises(ValidationError):
        position.full_clean(validate_unique=False)
    election.scale = 5
    with pytest.raises(ValidationError):
        election.full_clean()

    client.force_login(world.admin)
    response = client.post(
        reverse("admin:electioncheck_election_change", args=[election.pk]),
        {"scale": 5},
    )
    assert response.status_code == 200  # the form comes back with its errors
    election.refresh_from_db()
    assert election.scale == 3
