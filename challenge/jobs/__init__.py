"""Background and periodic work: each job is a plain function registered here, run the same three ways.

* inline, from the `flask` commands that predate the queue (`flask outbox send`, `flask payouts retry`, …)
  or `flask jobs run NAME`: what `make run`, cron and the tests use, with nothing else installed;
* by a Celery worker when `JOBS_BROKER_URL` is set (`challenge/jobs/worker.py`), each task calling `run()`;
* on time, from Celery beat, which sends each job of SCHEDULE at its interval.

A job opens its own app context when it has none (a worker), commits its own work, and is safe to run twice
or at once on two workers (at-least-once delivery): the outbox claims each message before sending it, a
payout is claimed under its lock and retried with the same idempotency key, reminders and alerts record that
they were made. Some of what a cron would do elsewhere needs no job here: challenges and rounds open and close
by the clock when they are read (`phase_of`, `Round.is_open`), charts are drawn when their page is, and
attachments are cleaned of metadata when they are uploaded.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context

from challenge import clock


@dataclass
class Report:
    """What a run did, one line per thing; `ok` is False when it found something wrong (a mismatch)."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], Report]
    what: str


JOBS: dict[str, Job] = {}

# The periodic schedule: every job and how often beat sends it (cron runs the commands at the same intervals).
SCHEDULE: dict[str, timedelta] = {
    "outbox.send": timedelta(minutes=1),
    "webhooks.send": timedelta(minutes=1),
    "payouts.retry": timedelta(minutes=5),
    "payouts.reconcile": timedelta(days=1),
    "judging.remind": timedelta(hours=1),
    "judging.peoples_choice": timedelta(minutes=5),
    "uploads.sweep": timedelta(hours=1),
    "privacy.retention": timedelta(days=1),
    "database.analyze": timedelta(days=1),
}


def job(name: str) -> Callable[[Callable[[datetime], Report]], Callable[[datetime], Report]]:
    """Register `fn(now) -> Report` as the job `name`."""
    def register(fn: Callable[[datetime], Report]) -> Callable[[datetime], Report]:
        JOBS[name] = Job(name, fn, (fn.__doc__ or name).strip().splitlines()[0])
        return fn
    return register


_worker_app: list[Flask] = []


@contextmanager
def app_context() -> Iterator[None]:
    """The current app context (a command, a test), or this process's own app (a worker)."""
    if has_app_context():
        yield
        return
    if not _worker_app:
        from challenge import create_app

        _worker_app.append(create_app())
    with _worker_app[0].app_context():
        yield


def run(name: str, now: datetime | None = None) -> Report:
    """Run the job `name` here and now, in its own unit of work (rolled back if it fails)."""
    from challenge.jobs import tasks  # noqa: F401  (registers the jobs)
    from challenge.platform import tx

    with app_context():
        try:
            report = JOBS[name].run(now or clock.now())
            tx.commit()
        except BaseException:
            tx.rollback()
            raise
        return report


def enqueue(name: str) -> Report | None:
    """Hand the job to the queue when one is configured; run it inline otherwise (returns its report)."""
    from challenge.jobs import tasks  # noqa: F401

    if name not in JOBS:
        raise KeyError(name)
    if current_app.config.get("JOBS_BROKER_URL"):
        from challenge.jobs.worker import celery_app

        celery_app(current_app.config["JOBS_BROKER_URL"], current_app.config["JOBS_QUEUE"]).send_task(name)
        return None
    return run(name)
