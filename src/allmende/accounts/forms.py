from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from allmende.accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Label"),
        max_length=100,
        help_text=_("What you use the token for, e.g. “map import script”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The account page shows this form next to the profile form, which also has a "name"
        # field: its own ids keep the label and error links pointing at the right input.
        kwargs.setdefault("auto_id", "id_token_%s")
        super().__init__(*args, **kwargs)
