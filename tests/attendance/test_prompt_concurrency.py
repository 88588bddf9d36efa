"""Two prompt jobs at once (two workers, two database connections): one email per person.

Each thread has its own connection, so the two `prompts_send_due` runs really race
in Postgres; `FOR UPDATE SKIP LOCKED` hands every row to one of them, and the
outbox key `prompt:<attendance>:<n>` would catch anything that slipped through.
"""

import functools
from collections import Counter

import pytest
from django.core import mail

from astn.notifications.models import OutboundEmail
from attendance.models import Attendance
from attendance.services.prompts import prompts_send_due
from tests.attendance.after_event import NOW, ended_event, rsvp_of
from tests.concurrency import race
from tests.factories.orgs import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(function, runs: int, **kwargs) -> list:
    return race(*[functools.partial(function, **kwargs) for _ in range(runs)])


@pytest.mark.parametrize("attempt", range(3))
def test_two_jobs_at_once_send_one_prompt_per_person(attempt):
    event = ended_event(OrganizationFactory())
    people = [rsvp_of(event) for _ in range(40)]

    results = _race(prompts_send_due, 2, now=NOW, batch_size=7)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 40
    assert Attendance.objects.filter(prompt_count=1).count() == 40
    assert OutboundEmail.objects.filter(key__startswith="prompt:").count() == 40
    sent_to = Counter(message.to[0] for message in mail.outbox)
    assert set(sent_to) == {a.membership.user.email for a in people}
    assert set(sent_to.values()) == {1}
