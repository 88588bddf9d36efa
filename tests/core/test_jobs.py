import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from astn.core.schedule import JOBS, sync_schedule


@pytest.mark.django_db
def test_every_job_in_code_is_in_the_beat_database_after_migrate():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {job.name for job in JOBS} <= names
    heartbeat = PeriodicTask.objects.get(name="heartbeat")
    assert heartbeat.interval.every == 1
    assert heartbeat.task == "astn.core.tasks.heartbeat_task"


@pytest.mark.django_db
def test_a_job_paused_in_the_admin_stays_paused_after_a_sync():
    PeriodicTask.objects.filter(name="heartbeat").update(enabled=False)
    sync_schedule()
    assert PeriodicTask.objects.get(name="heartbeat").enabled is False


@pytest.mark.django_db
def test_run_job_runs_the_heartbeat_synchronously(capsys):
    call_command("run_job", "heartbeat")
    assert "heartbeat:" in capsys.readouterr().out


@pytest.mark.django_db
def test_run_job_names_the_known_jobs_when_given_an_unknown_one():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"known jobs: .*heartbeat"):
        call_command("run_job", "no-such-job")
