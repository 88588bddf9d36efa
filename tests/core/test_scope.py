"""Org scope (astn/core/scope.py): an org-scoped query must name its org inside a scope."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.views import View

from astn.core.scope import ScopeError, current_scope, org_scope, scopes_disabled
from events.models import Event
from events.selectors import access_event_as_admin
from orgs.permissions import OrgAdminRequiredMixin
from tests.factories.events import EventFactory
from tests.factories.orgs import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs(org):
    other = OrganizationFactory()
    return org, EventFactory(org=org), other, EventFactory(org=other)


def test_outside_any_scope_nothing_is_checked(two_orgs):
    _org, mine, _other, theirs = two_orgs
    assert set(Event.objects.filter(pk__in=[mine.pk, theirs.pk])) == {mine, theirs}


def test_inside_a_scope_an_unscoped_query_raises_in_every_way_it_can_run(two_orgs):
    org, _mine, _other, theirs = two_orgs
    unscoped = Event.objects.filter(pk=theirs.pk)
    with org_scope(org.pk):
        for run in (
            list,
            lambda qs: qs.first(),
            lambda qs: qs.get(),
            lambda qs: qs.count(),
            lambda qs: qs.exists(),
            lambda qs: list(qs.iterator()),
            lambda qs: qs.aggregate(n=Count("pk")),
            lambda qs: qs.update(title="stolen"),
            lambda qs: qs.in_bulk(),
            lambda qs: qs.delete(),
            lambda qs: list(qs.values_list("pk", flat=True)),
        ):
            with pytest.raises(ScopeError, match="without its org"):
                run(unscoped)
    theirs.refresh_from_db()
    assert theirs.title != "stolen"


def test_inside_a_scope_another_orgs_rows_are_refused(two_orgs):
    org, _mine, other, _theirs = two_orgs
    with org_scope(org.pk), pytest.raises(ScopeError, match="for org"):
        list(Event.objects.for_org(other))


def test_every_way_of_naming_the_org_passes(two_orgs):
    org, mine, _other, theirs = two_orgs
    with org_scope(org.pk):
        assert Event.objects.for_org(org).get(pk=mine.pk) == mine
        assert Event.objects.filter(org_id=org.pk, pk=mine.pk).exists()
        assert Event.objects.filter(org__id=org.pk).count() == 1
        assert Event.objects.filter(org__in=[org]).count() == 1
        assert list(org.events.all()) == [mine]
        # The scope is not fooled by an OR: the org must be AND-ed in.
        assert Event.objects.for_org(org).filter(pk=theirs.pk).first() is None
        assert list(Event.objects.none()) == []


def test_an_or_with_the_org_does_not_count_as_scoped(two_orgs):
    from django.db.models import Q

    org, _mine, _other, theirs = two_orgs
    with org_scope(org.pk), pytest.raises(ScopeError):
        list(Event.objects.filter(Q(org=org) | Q(pk=theirs.pk)))


def test_crossing_orgs_on_purpose_is_said_where_it_happens(two_orgs):
    org, mine, _other, theirs = two_orgs
    with org_scope(org.pk):
        assert Event.objects.cross_org().filter(pk__in=[mine.pk, theirs.pk]).count() == 2
        with scopes_disabled():
            assert Event.objects.filter(pk=theirs.pk).exists()
        # ... and the scope is back after the block.
        with pytest.raises(ScopeError):
            Event.objects.filter(pk=theirs.pk).exists()
    assert current_scope() is None


def test_a_scope_that_does_not_enforce_records_the_org_only(two_orgs):
    org, _mine, _other, theirs = two_orgs
    with org_scope(org.pk, enforce=False):
        assert Event.objects.filter(pk=theirs.pk).exists()


# --- the org-owned code path: an org-admin view -------------------------------------

SNEAKY = "sneaky"


class _Sneaky(OrgAdminRequiredMixin, View):
    """Reads an event by id alone — the bug the scope is there to catch."""

    permission = "events.manage"

    def get(self, request, *args, **kwargs):
        event = Event.objects.filter(pk=request.GET["id"]).first()
        return HttpResponse(event.title if event else "none")


class _SneakyTemplate(_Sneaky):
    """Hands an unscoped queryset to a template, which evaluates it while rendering."""

    def get(self, request, *args, **kwargs):
        template = engines["django"].from_string("{% for e in events %}{{ e.title }}{% endfor %}")
        return TemplateResponse(request, template, {"events": Event.objects.all()})


class _Undeclared(_Sneaky):
    """Declares no permission (code written before the scope existed)."""

    permission = None


def _get(view_class, user, org, event):
    request = RequestFactory().get("/", {"id": event.pk})
    request.user = user
    return view_class.as_view()(request, slug=org.slug)


def test_an_unscoped_query_in_an_org_admin_view_raises(two_orgs, admin):
    org, _mine, _other, theirs = two_orgs
    with pytest.raises(ScopeError):
        _get(_Sneaky, admin, org, theirs)
    with pytest.raises(ScopeError):
        _get(_SneakyTemplate, admin, org, theirs)
    assert current_scope() is None


def test_a_view_that_has_not_declared_a_permission_keeps_working(two_orgs, admin):
    org, _mine, _other, theirs = two_orgs
    assert _get(_Undeclared, admin, org, theirs).content == theirs.title.encode()


def test_access_event_as_admin_needs_proof_of_the_permission(two_orgs, admin, member):
    org, mine, _other, _theirs = two_orgs
    # Called with no view around it and no user: a programming error, not a silent pass.
    with pytest.raises(ScopeError, match="not proven"):
        access_event_as_admin(org=org, event_id=mine.pk)
    with pytest.raises(Http404):
        access_event_as_admin(org=org, event_id=mine.pk, user=member)
    assert access_event_as_admin(org=org, event_id=mine.pk, user=admin) == mine
    # A scope for another org proves nothing about this one.
    other_scope = org_scope(_other.pk, membership_id=1, grants=frozenset({"events.manage"}))
    with other_scope, pytest.raises(ScopeError):
        access_event_as_admin(org=org, event_id=mine.pk)


class _FollowsUp(_Sneaky):
    """Changes something and leaves a follow-up for after the commit (a signal, a task)."""

    def get(self, request, *args, **kwargs):
        def follow_up():
            FOLLOWED.append(Event.objects.filter(pk=request.GET["id"]).count())

        with transaction.atomic():
            Event.objects.for_org(self.org).update(title="renamed")
            transaction.on_commit(follow_up)
        return HttpResponse("ok")


FOLLOWED: list[int] = []


@pytest.mark.django_db(transaction=True)
def test_commit_hooks_of_a_scoped_view_run_outside_its_scope(admin, org):
    """Other apps' receivers act on the ids they are handed; they have not opted in."""
    FOLLOWED.clear()
    theirs = EventFactory(org=OrganizationFactory())
    assert _get(_FollowsUp, admin, org, theirs).content == b"ok"
    assert FOLLOWED == [1]


# The org-owned models that opted in. A model added here is checked in every org-admin
# view and org task; the suite passing with it is the proof its reads name their org.
OPTED_IN = (
    "events.Event",
    "events.SyncLog",
    "orgs.InviteLink",
    "attendance.AttendanceImport",
    "engagement.Activity",
    "engagement.EngagementScore",
    "engagement.EngagementOverride",
    "communities.Community",
)


@pytest.mark.parametrize("label", OPTED_IN)
def test_opted_in_models_refuse_an_unscoped_read_and_allow_their_org(label, two_orgs):
    from django.apps import apps

    org, _mine, other, _theirs = two_orgs
    model = apps.get_model(label)
    with org_scope(org.pk):
        with pytest.raises(ScopeError, match="without its org"):
            model.objects.filter(pk=1).exists()
        with pytest.raises(ScopeError, match="for org"):
            model.objects.for_org(other).exists()
        model.objects.for_org(org).exists()  # naming its own org runs
