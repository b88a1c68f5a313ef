from django import forms
from django.utils.translation import gettext_lazy as _

from allmende.accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Label"), max_length=100,
        help_text=_("What you use the token for, e.g. “map import script”."),
    )
