"""Fixtures for the property pages: one property per visibility case."""

import pytest

from allmende.properties.models import Moderation, Property

# Exact coordinates of the sensitive property, with enough digits that they cannot appear on a
# page by chance.
SECRET_LAT = 51.3412345
SECRET_LON = 12.3798765
SECRET_STREET = "Geheimgasse 7"


def make_property(**overrides):
    values = {
        "title": "Altes Kaufhaus",
        "kind": "vacant",
        "city": "Leipzig",
        "state": "Sachsen",
        "lat": 51.34,
        "lon": 12.37,
        "owner_kind": "private",
        "is_published": True,
    }
    values.update(overrides)
    return Property.objects.create(**values)


@pytest.fixture
def props(world):
    """Properties of the world's organisation (member of ``world.network``) and of the other
    organisation (member of ``world.other_network``), plus two reports by visitors."""
    return {
        "published": make_property(title="Offenes Kaufhaus", owner_organisation=world.organisation),
        "sensitive": make_property(
            title="Verschwiegene Villa",
            owner_organisation=world.organisation,
            is_sensitive=True,
            street=SECRET_STREET,
            postcode="04109",
            lat=SECRET_LAT,
            lon=SECRET_LON,
        ),
        "draft": make_property(
            title="Entwurf Bahnhof", owner_organisation=world.organisation, is_published=False
        ),
        "other_draft": make_property(
            title="Fremder Speicher",
            owner_organisation=world.other_organisation,
            is_published=False,
        ),
        "pending": make_property(
            title="Gemeldete Scheune",
            owner_kind="private",
            is_published=False,
            moderation=Moderation.PENDING,
        ),
        "rejected": make_property(
            title="Abgelehnte Halle",
            is_published=False,
            moderation=Moderation.REJECTED,
        ),
    }
