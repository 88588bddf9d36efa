"""The Django admin under hostile query strings and form values (`astn.core.admin_site`,
`astn.core.admin`): each case was a 500 found by `make fuzz --as staff`."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db.models import JSONField
from django.test import Client, RequestFactory
from django_celery_beat.models import CrontabSchedule

from tests.factories.accounts import UserFactory
from tests.factories.communities import ParticipantFactory
from tests.factories.orgs import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("value", ["", "%00"])
@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_is_the_primary_key(staff_client, value, page):
    """Django skips its field check for an empty `_to_field`, then looks up a field named
    "" (a NUL becomes "" in `DropNulFromQueryMiddleware`)."""
    site = Site.objects.get()
    response = staff_client.get(f"/admin/sites/site/{site.pk}/{page}/?_to_field={value}")
    assert response.status_code == 200
    assert site.domain in response.content.decode()
    assert Site.objects.filter(pk=site.pk).exists()  # the delete page only asks


def test_an_empty_to_field_in_a_post_saves_by_primary_key(staff_client):
    site = Site.objects.get()
    response = staff_client.post(
        f"/admin/sites/site/{site.pk}/change/",
        {"domain": "fuzz.example", "name": "Fuzz", "_to_field": ""},
    )
    assert response.status_code == 302
    assert Site.objects.get(pk=site.pk).domain == "fuzz.example"


def test_a_named_to_field_is_still_checked(staff_client):
    site = Site.objects.get()
    assert staff_client.get(f"/admin/sites/site/{site.pk}/change/?_to_field=x").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "created_at__year=99999999999999999999",
        "created_at__year=2026&created_at__month=99999999999999999999",
        "created_at__year=2026&created_at__month=1&created_at__day=-99999999999999999999",
        "created_at__year=0",
    ],
)
def test_a_date_hierarchy_past_any_date_is_incorrect_lookup_parameters(staff_client, query):
    """Django caught the ValueError of an impossible date but not the OverflowError of a
    number too big for a C long."""
    response = staff_client.get(f"/admin/orgs/organization/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/orgs/organization/?e=1"


def test_a_good_date_hierarchy_still_filters(staff_client):
    org = OrganizationFactory()
    response = staff_client.get(
        f"/admin/orgs/organization/?created_at__year={org.created_at.year}"
        f"&created_at__month={org.created_at.month}"
    )
    assert response.status_code == 200
    assert org.name in response.content.decode()


def test_a_crontab_celery_cannot_read_is_refused_without_a_500(staff_client):
    fields = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
    response = staff_client.post(
        "/admin/django_celery_beat/crontabschedule/add/",
        {**dict.fromkeys(fields, "-1"), "timezone": "UTC"},
    )
    assert response.status_code == 200
    assert "Please correct the error" in response.content.decode()
    assert not CrontabSchedule.objects.filter(minute="-1").exists()


def test_the_crontab_list_shows_a_crontab_celery_cannot_read(staff_client):
    CrontabSchedule.objects.create(minute="-1", hour="*", timezone="UTC")
    response = staff_client.get("/admin/django_celery_beat/crontabschedule/")
    assert response.status_code == 200
    assert "not a schedule Celery can read" in response.content.decode()


def test_the_admin_says_whose_it_is(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert "ASTN administration" in page
    assert "Users and profiles" in page  # ours, apart from allauth's "Accounts"


def _not_null_json_fields():
    """(model admin, form field name) for every NOT NULL JSON field a change form edits."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request)
        for field in model._meta.get_fields():
            if isinstance(field, JSONField) and not field.null and field.name in form.base_fields:
                yield model_admin, form.base_fields[field.name], field


def test_every_not_null_json_box_reads_empty_as_its_default_and_refuses_null():
    """Django's form field reads an emptied JSON box as None: a 500 on a NOT NULL column."""
    checked = []
    for model_admin, form_field, field in _not_null_json_fields():
        where = f"{model_admin}.{field.name}"
        if form_field.required:  # blank=False: empty is "This field is required."
            with pytest.raises(ValidationError):
                form_field.clean("")
        else:
            assert form_field.clean("") == field.get_default(), where
        with pytest.raises(ValidationError):
            form_field.clean("null")
        assert form_field.clean('{"a": 1}') == {"a": 1}, where
        checked.append(where)
    assert "communities.RoundParticipantAdmin.answers" in checked, checked


def test_a_participants_emptied_answers_save_as_empty(staff_client):
    """Found by posting the Django admin's change forms with their own values."""
    participant = ParticipantFactory()
    url = f"/admin/communities/roundparticipant/{participant.pk}/change/"
    response = staff_client.post(url, {
        "round": participant.round_id, "member": participant.member_id,
        "answers": "", "availability": "null", "embedding_backend": "",
        "created_at_0": "2026-11-30", "created_at_1": "10:00:00",
    })  # fmt: skip
    assert response.status_code == 200  # the typed null is refused, named on its field
    assert "Enter JSON other than null." in response.content.decode()

    response = staff_client.post(url, {
        "round": participant.round_id, "member": participant.member_id,
        "answers": "", "availability": "", "embedding_backend": "",
        "created_at_0": "2026-11-30", "created_at_1": "10:00:00",
    })  # fmt: skip
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.answers, participant.availability) == ({}, {})
