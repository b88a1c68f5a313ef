"""Import and export of properties: CSV and GeoJSON exports honour the location privacy and
the list's filters; a CSV import validates every row and writes all or nothing."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from allmende.properties import transfer
from allmende.properties.models import Property
from tests.conftest import ROLES, user_for
from tests.properties.conftest import SECRET_LAT, SECRET_LON, SECRET_STREET, make_property

pytestmark = pytest.mark.django_db

CSV_URL = "/objekte/export.csv"
GEOJSON_URL = "/objekte/export.geojson"
IMPORT_URL = "/objekte/importieren/"

HEADER = "title,kind,city,state,owner_kind,lat,lon,usable_area,asking_price,transfer_options,suitable_uses,listed_building"  # noqa: E501
GOOD_ROWS = [
    "Alte Schule,vacant,Leipzig,Sachsen,municipal,,,450,,sale;rent,education;culture,ja",
    'Speicher,brownfield,Görlitz,Sachsen,private,"51,1",15,"1.200","250.000",,,nein',
]
BAD_ROWS = {
    # row number (header = 1): (line, field)
    3: ("Burg,castle,Leipzig,Sachsen,private,,,,,,,", "kind"),
    5: ("Halle,vacant,Leipzig,Sachsen,private,,,viel,,,,", "usable_area"),
    6: ("Kiosk,vacant,Leipzig,Sachsen,private,,,,,,spa,", "suitable_uses"),
}


def _client_for(client, world, role):
    if role != "anonymous":
        client.force_login(user_for(world, role))
    return client


def _csv_rows(content: str) -> dict[str, dict[str, str]]:
    return {row["title"]: row for row in csv.DictReader(io.StringIO(content))}


def _upload(content: bytes | str, name: str = "objekte.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _error_cells(html: str) -> list[tuple[str, str]]:
    """(row, column) of each line of the import's error table."""
    return re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td>', html)


# --- export -----------------------------------------------------------------------------------

EXACT_FOR = {"member", "editor", "coordinator", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_csv_export_shows_the_exact_location_only_to_permitted_roles(client, world, props, role):
    response = _client_for(client, world, role).get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    content = response.content.decode("utf-8")
    assert not content.startswith("\ufeff")
    row = _csv_rows(content)["Verschwiegene Villa"]
    exact = role in EXACT_FOR
    assert row["location_exact"] == ("true" if exact else "false")
    assert (str(SECRET_LAT) in content) is exact
    assert (str(SECRET_LON) in content) is exact
    assert (SECRET_STREET in content) is exact
    assert row["public_lat"] == str(props["sensitive"].public_lat)
    assert row["public_lat"] != str(SECRET_LAT)
    # A property that is not sensitive shows its exact position to everyone.
    assert _csv_rows(content)["Offenes Kaufhaus"]["location_exact"] == "true"


@pytest.mark.parametrize("role", ROLES)
def test_geojson_export_shows_the_exact_point_only_to_permitted_roles(client, world, props, role):
    response = _client_for(client, world, role).get(GEOJSON_URL)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    feature = next(
        f for f in collection["features"] if f["properties"]["title"] == "Verschwiegene Villa"
    )
    exact = role in EXACT_FOR
    sensitive = props["sensitive"]
    expected = [SECRET_LON, SECRET_LAT] if exact else [sensitive.public_lon, sensitive.public_lat]
    assert feature["geometry"] == {"type": "Point", "coordinates": expected}
    assert feature["properties"]["location_exact"] is exact
    text = response.content.decode()
    assert (str(SECRET_LAT) in text) is exact
    assert (SECRET_STREET in text) is exact


@pytest.mark.parametrize("role", ROLES)
def test_export_lists_the_same_properties_as_the_list(client, world, props, role):
    client = _client_for(client, world, role)
    listed = set(client.get("/objekte/").context["page"].paginator.object_list)

    exported = _csv_rows(client.get(CSV_URL).content.decode())

    assert set(exported) == {prop.title for prop in listed}
    assert "Gemeldete Scheune" not in exported
    assert "Abgelehnte Halle" not in exported


def test_export_applies_the_list_filters(client, world, props):
    make_property(title="Brache am Fluss", kind="brownfield", city="Dresden", usable_area=800)
    make_property(title="Kleine Brache", kind="brownfield", city="Dresden", usable_area=50)

    content = client.get(CSV_URL, {"kind": "brownfield", "area_min": "100"}).content.decode()
    geojson = json.loads(client.get(GEOJSON_URL, {"kind": "brownfield", "area_min": "100"}).content)

    assert set(_csv_rows(content)) == {"Brache am Fluss"}
    assert [f["properties"]["title"] for f in geojson["features"]] == ["Brache am Fluss"]


def test_export_needs_a_fixed_number_of_queries(
    client, world, props, django_assert_max_num_queries
):
    for number in range(10):
        make_property(
            title=f"Sensibel {number}", owner_organisation=world.organisation, is_sensitive=True
        )
        make_property(
            title=f"Fremd sensibel {number}",
            owner_organisation=world.other_organisation,
            is_sensitive=True,
        )
    client.force_login(world.member)

    with django_assert_max_num_queries(8):
        client.get(CSV_URL)
    with django_assert_max_num_queries(8):
        client.get(GEOJSON_URL)


def test_export_writes_uses_and_transfer_options_as_lists(world):
    make_property(
        title="Mehrzweckhalle",
        transfer_sale=True,
        transfer_interim=True,
        suitable_uses=["culture", "coworking"],
    )
    content = transfer.properties_export_csv(queryset=Property.objects.all(), user=AnonymousUser())

    row = _csv_rows(content)["Mehrzweckhalle"]
    assert row["transfer_options"] == "sale;interim"
    assert row["suitable_uses"] == "culture;coworking"
    assert next(csv.reader(io.StringIO(content))) == list(transfer.EXPORT_COLUMNS)


def test_csv_export_defuses_cells_a_spreadsheet_would_run_as_formulas(world):
    make_property(title='=HYPERLINK("http://example.com")', lat=-33.5, lon=-70.6)

    content = transfer.properties_export_csv(queryset=Property.objects.all(), user=AnonymousUser())

    row = next(csv.DictReader(io.StringIO(content)))
    assert row["title"] == '\'=HYPERLINK("http://example.com")'
    assert row["lat"] == "-33.5"


# --- import -----------------------------------------------------------------------------------


def test_import_of_a_valid_file_creates_the_properties_with_coordinates(client, world):
    client.force_login(world.editor)
    body = "\n".join([HEADER, *GOOD_ROWS]) + "\n"

    response = client.post(
        IMPORT_URL, {"organisation": world.organisation.pk, "file": _upload(body)}
    )

    assert response.status_code == 302
    school = Property.objects.get(title="Alte Schule")
    assert school.owner_organisation == world.organisation
    assert school.created_by == world.editor
    assert (school.lat, school.lon) == pytest.approx((51.34, 12.37), abs=0.01)
    assert school.public_lat == school.lat
    assert school.transfer_models == ["sale", "rent"]
    assert school.suitable_uses == ["education", "culture"]
    assert school.listed_building is True
    assert school.usable_area == 450
    store = Property.objects.get(title="Speicher")
    assert (store.lat, store.lon) == (51.1, 15.0)
    assert store.usable_area == 1200
    assert store.asking_price == Decimal("250000")
    assert store.listed_building is False


def test_import_with_three_bad_rows_imports_nothing_and_lists_each_error(client, world):
    client.force_login(world.editor)
    lines = [HEADER, GOOD_ROWS[0], BAD_ROWS[3][0], GOOD_ROWS[1], BAD_ROWS[5][0], BAD_ROWS[6][0]]

    response = client.post(
        IMPORT_URL,
        {"organisation": world.organisation.pk, "file": _upload("\n".join(lines))},
    )

    assert response.status_code == 200
    assert Property.objects.count() == 0
    errors = response.context["result"].errors
    assert [(e.row, e.field) for e in errors] == [
        (row, field) for row, (_line, field) in BAD_ROWS.items()
    ]
    assert all(e.message for e in errors)
    html = response.content.decode()
    assert "<caption>" in html
    assert _error_cells(html) == [(str(row), field) for row, (_line, field) in BAD_ROWS.items()]


def test_import_checks_the_model_rules_of_every_row(world):
    body = "\n".join(
        [
            "title,kind,city,state,owner_kind,lat,lon,year_built,postcode",
            "Zu alt,vacant,Leipzig,Sachsen,private,,,500,",
            "Kein Land,vacant,Leipzig,Bayernland,private,,,,",
            ",vacant,Leipzig,Sachsen,private,,,,",
            "Zu weit,vacant,Leipzig,Sachsen,private,95,12,,",
            "Halb,vacant,Leipzig,Sachsen,private,51,,,",
        ]
    )

    result = transfer.properties_import_csv(
        file=io.BytesIO(body.encode()), organisation=world.organisation, actor=world.editor
    )

    assert result.created == 0
    assert {(e.row, e.field) for e in result.errors} >= {
        (2, "year_built"),
        (3, "state"),
        (4, "title"),
    }
    assert (5, "lat") in {(e.row, e.field) for e in result.errors}
    assert (6, "lon") in {(e.row, e.field) for e in result.errors}
    assert Property.objects.count() == 0


def test_import_reports_missing_and_unknown_columns_in_row_one(world):
    result = transfer.properties_import_csv(
        file=io.BytesIO(b"title,kind,town\nA,vacant,Leipzig\n"),
        organisation=world.organisation,
        actor=world.editor,
    )

    assert {(e.row, e.field) for e in result.errors} == {
        (1, "city"),
        (1, "state"),
        (1, "owner_kind"),
        (1, "town"),
    }


def test_import_accepts_semicolons_and_a_byte_order_mark(world):
    body = "\ufefftitle;kind;city;state;owner_kind;lat;lon\nHof;vacant;Leipzig;Sachsen;x;51,3;12,4"

    result = transfer.properties_import_csv(
        file=io.BytesIO(body.encode()), organisation=world.organisation, actor=world.editor
    )

    assert [(e.row, e.field) for e in result.errors] == [(2, "owner_kind")]
    fixed = io.BytesIO(body.replace(";x;", ";private;").encode())

    result = transfer.properties_import_csv(
        file=fixed, organisation=world.organisation, actor=world.editor
    )

    assert result.errors == []
    assert result.created == 1
    assert Property.objects.get().lat == 51.3


def test_an_export_can_be_imported_again(world, props):
    exported = transfer.properties_export_csv(
        queryset=Property.objects.filter(pk=props["published"].pk), user=world.admin
    )

    result = transfer.properties_import_csv(
        file=io.BytesIO(exported.encode()), organisation=world.organisation, actor=world.admin
    )

    assert result.errors == []
    assert Property.objects.filter(title="Offenes Kaufhaus").count() == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "title,kind,city,state,owner_kind\nHof,vacant,Göttingen,Niedersachsen,private".encode(
                "latin-1"
            ),
            "UTF-8",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
        (b"title,kind\x00,city\n", "CSV"),
        (b"", "CSV"),
        (b"title,kind,city,state,owner_kind\n", "Kopfzeile"),
    ],
    ids=["latin-1", "png", "nul", "empty", "header-only"],
)
def test_import_of_an_unreadable_file_gives_a_clear_error(client, world, content, words):
    client.force_login(world.editor)

    response = client.post(
        IMPORT_URL, {"organisation": world.organisation.pk, "file": _upload(content)}
    )

    assert response.status_code == 200
    if content:
        errors = response.context["result"].errors
        assert len(errors) == 1
        assert errors[0].row == 0
        assert words in errors[0].message
    else:
        assert response.context["form"].errors  # Django rejects an empty upload itself
    assert Property.objects.count() == 0


def test_import_of_too_many_rows_is_refused(world):
    line = "Halle,vacant,Leipzig,Sachsen,private\n"
    body = "title,kind,city,state,owner_kind\n" + line * (transfer.MAX_IMPORT_ROWS + 1)

    result = transfer.properties_import_csv(
        file=io.BytesIO(body.encode()), organisation=world.organisation, actor=world.editor
    )

    assert result.created == 0
    assert [(e.row, e.field) for e in result.errors] == [(0, "")]
    assert str(transfer.MAX_IMPORT_ROWS) in result.errors[0].message
    assert Property.objects.count() == 0


def test_import_of_a_file_over_five_megabytes_is_refused(world):
    body = b"title,kind,city,state,owner_kind\n" + b"x" * transfer.MAX_IMPORT_BYTES

    result = transfer.properties_import_csv(
        file=io.BytesIO(body), organisation=world.organisation, actor=world.editor
    )

    assert [(e.row, e.field) for e in result.errors] == [(0, "")]
    assert "5 MB" in result.errors[0].message


def test_import_of_exactly_the_row_limit_is_accepted(world):
    line = "Halle,vacant,Leipzig,Sachsen,private,51.3,12.4\n"
    body = "title,kind,city,state,owner_kind,lat,lon\n" + line * transfer.MAX_IMPORT_ROWS

    result = transfer.properties_import_csv(
        file=io.BytesIO(body.encode()), organisation=world.organisation, actor=world.editor
    )

    assert result.errors == []
    assert Property.objects.count() == transfer.MAX_IMPORT_ROWS


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 403),
        ("other_coordinator", 200),
        ("editor", 200),
        ("coordinator", 200),
        ("admin", 200),
    ],
)
def test_import_page_is_for_those_who_may_register_properties(client, world, role, status):
    response = _client_for(client, world, role).get(IMPORT_URL)

    assert response.status_code == status
    if status == 302:
        assert "/anmelden" in response["Location"] or "login" in response["Location"]
    if status == 200:
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        for name in transfer.IMPORT_COLUMNS:
            assert f"<code>{name}</code>" in html


def test_import_for_an_organisation_the_user_may_not_add_to_is_refused(client, world):
    client.force_login(world.editor)
    body = "\n".join([HEADER, GOOD_ROWS[0]])

    response = client.post(
        IMPORT_URL, {"organisation": world.other_organisation.pk, "file": _upload(body)}
    )

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert Property.objects.count() == 0


def test_import_service_checks_the_permission(world):
    with pytest.raises(PermissionDenied):
        transfer.properties_import_csv(
            file=io.BytesIO(b"title\n"), organisation=world.organisation, actor=world.outsider
        )


def test_import_page_documents_the_columns_and_exports_are_linked_from_the_list(client, world):
    client.force_login(world.editor)

    html = client.get("/objekte/").content.decode()

    assert CSV_URL in html
    assert GEOJSON_URL in html
    assert IMPORT_URL in html


# --- management commands ----------------------------------------------------------------------


def test_export_command_writes_public_csv_and_geojson(world, props, tmp_path):
    out = io.StringIO()
    call_command("exportproperties", "--format", "csv", stdout=out)
    public = out.getvalue()
    target = tmp_path / "objekte.geojson"
    call_command("exportproperties", "--format", "geojson", "--output", str(target))
    collection = json.loads(target.read_text(encoding="utf-8"))
    out = io.StringIO()
    call_command("exportproperties", "--user", world.coordinator.email, stdout=out)

    assert "Verschwiegene Villa" in public
    assert str(SECRET_LAT) not in public
    assert "Entwurf Bahnhof" not in public
    assert str(SECRET_LAT) not in target.read_text(encoding="utf-8")
    assert {f["properties"]["title"] for f in collection["features"]} == set(_csv_rows(public))
    assert str(SECRET_LAT) in out.getvalue()
    assert "Entwurf Bahnhof" in out.getvalue()


def test_import_command_imports_a_valid_file(world, tmp_path):
    path = tmp_path / "objekte.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS]), encoding="utf-8")
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


def test_import_command_lists_errors_and_imports_nothing(world, tmp_path):
    path = tmp_path / "objekte.csv"
    path.write_text("\n".join([HEADER, GOOD_ROWS[0], BAD_ROWS[3][0]]), encoding="utf-8")
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

    assert "row 3, kind" in err.getvalue()
    assert Property.objects.count() == 0


def test_import_command_refuses_an_actor_without_permission(world, tmp_path):
    path = tmp_path / "objekte.csv"
    path.write_text("\n".join([HEADER, GOOD_ROWS[0]]), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command(
            "importproperties",
            str(path),
            "--organisation",
            world.organisation.slug,
            "--actor",
            world.outsider.email,
        )
    assert Property.objects.count() == 0
