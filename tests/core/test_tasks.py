"""The task base class and owed follow-ups (astn/core/tasks.py, astn/core/services.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import current_app, shared_task
from celery.result import allow_join_result
from django.db import OperationalError, transaction
from django.utils import timezone

from astn.core.models import PendingTask
from astn.core.scope import ScopeError, current_scope
from astn.core.services import pending_tasks_send, task_enqueue
from astn.core.tasks import OrgTask, Task
from events.models import Event
from tests.broker import broker_unreachable
from tests.factories.events import EventFactory
from tests.factories.orgs import OrganizationFactory

RAN: list[dict] = []
FLAKY: dict[str, int] = {"left": 0}


@shared_task(name="tests.core.record_task")
def record_task(**kwargs) -> str:
    RAN.append(kwargs)
    return "ok"


@shared_task(name="tests.core.flaky_task")
def flaky_task() -> int:
    if FLAKY["left"]:
        FLAKY["left"] -= 1
        raise OperationalError("the database went away")
    return 1


@shared_task(name="tests.core.org_task", base=OrgTask)
def org_task(org_id: int, event_id: int, scoped: bool) -> str:
    events = Event.objects.for_org(org_id) if scoped else Event.objects.all()
    return f"{current_scope().org_id}:{events.filter(pk=event_id).count()}"


@pytest.fixture(autouse=True)
def _reset():
    RAN.clear()
    yield
    RAN.clear()


@pytest.fixture
def broker_down():
    with broker_unreachable():
        yield


def test_every_task_runs_on_the_base_class():
    assert isinstance(record_task, Task)
    assert isinstance(current_app.tasks["attendance.tasks.waitlist_promote_task"], Task)
    assert record_task.retry_jitter
    assert record_task.retry_backoff
    assert OperationalError in record_task.autoretry_for


@pytest.mark.django_db
def test_tasks_take_ids_not_objects(org):
    with pytest.raises(TypeError, match="Organization"):
        record_task.delay(org=org)
    with pytest.raises(TypeError, match="object"):
        record_task.apply_async(args=[object()])
    record_task.delay(org_id=org.pk, names=["a", "b"], options={"dry_run": True})
    assert [{"org_id": org.pk, "names": ["a", "b"], "options": {"dry_run": True}}] == RAN


def test_a_lost_database_connection_is_retried():
    FLAKY["left"] = 2
    # In a worker the retry waits 2 s (+ jitter); eagerly it runs again at once.
    current_app.conf.task_eager_propagates = False
    try:
        with allow_join_result():  # eager retries wait on their result inside the task
            assert flaky_task.apply().get() == 1
    finally:
        current_app.conf.task_eager_propagates = True
    assert FLAKY["left"] == 0


@pytest.mark.django_db
def test_an_org_task_runs_inside_its_orgs_scope(org):
    mine = EventFactory(org=org)
    theirs = EventFactory(org=OrganizationFactory())
    assert org_task.delay(org_id=org.pk, event_id=mine.pk, scoped=True).get() == f"{org.pk}:1"
    assert org_task.delay(org_id=org.pk, event_id=theirs.pk, scoped=True).get() == f"{org.pk}:0"
    with pytest.raises(ScopeError):
        org_task.delay(org_id=org.pk, event_id=theirs.pk, scoped=False)
    with pytest.raises(TypeError, match="org_id"):
        org_task.delay(event_id=mine.pk, scoped=True)
    assert current_scope() is None


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_action_stands_and_the_job_sends_it_later(broker_down):
    with transaction.atomic():
        task_enqueue(record_task, key="test:1", thing_id=1)
    # No exception after commit; the follow-up is owed, not lost.
    row = PendingTask.objects.get(key="test:1")
    assert (row.dispatched_at, RAN) == (None, [])
    # Still down: the job tries, fails quietly and keeps the row.
    later = timezone.now() + timedelta(minutes=2)
    assert pending_tasks_send(now=later) == 0
    assert PendingTask.objects.filter(key="test:1", dispatched_at=None).exists()


@pytest.mark.django_db(transaction=True)
def test_the_job_sends_what_the_broker_missed_once_it_is_back(broker_down):
    task_enqueue(record_task, key="test:2", thing_id=2)
    assert RAN == []
    current_app.conf.task_always_eager = True  # "the broker is back" (eager: runs here)
    assert pending_tasks_send(now=timezone.now()) == 0  # too fresh: its own hook may send it
    assert pending_tasks_send(now=timezone.now() + timedelta(minutes=2)) == 1
    assert RAN == [{"thing_id": 2}]
    assert not PendingTask.objects.exists()


@pytest.mark.django_db
def test_asking_again_before_it_ran_runs_it_once_more_with_the_latest_ids(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = task_enqueue(record_task, key="test:3", thing_id=1)
        again = task_enqueue(record_task, key="test:3", thing_id=9)
    assert first == again
    row = PendingTask.objects.get(key="test:3")
    assert (row.version, row.kwargs) == (2, {"thing_id": 9})
    for callback in callbacks:  # both hand-offs reach the (eager) worker
        callback()
    # The first run's "done" did not clear the row the second request needed.
    assert RAN == [{"thing_id": 1}, {"thing_id": 9}]
    assert not PendingTask.objects.exists()
