"""``allmende generate``: synthetic data on real places, reproducible and removable; progress."""

import datetime
import io
from collections import Counter

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from allmende.core.places import all_places
from allmende.core.progress import Progress, format_count, progress_for
from allmende.matching.models import Recommendation
from allmende.matching.synthetic import SyntheticDataExists, synthetic_generate, synthetic_remove
from allmende.matching.synthetic.columns import (
    owner_columns,
    place_weights,
    populated_places,
    property_columns,
)
from allmende.needs.models import SpaceNeed
from allmende.networks.models import Organisation
from allmende.properties.models import Moderation, Property, PropertyStatus
from tests.factories import OrganisationFactory
from tests.matching.conftest import make_property
from tests.needs.factories import SpaceNeedFactory


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _fields(model, *, skip=("id", "created_at", "updated_at", "grid_x", "grid_y")):
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


def _snapshot() -> tuple[list, list, list]:
    """All synthetic rows as plain values, with organisations named by slug instead of id."""
    prop_fields = [*_fields(Property, skip=("id", "created_at", "updated_at", "grid_x",
                                            "grid_y", "owner_organisation_id")),
                   "owner_organisation__slug"]  # fmt: skip
    need_fields = [*_fields(SpaceNeed, skip=("id", "created_at", "updated_at",
                                             "organisation_id")), "organisation__slug"]  # fmt: skip
    return (
        list(Organisation.objects.filter(is_synthetic=True).order_by("slug").values_list(
            *_fields(Organisation))),
        list(Property.objects.filter(is_synthetic=True).order_by("pk").values_list(*prop_fields)),
        list(SpaceNeed.objects.filter(is_synthetic=True).order_by("pk").values_list(*need_fields)),
    )  # fmt: skip


# --- generation ----------------------------------------------------------------------------------


def test_same_seed_gives_the_same_data_and_another_seed_other_data(db):
    synthetic_generate(properties=150, needs=40, seed=7, batch_size=64)
    first = _snapshot()
    synthetic_remove()
    synthetic_generate(properties=150, needs=40, seed=7, batch_size=1000)
    assert _snapshot() == first
    synthetic_remove()
    synthetic_generate(properties=150, needs=40, seed=8)
    other = _snapshot()
    assert [row[0] for row in other[1]] != [row[0] for row in first[1]]


def test_needs_of_a_seed_do_not_depend_on_the_number_of_properties(db):
    synthetic_generate(properties=10, needs=30, seed=3)
    needs = _snapshot()[2]
    synthetic_remove()
    synthetic_generate(properties=200, needs=30, seed=3)
    assert _snapshot()[2] == needs


def test_generate_stores_the_counts_asked_for_all_marked_synthetic_and_matchable(db):
    result = synthetic_generate(properties=230, needs=57, seed=1, batch_size=100)

    assert (result.properties, result.needs, result.seed) == (230, 57, 1)
    assert Property.objects.count() == Property.objects.filter(is_synthetic=True).count() == 230
    assert SpaceNeed.objects.count() == SpaceNeed.objects.filter(is_synthetic=True).count() == 57
    organisations = Organisation.objects.filter(is_synthetic=True)
    assert organisations.count() == result.organisations == Organisation.objects.count()
    initiatives = organisations.filter(kind="initiative")
    assert initiatives.count() == 15  # one per four needs
    assert set(SpaceNeed.objects.values_list("organisation__kind", flat=True)) == {"initiative"}
    assert all(s.startswith("synthetisch-") for s in organisations.values_list("slug", flat=True))
    assert not Property.objects.exclude(
        is_published=True, moderation=Moderation.APPROVED, status=PropertyStatus.VACANT
    ).exists()
    assert not SpaceNeed.objects.exclude(is_active=True, visibility="public").exists()
    assert not Property.objects.filter(public_lat__isnull=True).exists()
    assert not Property.objects.filter(grid_x__isnull=True).exists()
    owned = Property.objects.filter(owner_organisation__isnull=False)
    assert owned.exists()
    assert not owned.exclude(owner_organisation__is_synthetic=True).exists()


def test_sensitive_properties_store_the_public_position_that_save_would(db):
    synthetic_generate(properties=400, needs=0, seed=11)
    sensitive = list(Property.objects.filter(is_sensitive=True))
    assert sensitive
    for prop in sensitive:
        assert (prop.public_lat, prop.public_lon) != (prop.lat, prop.lon)
        assert (prop.public_lat, prop.public_lon) == prop.public_position()
    plain = Property.objects.filter(is_sensitive=False).first()
    assert (plain.public_lat, plain.public_lon) == (plain.lat, plain.lon)


def test_generated_rows_pass_model_validation(db):
    synthetic_generate(properties=300, needs=120, seed=5)
    for prop in Property.objects.all():
        prop.full_clean()
    for need in SpaceNeed.objects.all():
        need.full_clean()
        assert need.area_min <= need.area_max
        assert 5 <= need.radius_km <= 60
        assert need.uses
        assert need.transfer_models
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_generated_values_are_plausible(db):
    synthetic_generate(properties=500, needs=200, seed=2)
    areas = [a for a in Property.objects.values_list("usable_area", flat=True) if a is not None]
    assert min(areas) >= 80
    assert max(areas) <= 3000
    assert 150 < float(np.median(areas)) < 800
    for prop in Property.objects.all():
        assert prop.transfer_models, prop
        assert prop.suitable_uses
        assert prop.asking_price is None or prop.transfer_sale
        assert prop.leasehold_term_years is None or prop.transfer_leasehold
        assert prop.vacant_since <= timezone.localdate()
        assert 47 < prop.lat < 55.2  # Germany
        assert 5.8 < prop.lon < 15.1
    assert Counter(Property.objects.values_list("kind", flat=True)).most_common(1)[0][0] == "vacant"


def test_places_are_drawn_in_proportion_to_population():
    places = populated_places()
    weights = place_weights(places)
    rng = np.random.default_rng(1)
    owners, owner_kinds = owner_columns(rng, places, weights, 50, seed=1)
    columns = property_columns(
        rng,
        places=places,
        weights=weights,
        count=20_000,
        owners=owners,
        owner_kinds=owner_kinds,
        today=datetime.date(2026, 1, 1),
    )
    counts = Counter(zip(columns["city"], columns["state"], strict=True))
    population = {(p.name, p.state): p.population or 0 for p in places}
    big = {key for key, people in population.items() if people >= 500_000}
    small = {key for key, people in population.items() if people < 5_000}
    rows_per_big = sum(counts[k] for k in big) / len(big)
    rows_per_small = sum(counts[k] for k in small) / len(small)
    # München (1.5 million people) against the average village: ~ 300 rows against ~ 0.7.
    assert rows_per_big > 100 * rows_per_small
    assert counts[("München", "Bayern")] > 200
    # The share of the big cities matches their share of the weights.
    expected = sum(w for p, w in zip(places, weights, strict=True) if (p.name, p.state) in big)
    assert abs(sum(counts[k] for k in big) / 20_000 - expected) < 0.02


def test_place_weights_do_not_count_city_states_twice():
    places = populated_places()
    weights = place_weights(places)
    assert weights.sum() == pytest.approx(1.0)
    hamburg = sum(w for p, w in zip(places, weights, strict=True) if p.state == "Hamburg")
    bayern = sum(w for p, w in zip(places, weights, strict=True) if p.state == "Bayern")
    districts = {p.state: 0 for p in all_places()}
    for p in all_places():
        if p.kind == "district":
            districts[p.state] += p.population or 0
    # The CSV lists Hamburg as a whole and by quarters (about three times its people).
    assert hamburg / bayern == pytest.approx(districts["Hamburg"] / districts["Bayern"], rel=0.1)


def test_negative_numbers_are_refused_by_the_service(db):
    with pytest.raises(ValueError, match="negativ"):
        synthetic_generate(properties=-1, needs=0, seed=1)
    with pytest.raises(ValueError, match="negativ"):
        synthetic_generate(properties=1, needs=0, seed=-1)


def test_the_same_seed_twice_is_refused_with_a_clear_message(db):
    synthetic_generate(properties=5, needs=5, seed=9)
    with pytest.raises(SyntheticDataExists, match="--remove"):
        synthetic_generate(properties=5, needs=5, seed=9)
    synthetic_generate(properties=5, needs=5, seed=10)
    assert Property.objects.count() == 10


# --- removal -------------------------------------------------------------------------------------


def test_remove_deletes_synthetic_rows_and_keeps_real_data(db, django_capture_on_commit_callbacks):
    real_owner = OrganisationFactory(name="Stadt Angermünde", kind="municipality")
    real_property = make_property(owner_organisation=real_owner)
    real_need = SpaceNeedFactory()
    synthetic_generate(properties=120, needs=30, seed=4)
    synthetic_property = Property.objects.filter(is_synthetic=True).first()
    synthetic_need = SpaceNeed.objects.filter(is_synthetic=True).first()
    # A real need that lists a synthetic property, and a real property listed by a synthetic need.
    for prop, need, rank_for_need, rank_for_property in (
        (synthetic_property, real_need, 1, None),
        (real_property, synthetic_need, None, 1),
    ):
        Recommendation.objects.create(
            property=prop,
            need=need,
            score=0.8,
            distance_km=3,
            rank_for_need=rank_for_need,
            rank_for_property=rank_for_property,
        )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = synthetic_remove()

    assert counts == {"needs": 30, "properties": 120, "organisations": 11, "related": 2}
    assert list(Property.objects.all()) == [real_property]
    assert list(SpaceNeed.objects.all()) == [real_need]
    assert set(Organisation.objects.all()) == {real_owner, real_need.organisation}
    assert not Recommendation.objects.exists()
    assert callbacks  # the real need and property are re-ranked after the commit


def test_remove_without_synthetic_data_deletes_nothing(db):
    real = make_property()
    assert synthetic_remove() == {"needs": 0, "properties": 0, "organisations": 0, "related": 0}
    assert list(Property.objects.all()) == [real]


# --- the command ---------------------------------------------------------------------------------


def test_command_prints_progress_lines_and_a_summary_when_not_on_a_terminal(db):
    out = io.StringIO()
    call_command("generate", properties=120, needs=30, seed=2, stdout=out)
    text = out.getvalue()

    assert "\r" not in text
    assert "Objekte: 120 von 120 (100 %)" in text
    assert "Raumgesuche: 30 von 30 (100 %)" in text
    assert "Organisationen: " in text
    summary = text.strip().splitlines()[-1]
    assert summary.startswith(
        "120 synthetische Objekte, 30 Raumgesuche und 11 Organisationen (Startwert 2) in "
    )
    assert summary.endswith(" s angelegt.")
    assert Property.objects.filter(is_synthetic=True).count() == 120


def test_command_draws_a_progress_bar_on_a_terminal(db):
    out = FakeTerminal()
    call_command("generate", properties=20, needs=0, seed=2, stdout=out)
    text = out.getvalue()

    assert "\rObjekte [##############################] 100 % (20/20)\n" in text
    assert "von 20" not in text
    assert "Raumgesuche [" not in text  # nothing to do, no bar


def test_command_remove_prints_what_was_deleted(db):
    real = make_property()
    call_command("generate", properties=8, needs=4, seed=1, stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate", "--remove", stdout=out)

    assert "8 synthetische Objekte, 4 Raumgesuche und 2 Organisationen" in out.getvalue()
    assert "entfernt" in out.getvalue()
    assert list(Property.objects.all()) == [real]


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (["--properties=-5"], {}, "-5 ist negativ"),
        (["--needs", "viele"], {}, "keine ganze Zahl"),
        ([], {"properties": -1}, "--properties muss eine ganze Zahl ab 0 sein"),
        ([], {"seed": -3}, "--seed muss eine ganze Zahl ab 0 sein"),
        ([], {}, "Nichts zu tun"),
        (["--remove", "--properties=3"], {}, "--remove lässt sich nicht"),
    ],
)
def test_command_refuses_bad_arguments_with_a_clear_message(db, args, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", *args, stdout=io.StringIO(), **options)
    assert not Property.objects.exists()


def test_command_refuses_a_seed_that_is_stored_already(db):
    call_command("generate", properties=3, needs=0, seed=6, stdout=io.StringIO())
    with pytest.raises(CommandError, match="Startwert 6 gibt es schon"):
        call_command("generate", properties=3, needs=0, seed=6, stdout=io.StringIO())


# --- progress ------------------------------------------------------------------------------------


def test_progress_writes_a_line_per_tenth_and_at_the_end():
    out, clock = io.StringIO(), FakeClock()
    with Progress("Objekte", 100_000, out, clock=clock) as progress:
        for _step in range(40):
            progress.advance(2_500)
    lines = out.getvalue().splitlines()

    assert lines[0] == "Objekte: 10 000 von 100 000 (10 %)"
    assert lines[-1] == "Objekte: 100 000 von 100 000 (100 %)"
    assert len(lines) == 10


def test_progress_writes_a_line_every_two_seconds_when_a_tenth_takes_longer():
    out, clock = io.StringIO(), FakeClock()
    progress = Progress("Objekte", 1_000, out, clock=clock)
    progress.advance(1)
    assert out.getvalue() == ""
    clock.now = 2.5
    progress.advance(1)
    assert out.getvalue() == "Objekte: 2 von 1 000 (0 %)\n"
    progress.close()
    progress.close()
    assert out.getvalue().splitlines()[-1] == "Objekte: 2 von 1 000 (0 %)"
    assert len(out.getvalue().splitlines()) == 2


def test_progress_bar_redraws_in_place_and_ends_the_line():
    out, clock = FakeTerminal(), FakeClock()
    progress = Progress("Objekte", 200, out, clock=clock)
    progress.advance(90)
    clock.now = 1.0
    progress.advance(10)
    progress.close()
    text = out.getvalue()

    assert text.startswith("\rObjekte [##############")
    assert "\rObjekte [###############...............]  50 % (100/200)" in text
    assert text.endswith("]  50 % (100/200)\n")
    assert text.count("\n") == 1


def test_progress_for_reports_each_label_until_it_is_done():
    out = io.StringIO()
    report = progress_for(out)
    report("Objekte", 0, 3)
    report("Objekte", 3, 3)
    report("Raumgesuche", 0, 0)  # nothing to do: nothing to show

    assert out.getvalue().splitlines() == ["Objekte: 3 von 3 (100 %)"]


def test_format_count_groups_thousands_with_spaces():
    assert [format_count(n) for n in (0, 999, 45_000, 1_234_567)] == [
        "0",
        "999",
        "45 000",
        "1 234 567",
    ]
