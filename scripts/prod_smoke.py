"""`make prod-smoke`: ASTN in its production process shape, on this machine, end to end.

docker compose cannot run here (no container registry is reachable), so this starts
the same processes by hand, each as in docker-compose.yml:

- Postgres 16 + pgvector listening on TCP 127.0.0.1 (the embedded server's binaries:
  `initdb` / `pg_ctl` from pgserver, a fresh cluster in a temp dir);
- Redis: Debian's `redis-server` on TCP (`.ci/run` installs it with apt);
- an SMTP catcher (`aiosmtpd`, in this process) standing in for mailpit;
- gunicorn (2 workers), two Celery workers and one beat, with
  `DJANGO_SETTINGS_MODULE=astn.settings.production` and `DATABASE_URL`,
  `REDIS_URL`, `EMAIL_URL` pointing at the above.

Then it migrates, waits for `/healthz`, signs a seeded user in through the login
form, queues one email through the outbox and fires extra sender tasks at both
workers, and checks the email reaches the catcher exactly once. Everything it
started is stopped at the end (also on failure). Exit status 0 = all good; the
last line says what was checked.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SUBJECT = "ASTN production smoke test"
PASSWORD = "smoke-test-password-9081"  # noqa: S105 - a throwaway user in a throwaway DB


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"[prod-smoke] {message}", flush=True)


class Catcher:
    """An SMTP server on 127.0.0.1 that keeps every message it receives."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[bytes] = []
        lock = threading.Lock()
        catcher = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with lock:
                    catcher.messages.append(envelope.content)
                return "250 Message accepted for delivery"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def count(self, subject: str) -> int:
        return sum(1 for message in self.messages if subject.encode() in message)


class Smoke:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="astn-prod-smoke-"))
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.pg_data = self.tmp / "pg"
        self.pg_as_user: dict = {}
        self.pg_port, self.redis_port = free_port(), free_port()
        self.smtp_port, self.web_port = free_port(), free_port()
        self.catcher = Catcher(self.smtp_port)
        import pgserver

        self.pg_bin = Path(pgserver.__file__).parent / "pginstall" / "bin"
        from cryptography.fernet import Fernet

        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "astn.settings.production",
            "SECRET_KEY": "prod-smoke-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/astn",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "ASTN_LOCAL_HTTP": "1",
            "ASTN_DEVSERVICES_AUTOSTART": "0",
            "PYTHONUNBUFFERED": "1",
        }

    # -- processes -----------------------------------------------------------------

    def run(self, *args: str, **kwargs) -> str:
        done = subprocess.run(  # noqa: S603 - our own fixed commands
            args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600, **kwargs
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def spawn(self, name: str, *args: str) -> None:
        out = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own fixed commands
            args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.children.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.children:
            if process.poll() is not None:
                tail = (self.tmp / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{tail}")

    def start_postgres(self) -> None:
        # Postgres refuses to run as root; as pgserver does, use an unprivileged user.
        as_user: dict = {}
        self.pg_data.mkdir()
        if os.geteuid() == 0:
            import pwd

            from pgserver.utils import ensure_user_exists

            ensure_user_exists("pgserver")
            entry = pwd.getpwnam("pgserver")
            self.tmp.chmod(0o755)
            os.chown(self.pg_data, entry.pw_uid, entry.pw_gid)
            as_user = {"user": entry.pw_uid, "group": entry.pw_gid}
        self.pg_as_user = as_user
        self.run(str(self.pg_bin / "initdb"), "-D", str(self.pg_data), "-U", "postgres",
                 "--auth=trust", "--encoding=UTF8", "--no-instructions", **as_user)  # fmt: skip
        options = f"-p {self.pg_port} -k {self.pg_data} -c listen_addresses=127.0.0.1"
        self.run(str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-o", options,
                 "-l", str(self.pg_data / "postgres.log"), "-w", "start", **as_user)  # fmt: skip
        self.run(str(self.pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                 "-U", "postgres", "astn")  # fmt: skip
        log(f"postgres on 127.0.0.1:{self.pg_port}")

    def start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            raise RuntimeError("redis-server is not installed (apt-get install -y redis-server)")
        self.spawn("redis", redis, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.tmp))  # fmt: skip
        self.wait_for(lambda: self._tcp_open(self.redis_port), "redis", 20)
        log(f"redis on 127.0.0.1:{self.redis_port}")

    def start_app(self) -> None:
        self.spawn("web", PY, "-m", "gunicorn", "astn.wsgi:application", "--bind",
                   f"127.0.0.1:{self.web_port}", "--workers", "2", "--timeout", "60")  # fmt: skip
        for n in (1, 2):
            self.spawn(f"worker{n}", PY, "-m", "celery", "-A", "astn", "worker",
                       "--loglevel=INFO", "--concurrency=1", "-n", f"smoke{n}@%h")  # fmt: skip
        self.spawn("beat", PY, "-m", "celery", "-A", "astn", "beat", "--loglevel=INFO",
                   "--pidfile=", "--schedule", str(self.tmp / "beat-schedule"))  # fmt: skip

    def stop_all(self) -> None:
        for _name, process in reversed(self.children):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _name, process in self.children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if (self.pg_data / "postmaster.pid").exists():
            pg_ctl = str(self.pg_bin / "pg_ctl")
            stop = [pg_ctl, "-D", str(self.pg_data), "-m", "fast", "-w", "stop"]
            subprocess.run(stop, capture_output=True, timeout=60, **self.pg_as_user)  # noqa: S603
        self.catcher.stop()

    # -- waiting ---------------------------------------------------------------------

    @staticmethod
    def _tcp_open(port: int) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", port)) == 0

    def wait_for(self, ready, what: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.check_alive()
            if ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{what} was not ready after {seconds:g} s")

    # -- the checks --------------------------------------------------------------------

    def healthz(self) -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{self.web_port}/healthz", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.json().get("status") in ("ok", None)

    def workers_ready(self) -> bool:
        logs = [(self.tmp / f"worker{n}.log").read_text(errors="replace") for n in (1, 2)]
        return all("ready." in text for text in logs)

    def sign_in(self) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{self.web_port}", timeout=15) as client:
            page = client.get("/accounts/login/")
            page.raise_for_status()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token, "no CSRF token on the login page"
            response = client.post(
                "/accounts/login/",
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "login": "smoke@example.org",
                    "password": PASSWORD,
                },
                headers={"Referer": f"http://127.0.0.1:{self.web_port}/accounts/login/"},
            )
            assert response.status_code == 302, f"login answered {response.status_code}"
            home = client.get(response.headers["location"])
            assert home.status_code == 200, f"after login: {home.status_code}"
            assert "Smoke Tester" in home.text or "smoke@example.org" in home.text, (
                "the signed-in page does not show the user"
            )

    def main(self) -> None:
        began = time.monotonic()
        self.catcher.start()
        self.start_postgres()
        self.start_redis()
        # The manifest first: URLconf loading (migrate's checks) resolves static names.
        self.run(PY, "manage.py", "collectstatic", "--noinput")
        self.run(PY, "manage.py", "migrate", "--noinput")
        self.run(PY, "manage.py", "shell", "-c", SEED)
        log("migrated, static files collected, user seeded")
        self.start_app()
        self.wait_for(self.healthz, "gunicorn /healthz", 60)
        log("GET /healthz → 200")
        self.sign_in()
        log("signed in through the login form")
        self.wait_for(self.workers_ready, "both celery workers", 90)
        self.run(PY, "manage.py", "shell", "-c", ENQUEUE)
        log("one email queued; 20 extra sender tasks fired at both workers")
        self.wait_for(lambda: self.catcher.count(SUBJECT) >= 1, "the email at the catcher", 60)
        time.sleep(5)  # time enough for a double send to show up
        count = self.catcher.count(SUBJECT)
        assert count == 1, f"the email arrived {count} times"
        self.check_alive()
        log(
            f"OK in {time.monotonic() - began:.0f} s: postgres+redis on TCP, gunicorn, 2 workers "
            "+ beat; migrate, /healthz, sign-in, one email delivered exactly once"
        )


SEED = f"""
from allauth.account.models import EmailAddress
from astn.accounts.models import User
user = User.objects.create_user(
    email="smoke@example.org", password="{PASSWORD}", name="Smoke Tester"
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""

ENQUEUE = f"""
from django.db import transaction
from astn.notifications.services import email_enqueue
from astn.notifications.tasks import outbox_send_due_task
with transaction.atomic():
    email_enqueue(key="prod-smoke:1", to="smoke@example.org", subject="{SUBJECT}",
                  template="notifications/email/message",
                  context={{"heading": "Hello", "paragraphs": ["From the smoke test."]}})
for _ in range(20):
    outbox_send_due_task.delay()
"""


if __name__ == "__main__":
    smoke = Smoke()
    try:
        smoke.main()
    except Exception as exc:
        log(f"FAILED: {exc}")
        for name, _process in smoke.children:
            path = smoke.tmp / f"{name}.log"
            if path.exists():
                print(f"--- {name}.log (tail) ---\n{path.read_text(errors='replace')[-2000:]}")
        sys.exit(1)
    finally:
        smoke.stop_all()
        shutil.rmtree(smoke.tmp, ignore_errors=True)
