import pytest

from allmende.electioncheck.demo import demo_electioncheck_load
from allmende.electioncheck.models import Election
from allmende.networks.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_election_check_is_published_and_loads_once(client, monkeypatch):
    monkeypatch.delenv("ALLMENDE_FACTS", raising=False)
    demo_load()

    first = demo_electioncheck_load()
    second = demo_electioncheck_load()

    assert first == second == {"theses": 10, "parties": 3}
    election = Election.objects.get()
    assert election.is_published
    assert client.get(election.get_absolute_url()).status_code == 200
    assert election.parties.filter(responded=False).count() == 1
    assert all(p.short_name.startswith("Beispielpartei") for p in election.parties.all())
    result = client.get(f"{election.get_absolute_url()}ergebnis/?a=1,1,1,1,1,1,0,1,1,1")
    assert result.context["results"][0][0].short_name == "Beispielpartei A"
    assert result.context["results"][0][1].percent == 100
