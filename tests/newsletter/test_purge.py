"""Retention: ``allmende purge`` deletes unconfirmed sign-ups after 30 days and anonymises
event registrations a configurable time after the event."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from allmende.events.models import Registration
from allmende.newsletter import services
from allmende.newsletter.models import ConsentAction, ConsentRecord, Subscriber, SubscriberStatus
from tests.events.factories import EventFactory, RegistrationFactory
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _ago(days, hours=0):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def subscribers(world):
    old_pending = SubscriberFactory(
        network=world.network, status=SubscriberStatus.PENDING, created_at=_ago(31)
    )
    young_pending = SubscriberFactory(
        network=world.network, status=SubscriberStatus.PENDING, created_at=_ago(29, 23)
    )
    old_confirmed = SubscriberFactory(network=world.network, created_at=_ago(200))
    old_unsubscribed = SubscriberFactory(
        network=world.network, status=SubscriberStatus.UNSUBSCRIBED, created_at=_ago(200)
    )
    for subscriber in (old_pending, young_pending, old_confirmed, old_unsubscribed):
        ConsentRecord.objects.create(
            subscriber=subscriber, action=ConsentAction.SUBSCRIBE, text_version="2026-12"
        )
    return old_pending, young_pending, old_confirmed, old_unsubscribed


@pytest.fixture
def registrations(world, settings):
    settings.EVENT_REGISTRATION_RETENTION_DAYS = 90
    long_ago = EventFactory(network=world.network, starts_at=_ago(95), ends_at=_ago(91))
    recent = EventFactory(network=world.network, starts_at=_ago(92), ends_at=_ago(89))
    old = RegistrationFactory(
        event=long_ago, name="Ada Alt", organisation="Verein", user=world.member
    )
    kept = RegistrationFactory(event=recent, name="Berta Neu", organisation="Stadt")
    return old, kept


def test_purge_deletes_only_pending_sign_ups_older_than_30_days(subscribers):
    _old_pending, young_pending, old_confirmed, old_unsubscribed = subscribers
    assert services.purge_pending_subscribers() == 1
    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {young_pending.pk, old_confirmed.pk, old_unsubscribed.pk}
    # Their consent records go with them; the others keep theirs as proof.
    assert set(ConsentRecord.objects.values_list("subscriber_id", flat=True)) == remaining


def test_purge_anonymises_registrations_after_the_retention_time(registrations, world):
    old, kept = registrations
    assert services.purge_event_registrations() == 1
    old.refresh_from_db()
    assert old.name == ""
    assert old.organisation == ""
    assert old.user is None
    assert old.email == f"anonymised-{old.pk}@invalid"
    assert old.anonymised_at is not None
    assert old.status == "confirmed"  # kept for the attendance figures
    kept.refresh_from_db()
    assert (kept.name, kept.organisation, kept.anonymised_at) == ("Berta Neu", "Stadt", None)
    # Anonymised ones are not counted again.
    assert services.purge_event_registrations() == 0


def test_retention_time_is_a_setting(registrations, settings):
    settings.EVENT_REGISTRATION_RETENTION_DAYS = 30
    assert services.purge_event_registrations() == 2


def test_purge_command_prints_what_it_removed(subscribers, registrations, capsys):
    call_command("purge")
    out = capsys.readouterr().out
    assert "1 unconfirmed newsletter sign-ups were deleted" in out
    assert "1 event registrations were anonymised" in out
    assert Subscriber.objects.count() == 3
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 1


def test_purge_dry_run_changes_nothing(subscribers, registrations, capsys):
    call_command("purge", "--dry-run")
    out = capsys.readouterr().out
    assert "1 unconfirmed newsletter sign-ups would be deleted" in out
    assert "1 event registrations would be anonymised" in out
    assert "Dry run" in out
    assert Subscriber.objects.count() == 4
    assert not Registration.objects.filter(anonymised_at__isnull=False).exists()
