"""Pages of the newsletter: sign-up, confirmation and unsubscription for everyone (no login),
and the coordinators' pages to write, preview, test, send and follow an issue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from allmende.core.forms import form_add_service_errors
from allmende.core.markdown import render_markdown
from allmende.networks.models import Network
from allmende.newsletter import selectors, services, tokens
from allmende.newsletter.forms import IssueForm, SubscribeForm
from allmende.newsletter.models import IssueStatus, NewsletterIssue, Subscriber

SUBSCRIBE_RATE = "10/h"
SAVED = gettext_lazy("The issue was saved. Check the preview before you send it.")


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _network(slug: str) -> Network:
    return get_object_or_404(Network, slug=slug)


def _managed_network(request: HttpRequest, slug: str) -> Network:
    network = _network(slug)
    if not request.user.has_perm("newsletter.manage_newsletter", network):
        raise PermissionDenied
    return network


def _managed_issue(request: HttpRequest, pk: int) -> NewsletterIssue:
    try:
        issue = selectors.issue_get(pk=pk)
    except NewsletterIssue.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm("newsletter.manage_newsletter", issue):
        raise PermissionDenied
    return issue


# --- Public pages ---------------------------------------------------------------------------


def network_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "newsletter/network_list.html",
        {
            "networks": selectors.network_list(),
            "managed": selectors.editable_networks(user=request.user),
        },
    )


@ratelimit(key="ip", rate=SUBSCRIBE_RATE, method="POST", block=True, group="newsletter-subscribe")
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(slug)
    form = SubscribeForm(request.POST or None, network_name=network.name)
    if request.method == "POST" and form.is_valid():
        services.subscriber_subscribe(
            network=network, email=form.cleaned_data["email"], ip=_ip(request)
        )
        # The same answer whether the address was new, pending or confirmed.
        return redirect("newsletter:subscribe_thanks", slug=network.slug)
    return render(request, "newsletter/subscribe.html", {"network": network, "form": form})


def subscribe_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "newsletter/subscribe_thanks.html", {"network": _network(slug)})


def _token_problem(
    request: HttpRequest, *, expired: bool, network: Network | None = None
) -> HttpResponse:
    return render(
        request,
        "newsletter/token_problem.html",
        {"expired": expired, "network": network},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what would be confirmed; only the POST of its button confirms, so that mail
    scanners that open links do not subscribe anybody."""
    try:
        subscriber_id = tokens.confirm_token_read(token)
    except tokens.TokenExpired as exc:
        network = Network.objects.filter(pk=exc.network_id).first() if exc.network_id else None
        return _token_problem(request, expired=True, network=network)
    except tokens.TokenInvalid:
        return _token_problem(request, expired=False)
    subscriber = Subscriber.objects.select_related("network").filter(pk=subscriber_id).first()
    if subscriber is None:
        # Deleted after 30 days without confirmation: the sign-up has to start again.
        return _token_problem(request, expired=True)
    result = None
    if request.method == "POST":
        subscriber, result = services.subscriber_confirm(
            subscriber_id=subscriber.pk, ip=_ip(request)
        )
    return render(
        request,
        "newsletter/confirm.html",
        {"subscriber": subscriber, "network": subscriber.network, "result": result},
    )


def _is_one_click(request: HttpRequest) -> bool:
    """An RFC 8058 one-click request: a POST whose whole body is
    ``List-Unsubscribe=One-Click`` (sent by the mail client, without a CSRF token)."""
    return (
        request.method == "POST"
        and list(request.POST.keys()) == ["List-Unsubscribe"]
        and request.POST.getlist("List-Unsubscribe") == ["One-Click"]
        and not request.FILES
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; its POST (with CSRF token) or a one-click POST from a mail client
    unsubscribes. CSRF is exempt only for the exact one-click body: it carries no session and
    can do nothing but unsubscribe the address the signed token names."""
    if request.method == "POST" and not _is_one_click(request):
        return csrf_protect(_unsubscribe)(request, token)
    return _unsubscribe(request, token)


def _unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        target = tokens.unsubscribe_token_read(token)
    except tokens.TokenInvalid:
        return _token_problem(request, expired=False)
    if target.subscriber_id is None:
        issue = NewsletterIssue.objects.filter(pk=target.test_issue_id or 0).first()
        return render(request, "newsletter/unsubscribe_test.html", {"issue": issue})
    subscriber = Subscriber.objects.select_related("network").filter(pk=target.subscriber_id)
    found = subscriber.first()
    if found is None:
        return render(request, "newsletter/unsubscribe.html", {"subscriber": None, "done": True})
    done = False
    if request.method == "POST":
        found = services.subscriber_unsubscribe(subscriber_id=found.pk, ip=_ip(request))
        done = True
    return render(
        request,
        "newsletter/unsubscribe.html",
        {"subscriber": found, "network": found.network, "done": done},
    )


# --- Coordinators' pages --------------------------------------------------------------------


@login_required
def issue_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = _managed_network(request, slug)
    paginator = Paginator(selectors.issue_list(network=network), 25)
    return render(
        request,
        "newsletter/issue_list.html",
        {
            "network": network,
            "page_obj": paginator.get_page(request.GET.get("page")),
            "subscribers": selectors.subscriber_counts(network=network),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = _managed_network(request, slug)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(network=network, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("newsletter:issue_preview", pk=issue.pk)
    return render(
        request, "newsletter/issue_form.html", {"network": network, "form": form, "issue": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    if issue.status != IssueStatus.DRAFT:
        return redirect("newsletter:issue_preview", pk=issue.pk)
    form = IssueForm(request.POST or None, instance=NewsletterIssue.objects.get(pk=issue.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_update(issue=issue, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("newsletter:issue_preview", pk=issue.pk)
    return render(
        request,
        "newsletter/issue_form.html",
        {"network": issue.network, "form": form, "issue": issue},
    )


@login_required
def issue_preview(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    unsubscribe_url = reverse(
        "newsletter:unsubscribe",
        kwargs={"token": tokens.test_unsubscribe_token(issue_id=issue.pk)},
    )
    return render(
        request,
        "newsletter/issue_preview.html",
        {
            "issue": issue,
            "network": issue.network,
            "body_html": render_markdown(issue.body),
            "sections": selectors.issue_sections(issue=issue),
            "unsubscribe_url": unsubscribe_url,
            "recipients": selectors.confirmed_subscribers(network=issue.network).count(),
        },
    )


@login_required
@require_POST
def issue_test_send(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    try:
        address = services.issue_send_test(issue=issue, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A test mail is on its way to %(email)s.") % {"email": address})
    return redirect("newsletter:issue_preview", pk=issue.pk)


@login_required
@require_POST
def issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    try:
        count = services.issue_send(issue=issue, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("newsletter:issue_preview", pk=issue.pk)
    if count:
        messages.success(
            request,
            ngettext(
                "The issue is being sent to %(count)s subscriber.",
                "The issue is being sent to %(count)s subscribers.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.warning(request, _("There are no confirmed subscribers yet."))
    return redirect("newsletter:issue_log", pk=issue.pk)


@login_required
def issue_log(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _managed_issue(request, pk)
    paginator = Paginator(selectors.delivery_list(issue=issue), 50)
    return render(
        request,
        "newsletter/issue_log.html",
        {
            "issue": issue,
            "network": issue.network,
            "counts": selectors.delivery_counts(issue=issue),
            "page_obj": paginator.get_page(request.GET.get("page")),
        },
    )
