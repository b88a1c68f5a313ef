"""The coordinators' pages: who may see them (every role of the world fixture and anonymous
visitors), writing and editing issues with errors at the fields, the sanitised preview, and
bounded query counts on the issue list and the delivery log."""

import pytest
from django.urls import reverse

from allmende.newsletter.models import Delivery, DeliveryStatus, IssueStatus, NewsletterIssue
from tests.conftest import ROLES, user_for
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

ALLOWED = {"coordinator", "admin"}


def _pages(world, issue):
    return [
        reverse("newsletter:issue_list", kwargs={"slug": world.network.slug}),
        reverse("newsletter:issue_create", kwargs={"slug": world.network.slug}),
        reverse("newsletter:issue_edit", kwargs={"pk": issue.pk}),
        reverse("newsletter:issue_preview", kwargs={"pk": issue.pk}),
        reverse("newsletter:issue_log", kwargs={"pk": issue.pk}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_coordinator_pages_are_for_the_networks_coordinators_and_admins(world, client, role):
    issue = IssueFactory(network=world.network)
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)
    for url in _pages(world, issue):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
            assert "/konto/anmelden/" in response["Location"]
        elif role in ALLOWED:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_and_admins_can_send_or_test(world, client, committed, role):
    SubscriberFactory(network=world.network)
    issue = IssueFactory(network=world.network)
    user = user_for(world, role)
    if user.is_authenticated:
        client.force_login(user)
    with committed():
        test = client.post(reverse("newsletter:issue_test_send", kwargs={"pk": issue.pk}))
        send = client.post(reverse("newsletter:issue_send", kwargs={"pk": issue.pk}))
    issue.refresh_from_db()
    if role in ALLOWED:
        assert (test.status_code, send.status_code) == (302, 302)
        assert issue.status == IssueStatus.SENT
    else:
        assert test.status_code in (302, 403)
        assert send.status_code in (302, 403)
        if role != "anonymous":
            assert (test.status_code, send.status_code) == (403, 403)
        assert issue.status == IssueStatus.DRAFT
        assert not Delivery.objects.exists()


def test_unknown_issue_is_404(world, client):
    client.force_login(world.admin)
    assert client.get(reverse("newsletter:issue_preview", kwargs={"pk": 999})).status_code == 404


def test_send_needs_post(world, client):
    issue = IssueFactory(network=world.network)
    client.force_login(world.coordinator)
    assert client.get(reverse("newsletter:issue_send", kwargs={"pk": issue.pk})).status_code == 405


def test_coordinator_writes_an_issue_and_sees_the_preview(world, client):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("newsletter:issue_create", kwargs={"slug": world.network.slug}),
        {
            "subject": "Rundbrief Dezember",
            "body": "## Rückblick\n\nDas war ein **gutes** Jahr. <img src=x onerror=alert(1)>",
            "include_events": "on",
        },
    )
    issue = NewsletterIssue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:issue_preview", kwargs={"pk": issue.pk})
    assert issue.network == world.network
    assert issue.created_by == world.coordinator
    assert issue.include_events
    assert not issue.include_knowledge
    assert issue.status == IssueStatus.DRAFT

    preview = client.get(response["Location"]).content.decode()
    assert "<strong>gutes</strong>" in preview
    assert "<img" not in preview
    assert "onerror" not in preview.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "Testmail an mich senden" in preview


def test_issue_form_errors_are_shown_at_the_fields(world, client):
    client.force_login(world.coordinator)
    response = client.post(
        reverse("newsletter:issue_create", kwargs={"slug": world.network.slug}),
        {"subject": "", "body": "Text"},
    )
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert 'id="id_subject_error"' in content
    assert not NewsletterIssue.objects.exists()


def test_coordinator_edits_a_draft(world, client):
    issue = IssueFactory(network=world.network)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("newsletter:issue_edit", kwargs={"pk": issue.pk}),
        {"subject": "Neuer Betreff", "body": "Neuer Text", "include_knowledge": "on"},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.subject == "Neuer Betreff"
    assert issue.include_knowledge


def test_network_list_links_every_network_and_coordinators_see_their_issues(world, client):
    response = client.get(reverse("newsletter:network_list"))
    content = response.content.decode()
    for network in (world.network, world.other_network):
        assert reverse("newsletter:subscribe", kwargs={"slug": network.slug}) in content
    assert reverse("newsletter:issue_list", kwargs={"slug": world.network.slug}) not in content
    client.force_login(world.coordinator)
    content = client.get(reverse("newsletter:network_list")).content.decode()
    assert reverse("newsletter:issue_list", kwargs={"slug": world.network.slug}) in content
    assert reverse("newsletter:issue_list", kwargs={"slug": world.other_network.slug}) not in (
        content
    )


def test_footer_links_the_newsletter(db, client):
    content = client.get("/").content.decode()
    assert f'href="{reverse("newsletter:network_list")}"' in content


def _issues_with_deliveries(world, issues, per_issue):
    subscribers = SubscriberFactory.create_batch(per_issue, network=world.network)
    for _number in range(issues):
        issue = IssueFactory(network=world.network, status=IssueStatus.SENT)
        Delivery.objects.bulk_create(
            Delivery(issue=issue, subscriber=s, status=DeliveryStatus.SENT, attempts=1)
            for s in subscribers
        )
    return issue


@pytest.mark.parametrize("size", [(2, 2), (20, 10)])
def test_issue_list_needs_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries, size
):
    _issues_with_deliveries(world, *size)
    client.force_login(world.coordinator)
    url = reverse("newsletter:issue_list", kwargs={"slug": world.network.slug})
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    first = response.context["page_obj"][0]
    assert first.sent_count == size[1]


@pytest.mark.parametrize("per_issue", [3, 40])
def test_delivery_log_needs_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries, per_issue
):
    issue = _issues_with_deliveries(world, 1, per_issue)
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("newsletter:issue_log", kwargs={"pk": issue.pk}))
    assert response.status_code == 200
    assert response.context["counts"]["sent"] == per_issue
