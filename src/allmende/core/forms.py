"""Form helpers shared by the apps."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BLANK_LABEL = _("– please choose –")


class GermanBlankChoiceMixin:
    """Give every single-choice select an empty option with our own translated label instead
    of Django's default text (model choice fields set ``empty_label`` themselves)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.MultipleChoiceField | forms.ModelChoiceField
            ):
                choices = list(field.choices)  # type: ignore[arg-type]
                if choices and choices[0][0] == "":
                    field.choices = [("", BLANK_LABEL), *choices[1:]]


def form_add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` next to the form's fields it names; errors of other
    or no fields go to the form's summary (non-field errors)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
