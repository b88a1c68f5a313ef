"""Service errors reach the form: at the fields they name, the rest in the summary."""

from django import forms
from django.core.exceptions import ValidationError

from allmende.core.forms import form_add_service_errors


class _Form(forms.Form):
    title = forms.CharField()


def test_errors_of_known_fields_stand_at_the_field_and_others_in_the_summary():
    form = _Form({"title": "Leerstand"})
    assert form.is_valid()

    form_add_service_errors(
        form, ValidationError({"title": "Schon vergeben.", "network": "Nicht erlaubt."})
    )

    assert form.errors["title"] == ["Schon vergeben."]
    assert form.non_field_errors() == ["Nicht erlaubt."]


def test_an_error_without_field_goes_to_the_summary():
    form = _Form({"title": "Leerstand"})
    assert form.is_valid()

    form_add_service_errors(form, ValidationError(["Erst veröffentlichen.", "Und prüfen."]))

    assert form.non_field_errors() == ["Erst veröffentlichen.", "Und prüfen."]
