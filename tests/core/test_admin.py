"""Every model in the operators' admin opens: its list, its add form, and the change form of
an existing object (the world fixture's network and organisation stand in for all)."""

import pytest
from django.contrib import admin
from django.urls import reverse

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_admin_list_and_add_pages_open_for_the_operator(client, world, app_label, model_name):
    client.force_login(world.admin)

    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))

    assert changelist.status_code == 200
    assert add.status_code in (200, 403)  # 403: models that only the code may create


@pytest.mark.parametrize("attribute", ["network", "organisation"])
def test_admin_change_page_shows_an_existing_object(client, world, attribute):
    obj = getattr(world, attribute)
    client.force_login(world.admin)

    response = client.get(
        reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    )

    assert response.status_code == 200
    assert obj.name in response.content.decode()


def test_admin_refuses_people_who_are_not_staff(client, world):
    client.force_login(world.coordinator)

    response = client.get(reverse("admin:networks_network_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
