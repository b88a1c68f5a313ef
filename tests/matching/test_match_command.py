"""``allmende match``: the optimal assignment of a region on the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from allmende.matching.models import Recommendation


def _run(*args):
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue()


def test_match_prints_both_totals_and_the_optimal_pairs(matching):
    output = _run("--region", "state:Brandenburg")

    assert "Region Brandenburg: 1 verfügbare Objekte, 1 aktive Raumgesuche" in output
    assert "Optimal: 1 Paare" in output
    assert "Gierig: 1 Paare" in output
    assert "Werkstatt und Treffpunkt" in output
    assert "Alte Schule Angermünde" in output
    # Not a terminal: periodic lines instead of a bar.
    assert "Zuordnung: 1 von 1 (100 %)" in output
    assert "\r" not in output


def test_refresh_recomputes_the_stored_recommendations(matching):
    Recommendation.objects.all().delete()

    output = _run("--refresh")

    assert "1 Empfehlungen" in output
    assert Recommendation.objects.count() == 1


def test_limit_cuts_the_list(matching, world):
    from tests.matching.conftest import make_property
    from tests.needs.factories import SpaceNeedFactory

    SpaceNeedFactory(organisation=world.organisation, title="Zweites Gesuch")
    make_property(title="Zweite Schule", owner_organisation=world.other_organisation)

    output = _run("--region", "state:Brandenburg", "--limit", "1")

    assert "… und 1 weitere." in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--region"),
        (("--region", "planet:Mars"), "network:<Kurzname>"),
        (("--region", "state:Atlantis"), "Atlantis"),
        (("--region", "network:gibt-es-nicht"), "gibt-es-nicht"),
        (("--region", "district:Nirgendwo"), "Nirgendwo"),
        (("--region", "state:Sachsen", "--limit", "-1"), "--limit"),
    ],
)
def test_bad_arguments_give_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("match", *args, stdout=io.StringIO())
