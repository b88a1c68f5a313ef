"""GeoJSON import of properties: the CSV columns as feature properties, a Point per feature,
the CSV import's row rules, all or nothing with an error per feature, field and message."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from allmende.properties import transfer, transfer_geojson
from allmende.properties.models import Property

pytestmark = pytest.mark.django_db

IMPORT_URL = "/objekte/importieren/"


def feature(geometry=None, **properties):
    values = {
        "title": "Alte Schule",
        "kind": "vacant",
        "city": "Leipzig",
        "state": "Sachsen",
        "owner_kind": "municipal",
    }
    values.update(properties)
    return {"type": "Feature", "geometry": geometry, "properties": values}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _upload(content: bytes, name: str = "objekte.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def _import(world, content: bytes):
    return transfer_geojson.properties_import_geojson(
        file=io.BytesIO(content), organisation=world.organisation, actor=world.editor
    )


def test_import_page_takes_a_feature_collection_with_points_and_lists(client, world):
    client.force_login(world.editor)
    content = collection(
        feature(
            point(15.0, 51.1),
            title="Speicher",
            kind="brownfield",
            city="Görlitz",
            usable_area=1200,
            asking_price="250000",
            listed_building=True,
            transfer_options=["sale", "rent"],
            suitable_uses=["education", "culture"],
        ),
        feature(None, title="Ohne Punkt"),
    )

    response = client.post(
        IMPORT_URL, {"organisation": world.organisation.pk, "file": _upload(content)}
    )

    assert response.status_code == 302
    store = Property.objects.get(title="Speicher")
    assert (store.lat, store.lon) == (51.1, 15.0)  # GeoJSON gives the longitude first
    assert store.owner_organisation == world.organisation
    assert store.usable_area == 1200
    assert store.listed_building is True
    assert store.transfer_models == ["sale", "rent"]
    assert store.suitable_uses == ["education", "culture"]
    centre = Property.objects.get(title="Ohne Punkt")
    assert (centre.lat, centre.lon) == pytest.approx((51.34, 12.37), abs=0.01)


def test_bad_features_import_nothing_and_each_error_names_feature_and_field(client, world):
    client.force_login(world.editor)
    content = collection(
        feature(point(12.4, 51.3)),
        feature(point(12.4, 51.3), kind="castle"),
        feature({"type": "LineString", "coordinates": [[12, 51], [13, 52]]}),
        feature(point(51.3, 200)),
        feature(point("zwölf", 51)),
        feature(point(12.4, 51.3), usable_area="viel", town="Leipzig"),
        "kein Feature",
        feature(point(12.4, 51.3), description={"text": "verschachtelt"}),
    )

    response = client.post(
        IMPORT_URL, {"organisation": world.organisation.pk, "file": _upload(content)}
    )

    assert response.status_code == 200
    assert Property.objects.count() == 0
    errors = response.context["result"].errors
    assert [(e.row, e.field) for e in errors] == [
        (2, "kind"),
        (3, "geometry"),
        (4, "geometry"),
        (5, "geometry"),
        (6, "town"),
        (6, "usable_area"),
        (7, ""),
        (8, "description"),
    ]
    assert all(e.message for e in errors)
    html = response.content.decode()
    assert '<th scope="col">Feature</th>' in html
    cells = re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td>', html)
    assert ("3", "geometry") in cells


def test_coordinates_out_of_range_are_an_error_of_the_geometry(world):
    result = _import(world, collection(feature(point(12.4, 95.0))))

    assert [(e.row, e.field) for e in result.errors] == [(1, "geometry")]
    assert result.errors[0].message


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b'{"type": "FeatureCollection", "features": [', ""),
        (b"title,kind\nA,vacant\n", ""),
        (b'{"type": "Feature", "geometry": null, "properties": {}}', ""),
        (b'{"type": "FeatureCollection", "features": {}}', "features"),
        (b'{"type": "FeatureCollection", "features": []}', ""),
        (b"\xff\xfe\x00", ""),
    ],
    ids=["broken", "csv", "single-feature", "features-not-a-list", "empty", "not-utf8"],
)
def test_a_file_that_is_no_feature_collection_gives_one_file_error(world, content, field):
    result = _import(world, content)

    assert [(e.row, e.field) for e in result.errors] == [(0, field)]
    assert result.created == 0
    assert Property.objects.count() == 0


def test_bad_json_names_line_and_column(world):
    result = _import(world, b'{"type": "FeatureCollection",\n "features": [,]}')

    assert "2" in result.errors[0].message
    assert "JSON" in result.errors[0].message


def test_too_many_features_are_refused(world, monkeypatch):
    monkeypatch.setattr(transfer_geojson, "MAX_IMPORT_ROWS", 2)

    result = _import(world, collection(feature(), feature(), feature()))

    assert [(e.row, e.field) for e in result.errors] == [(0, "")]
    assert Property.objects.count() == 0


def test_a_geojson_export_can_be_imported_again(world, props):
    exported = transfer.properties_export_geojson(
        queryset=Property.objects.filter(pk=props["published"].pk), user=world.admin
    )

    result = transfer_geojson.properties_import_geojson(
        file=io.BytesIO(json.dumps(exported).encode()),
        organisation=world.organisation,
        actor=world.admin,
    )

    assert result.errors == []
    copies = Property.objects.filter(title="Offenes Kaufhaus").order_by("pk")
    assert copies.count() == 2
    assert (copies[1].lat, copies[1].lon) == (copies[0].lat, copies[0].lon)


def test_file_name_chooses_csv_or_geojson(world):
    csv_body = b"title,kind,city,state,owner_kind\nHof,vacant,Leipzig,Sachsen,private\n"
    assert (
        transfer_geojson.properties_import(
            file=io.BytesIO(csv_body),
            name="objekte.CSV",
            organisation=world.organisation,
            actor=world.editor,
        ).created
        == 1
    )
    result = transfer_geojson.properties_import(
        file=io.BytesIO(collection(feature(point(12.4, 51.3)))),
        name="objekte.json",
        organisation=world.organisation,
        actor=world.editor,
    )
    assert result.created == 1
    assert result.unit == "feature"


def test_import_command_reads_geojson_by_extension(world, tmp_path):
    path = tmp_path / "objekte.geojson"
    path.write_bytes(collection(feature(point(12.4, 51.3)), feature(point(12.5, 51.3))))
    out = io.StringIO()

    call_command(
        "importproperties",
        str(path),
        "--organisation",
        world.organisation.slug,
        "--actor",
        world.editor.email,
        stdout=out,
    )

    assert "2" in out.getvalue()
    assert Property.objects.filter(owner_organisation=world.organisation).count() == 2


def test_import_command_lists_feature_errors_and_imports_nothing(world, tmp_path):
    path = tmp_path / "objekte.geojson"
    path.write_bytes(collection(feature(point(12.4, 51.3)), feature({"type": "Polygon"})))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "importproperties",
            str(path),
            "--organisation",
            world.organisation.slug,
            "--actor",
            world.editor.email,
            stderr=err,
        )

    assert "feature 2, geometry" in err.getvalue()
    assert Property.objects.count() == 0
