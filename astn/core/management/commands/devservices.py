from django.core.management.base import BaseCommand

from astn import devservices


class Command(BaseCommand):
    help = "Show, start or stop the embedded Postgres and Redis under var/ (DESIGN §2)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "start", "stop"])

    def handle(self, *args, action, **options):
        # `start`: loading settings has already started or attached to both servers.
        # `status` / `stop`: manage.py turned autostart off before settings loaded.
        if action == "stop":
            pg = devservices.stop_postgres()
            rd = devservices.stop_redis()
            self.stdout.write(f"postgres: {'stopped' if pg else 'was not running'}")
            self.stdout.write(f"redis: {'stopped' if rd else 'was not running'}")
            return
        for name, state in devservices.status().items():
            self.stdout.write(f"{name}: {state}")
