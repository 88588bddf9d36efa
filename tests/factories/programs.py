import factory
from django.utils import timezone

from crm.models import Enrollment, FollowUp, Invitation, Program, ProgramSession
from tests.factories.events import EventFactory
from tests.factories.orgs import MembershipFactory, OrganizationFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    """An active reading group, "attend 2" once sessions are linked (link them with
    `ProgramSessionFactory` or `sessions=[...]`)."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Reading group {n}")
    kind = Program.Kind.READING_GROUP
    completion_rule = Program.CompletionRule.ATTEND_N
    required_sessions = 2

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        for event in extracted or []:
            ProgramSession.objects.create(program=self, event=event)


class ProgramSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramSession

    program = factory.SubFactory(ProgramFactory)
    event = factory.SubFactory(EventFactory, org=factory.SelfAttribute("..program.org"))


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    membership = factory.SubFactory(MembershipFactory, org=factory.SelfAttribute("..program.org"))
    status = Enrollment.Status.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    membership = factory.SubFactory(MembershipFactory)
    kind = FollowUp.Kind.OUTREACH


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(EventFactory)
    membership = factory.SubFactory(MembershipFactory, org=factory.SelfAttribute("..event.org"))
