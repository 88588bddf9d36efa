"""Run calls at the same moment on separate threads, for tests of races.

Use in `@pytest.mark.django_db(transaction=True)` tests: each thread gets its own
database connection (Django opens one per thread) and closes it when done, so the
calls really contend in Postgres.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Start every call together; return their results in order.

    A call that raises leaves its exception in its place in the list, so the test
    can assert on it (or that there is none).
    """
    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def errors_in(results: list[Any]) -> list[Exception]:
    return [result for result in results if isinstance(result, Exception)]
