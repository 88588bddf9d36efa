from django.core.management.base import BaseCommand, CommandError

from astn.celery import app
from astn.core.schedule import jobs_by_name


class Command(BaseCommand):
    help = "Run one scheduled job once, synchronously, in this process (DESIGN §6)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="job name; omit to list the jobs")

    def handle(self, *args, name=None, **options):
        jobs = jobs_by_name()
        if not name:
            for job in jobs.values():
                self.stdout.write(f"{job.name:24} {job.description}")
            return
        if name not in jobs:
            raise CommandError(f"unknown job {name!r}; known jobs: {', '.join(sorted(jobs))}")
        job = jobs[name]
        app.loader.import_default_modules()  # autodiscovery is lazy; load every tasks.py
        # Eager mode: the job and everything it enqueues (emails included) run here,
        # so nothing is left waiting on a worker when this command returns.
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            result = app.tasks[job.task].apply(kwargs=job.kwargs, throw=True)
        finally:
            app.conf.task_always_eager = previous
        self.stdout.write(self.style.SUCCESS(f"{name}: {result.result!r}"))
        # Whatever the job queued in the outbox is sent before we return (DESIGN §6).
        from astn.notifications.services import outbox_flush

        report = outbox_flush()
        if report.total:
            self.stdout.write(
                f"outbox: {report.sent} sent, {report.retrying} to retry, "
                f"{report.failed} failed, {report.cancelled} cancelled"
            )
