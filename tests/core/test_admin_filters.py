"""Admin list filters name the blank value: Django renders it as a link without text."""

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from astn.core.admin_filters import BlankNamedValuesFilter
from tests.factories.orgs import OrganizationFactory


def _plain_blank_text_filters():
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            if not isinstance(entry, str) or "__" in entry:
                continue
            field = model._meta.get_field(entry)
            if isinstance(field, models.CharField) and field.blank and not field.choices:
                yield f"{model._meta.label}.{entry}"


def test_every_blank_text_column_filtered_in_the_admin_names_its_blank_value():
    assert list(_plain_blank_text_filters()) == [], (
        "use (name, BlankNamedValuesFilter) in list_filter for these"
    )


@pytest.mark.django_db
def test_the_organisation_list_names_orgs_without_a_city(client, django_user_model):
    staff = django_user_model.objects.create_superuser(email="s@example.org", password="x-pass-42")
    client.force_login(staff)
    OrganizationFactory(city="")
    OrganizationFactory(city="Berlin")
    html = client.get(reverse("admin:orgs_organization_changelist")).content.decode()
    assert f">{BlankNamedValuesFilter.BLANK}</a>" in html
    assert '?city="></a>' not in html
    assert ">Berlin</a>" in html
