"""factory-boy factories for the domain models; every test builds its own data with them."""

import factory
from django.utils import timezone

from allmende.accounts.models import User
from allmende.networks.models import (
    Coordinator,
    Membership,
    MembershipApplication,
    MembershipKind,
    Network,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    OrganisationRoleKind,
    WorkingGroup,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Testperson {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Initiative Nummer {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    kind = OrganisationKind.INITIATIVE
    city = "Leipzig"
    state = "Sachsen"
    lat = 51.3397
    lon = 12.3731


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netzwerk {n}")
    slug = factory.Sequence(lambda n: f"netzwerk-{n}")
    description = "Ein Netzwerk für Tests."
    coordination_office = factory.SubFactory(OrganisationFactory)
    contact_email = "kontakt@netzwerk.example.org"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    kind = MembershipKind.MEMBER


class OrganisationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRole

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationRoleKind.EDITOR


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator

    user = factory.SubFactory(UserFactory)
    network = factory.SubFactory(NetworkFactory)


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication

    network = factory.SubFactory(NetworkFactory)
    org_name = factory.Sequence(lambda n: f"Stadt Beispielhausen {n}")
    org_kind = OrganisationKind.MUNICIPALITY
    org_city = "Angermünde"
    org_state = "Brandenburg"
    contact_name = "Erika Beispiel"
    contact_email = factory.Sequence(lambda n: f"bewerbung{n}@example.org")
    stance = "Gemeinwohl vor Höchstpreis."
    motivation = "Wir wollen lernen."
    expectations = "Austausch."
    privacy_consent_at = factory.LazyFunction(timezone.now)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"AG {n}")
    slug = factory.Sequence(lambda n: f"ag-{n}")
