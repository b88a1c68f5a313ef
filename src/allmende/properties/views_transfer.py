"""Pages for the import and export of properties (CSV, GeoJSON)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from allmende.networks.models import Organisation
from allmende.properties import selectors, transfer, transfer_geojson
from allmende.properties.forms import PropertyFilterForm
from allmende.properties.models import Property


class PropertyImportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Owner organisation"), queryset=Organisation.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("CSV or GeoJSON file"),
        help_text=gettext_lazy(
            "CSV: UTF-8, comma- or semicolon-separated. GeoJSON (.geojson or .json): a "
            "FeatureCollection with the columns as properties and a Point per feature. At most "
            "5 MB and 5000 rows or features."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,text/csv,.geojson,.json,application/geo+json"}
        ),
    )

    def __init__(self, *args: object, organisations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


def _export_queryset(request: HttpRequest) -> QuerySet[Property]:
    """The list's properties with the list's filters from the query string."""
    form = PropertyFilterForm(request.GET or None)
    filters = selectors.PropertyFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PropertyFilters(
            kind=data["kind"],
            status=data["status"],
            state=data["state"],
            town=data["town"].strip(),
            area_min=data["area_min"],
            area_max=data["area_max"],
            transfer=data["transfer"],
            use=data["use"],
        )
    return selectors.property_list(filters=filters, user=request.user)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    content = transfer.properties_export_csv(queryset=_export_queryset(request), user=request.user)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="objekte.csv"'
    return response


@require_GET
def export_geojson(request: HttpRequest) -> HttpResponse:
    collection = transfer.properties_export_geojson(
        queryset=_export_queryset(request), user=request.user
    )
    response = HttpResponse(
        json.dumps(collection, ensure_ascii=False), content_type="application/geo+json"
    )
    response["Content-Disposition"] = 'attachment; filename="objekte.geojson"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_for_new_property(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = PropertyImportForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = transfer_geojson.properties_import(
            file=upload,
            name=upload.name or "",
            organisation=form.cleaned_data["organisation"],
            actor=request.user,
        )
        if result.ok:
            messages.success(
                request,
                ngettext(
                    "%(count)s property has been imported.",
                    "%(count)s properties have been imported.",
                    result.created,
                )
                % {"count": result.created},
            )
            return redirect("properties:property_list")
    return render(
        request,
        "properties/import.html",
        {
            "form": form,
            "result": result,
            "columns": transfer.import_column_help(),
            "max_rows": transfer.MAX_IMPORT_ROWS,
        },
    )
