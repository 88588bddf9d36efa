"""`make run`: prepare the database, then run web + Celery worker + Celery beat together.

Each child runs in its own process group. Ctrl-C (or SIGTERM) sends SIGTERM to
every group, waits, then SIGKILLs whatever is left, and finally ends its
`devservices.session()`: the embedded Postgres and Redis stop if a session started
them and no other session (a `make test` alongside) still uses them — so nothing of
ours is left running. If any child dies, the others are stopped too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from astn import devservices
from astn.core import demo

ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("ASTN_HOST", "127.0.0.1")
PORT = os.environ.get("ASTN_PORT", "8000")
GRACE_SECONDS = 10


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def _children() -> dict[str, list[str]]:
    celery = [sys.executable, "-m", "celery", "-A", "astn"]
    return {
        "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "-n", "astn@%h"],
        "beat": [*celery, "beat", "--loglevel=INFO", "--pidfile="],
    }


def _stop(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for proc in procs.values():
        remaining = max(0.1, deadline - time.monotonic())
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=remaining)
    # Anything still alive in any group (a worker's pool child, say) is killed.
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def main() -> int:
    embedded = not os.environ.get("DATABASE_URL") and not os.environ.get("REDIS_URL")
    with devservices.session() if embedded else contextlib.nullcontext():
        code = _run()
    if embedded:
        print("ASTN: embedded services released.", flush=True)
    return code


def _run() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "astn.settings.local")

    procs: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        print("ASTN: preparing the database and static files…", flush=True)
        _manage("migrate", "--noinput", "-v", "0")
        _manage("collectstatic", "--noinput", "-v", "0")
        _manage("seed_demo")
        for name, argv in _children().items():
            procs[name] = subprocess.Popen(argv, cwd=ROOT, start_new_session=True)  # noqa: S603
        print(
            "\n"
            f"  ASTN is running on http://{HOST}:{PORT}/\n"
            f"{demo.banner()}\n"
            "  Web, Celery worker and Celery beat log below; a heartbeat every minute.\n"
            "  Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        while not stopping:
            dead = [name for name, proc in procs.items() if proc.poll() is not None]
            if dead:
                print(f"ASTN: {', '.join(dead)} stopped; shutting down the rest.", flush=True)
                break
            time.sleep(0.5)
    except subprocess.CalledProcessError as exc:
        print(f"ASTN: set-up step failed: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nASTN: stopping web, worker and beat…", flush=True)
        _stop(procs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
