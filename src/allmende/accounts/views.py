"""Login, logout, password reset and the account page with personal API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from allmende.accounts import services
from allmende.accounts.forms import ApiTokenForm, ProfileForm
from allmende.accounts.models import ApiToken, User
from allmende.networks import selectors as network_selectors


@method_decorator(
    ratelimit(key="post:username", rate="10/15m", method="POST", block=True), name="post"
)
@method_decorator(ratelimit(key="ip", rate="30/15m", method="POST", block=True), name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(ratelimit(key="ip", rate="5/h", method="POST", block=True), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    profile_form = ProfileForm(
        request.POST if request.POST.get("form") == "profile" else None, instance=user
    )
    token_form = ApiTokenForm(request.POST if request.POST.get("form") == "token" else None)
    new_token = ""
    if request.method == "POST":
        if request.POST.get("form") == "profile" and profile_form.is_valid():
            profile_form.save()
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:account")
        if request.POST.get("form") == "token" and token_form.is_valid():
            _token, new_token = services.api_token_create(
                user=user, name=token_form.cleaned_data["name"]
            )
            token_form = ApiTokenForm()
    roles = user.organisation_roles.select_related("organisation").order_by("organisation__name")
    return render(
        request,
        "accounts/account.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": user.api_tokens.all(),
            "roles": roles,
            "coordinated": network_selectors.networks_coordinated_by(user=user),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = ApiToken.objects.filter(pk=pk, user=user).first()
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, actor=user)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:account")
