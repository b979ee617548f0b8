"""What a job is: a django-tasks `Task` that also carries its retry policy and lease."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django_tasks import DEFAULT_TASK_QUEUE_NAME
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task

Backoff = Callable[[int], float]

# A job running longer than this without finishing is taken to have lost its worker.
DEFAULT_LEASE_SECONDS = 3600


class WorkerLost(Exception):  # noqa: N818 - it names what happened, as the failed list shows it
    """Recorded on a job whose worker stopped (killed, power lost) before it finished."""


def exponential_backoff(*, base: float = 30.0, factor: float = 2.0, cap: float = 3600.0) -> Backoff:
    """Seconds to wait after failed attempt n (1, 2, ...): base, base*factor, ... at most cap."""

    def backoff(attempt: int) -> float:
        return min(cap, base * factor ** max(0, attempt - 1))

    return backoff


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Job(Task):
    """A task with a retry policy. `enqueue`, `using` and `get_result` are django-tasks'."""

    max_attempts: int = 5
    backoff: Backoff = dataclasses.field(default_factory=exponential_backoff)
    lease: float | Callable[[], float] = DEFAULT_LEASE_SECONDS

    def retry_delay(self, attempt: int) -> float | None:
        """Seconds until the next attempt after failed attempt `attempt`, None if none."""
        if attempt >= self.max_attempts:
            return None
        return max(0.0, float(self.backoff(attempt)))

    def lease_seconds(self) -> float:
        return float(self.lease() if callable(self.lease) else self.lease)


def job(
    *,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    max_attempts: int = 5,
    backoff: Backoff | None = None,
    lease: float | Callable[[], float] = DEFAULT_LEASE_SECONDS,
    priority: int = DEFAULT_TASK_PRIORITY,
    takes_context: bool = False,
    backend: str = "default",
) -> Callable[[Callable[..., Any]], Job]:
    """Decorate a module-level function as a job (see the package's docstring)."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def wrap(func: Callable[..., Any]) -> Job:
        return Job(
            func=func,
            queue_name=queue_name,
            priority=priority,
            backend=backend,
            takes_context=takes_context,
            run_after=None,
            max_attempts=max_attempts,
            backoff=backoff or exponential_backoff(),
            lease=lease,
        )

    return wrap
