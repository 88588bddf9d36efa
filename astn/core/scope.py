"""Org scope: which org a piece of code acts for, and querysets that refuse to leave it.

Our own small equivalent of django-scopes, made to be adopted one model and one view
at a time:

- `org_scope(org_id, ...)` is a context manager (a `ContextVar`, so threads and
  asyncio tasks each have their own). `orgs.permissions.OrgAdminRequiredMixin`
  enters it once the permission check passed; `astn.core.tasks.OrgTask` re-enters
  it in the worker from the task's `org_id`.
- A model opts in by giving its queryset `OrgScopedQuerySet` (with `org_path`, the
  lookup from the model to its org). Inside an *enforcing* scope, such a queryset
  raises `ScopeError` when it is evaluated without an `exact` (or `in`) filter on
  that path equal to the scope's org — `Event.objects.get(pk=5)` raises;
  `Event.objects.for_org(org).get(pk=5)` and `org.events.all()` run.
- Outside any scope nothing is checked (public pages, jobs that fan out over
  orgs), and so is code under `scopes_disabled()` or a queryset marked
  `.cross_org()` — both say "this read is meant to cross orgs" where it is written.
- Commit hooks (`transaction.on_commit`: signals to other apps, tasks) registered
  inside a scope run outside it, and every task runs in its own scope (none, or
  its org for an `OrgTask`): follow-ups act on the ids they were handed.

    with org_scope(org.pk):
        Event.objects.for_org(org).filter(status="draft")   # fine
        Event.objects.filter(pk=event_id).first()           # ScopeError
        Event.objects.cross_org().filter(pk__in=ids)        # deliberate, allowed
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Self

from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND, WhereNode


class ScopeError(RuntimeError):
    """An org-scoped query ran without its org filter, or for another org, inside a scope."""


@dataclass(frozen=True)
class Scope:
    """The org the current code acts for.

    `membership_id`/`permission`/`grants`: whose permission was checked to enter it
    and every permission their role holds (a view); empty for a task. `enforce=False`
    records the org without checking querysets (views that have not declared a
    `permission` yet; `scopes_disabled()`).
    """

    org_id: int | None
    enforce: bool = True
    membership_id: int | None = None
    permission: str = ""
    grants: frozenset[str] = frozenset()


_current: ContextVar[Scope | None] = ContextVar("astn_org_scope", default=None)


def current_scope() -> Scope | None:
    """The scope the code runs in, or None outside any."""
    return _current.get()


@contextmanager
def org_scope(
    org_id: int,
    *,
    enforce: bool = True,
    membership_id: int | None = None,
    permission: str = "",
    grants: frozenset[str] = frozenset(),
) -> Iterator[Scope]:
    """Run the block for org `org_id`; nest freely (the innermost scope wins)."""
    scope = Scope(
        org_id=int(org_id),
        enforce=enforce,
        membership_id=membership_id,
        permission=permission,
        grants=grants,
    )
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    """Run the block with no org checks (Django admin, jobs that read across orgs)."""
    token = _current.set(Scope(org_id=None, enforce=False))
    try:
        yield
    finally:
        _current.reset(token)


def _outside_scope(func: Any) -> Any:
    @functools.wraps(func)
    def run() -> Any:
        with scopes_disabled():
            return func()

    return run


def install_commit_hooks_outside_scope() -> None:
    """Make `transaction.on_commit` callbacks registered in an enforcing scope run without it.

    A commit hook is a follow-up (a signal to other apps, a task handed to the
    broker): it acts on ids it was given, like a task in a worker, and other apps'
    receivers have not opted in to the check. Called once from `CoreConfig.ready()`.
    """
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.on_commit
    if getattr(original, "_astn_scoped", False):
        return

    def on_commit(self: Any, func: Any, robust: bool = False) -> Any:
        scope = _current.get()
        if scope is not None and scope.enforce:
            func = _outside_scope(func)
        return original(self, func, robust=robust)

    on_commit._astn_scoped = True  # type: ignore[attr-defined]
    BaseDatabaseWrapper.on_commit = on_commit  # type: ignore[method-assign]


def _path_field(model: Any, path: str) -> Any:
    """The field that `path` ("org", "event__org") ends on."""
    *joins, last = path.split("__")
    for part in joins:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(last)


def _org_ids_filtered(where: WhereNode, target: Any) -> set[int] | None:
    """The org ids an AND-ed `exact`/`in` filter on `target` pins the query to, or None."""
    if where.negated or where.connector != AND:
        return None
    found: set[int] | None = None
    for child in where.children:
        ids: set[int] | None = None
        if isinstance(child, WhereNode):
            ids = _org_ids_filtered(child, target)
        elif (
            isinstance(child, Exact | In)
            and isinstance(child.lhs, Col)
            and child.lhs.target is target
        ):
            values = child.rhs if isinstance(child, In) else [child.rhs]
            try:
                ids = {int(getattr(v, "pk", v)) for v in values}
            except (TypeError, ValueError):  # an expression, not a value
                ids = None
        if ids is not None:
            found = ids if found is None else found & ids
    return found


class OrgScopedQuerySet(models.QuerySet):
    """A queryset of an org-owned model; set `org_path` on the subclass.

    Adds `for_org(org)` and `cross_org()`, and the scope check on evaluation.
    """

    org_path = "org"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cross_org = False

    def for_org(self, org: Any) -> Self:
        return self.filter(**{self.org_path: org})

    def cross_org(self) -> Self:
        """Say that this read crosses orgs on purpose (allowed inside a scope)."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._cross_org = True
        return clone

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._cross_org = self._cross_org
        return clone

    def _check_scope(self) -> None:
        scope = _current.get()
        if scope is None or not scope.enforce or self._cross_org or self.query.is_empty():
            return
        target = _path_field(self.model, self.org_path)
        ids = _org_ids_filtered(self.query.where, target)
        if ids is None:
            raise ScopeError(
                f"{self.model.__name__} queried without its org inside the scope of org "
                f"{scope.org_id}: use .for_org(org) (or .cross_org() if crossing is meant)."
            )
        if ids - {scope.org_id}:
            raise ScopeError(
                f"{self.model.__name__} queried for org(s) {sorted(ids)} inside the scope of "
                f"org {scope.org_id}."
            )

    # Every way a queryset reaches the database goes through one of these.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def in_bulk(self, *args: Any, **kwargs: Any) -> Any:
        self._check_scope()
        return super().in_bulk(*args, **kwargs)
