"""crm's part of `/me/export/`: the member's programs and invitations, nobody else's, and
never the admins' notes about them."""

from __future__ import annotations

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from astn.accounts.export import export_for_user
from crm.models import InvitationOptOut, MemberNote
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory
from tests.factories.programs import EnrollmentFactory, InvitationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_export_holds_my_programs_and_invitations_only(org, member):
    import json

    mine = member.memberships.get(org=org)
    other = MembershipFactory(org=org, user=UserFactory(name="Zed Other"))
    reading = ProgramFactory(org=org, name="Kindred reading group")
    EnrollmentFactory(program=reading, membership=mine, status="completed")
    EnrollmentFactory(program=ProgramFactory(org=org, name="Secret cohort"), membership=other)
    talk = EventFactory(org=org, title="Interpretability night")
    InvitationFactory(event=talk, membership=mine, reason="You came to 3 talks")
    InvitationFactory(event=EventFactory(org=org, title="Other night"), membership=other)
    MemberNote.objects.create(membership=mine, body="Admin-only: prefers evenings")
    InvitationOptOut.objects.create(user=member)

    part = export_for_user(member)["crm"]
    text = json.dumps(part, cls=DjangoJSONEncoder)

    assert [(p["program"], p["status"]) for p in part["programs"]] == [
        ("Kindred reading group", "completed")
    ]
    assert [(i["event"], i["reason"]) for i in part["invitations"]] == [
        ("Interpretability night", "You came to 3 talks")
    ]
    assert part["personal_invitations_switched_off"] is True
    for foreign in ("Secret cohort", "Other night", "Zed Other", "prefers evenings"):
        assert foreign not in text
