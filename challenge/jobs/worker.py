"""The Celery application: one task per registered job, and beat's schedule from SCHEDULE.

    JOBS_BROKER_URL=redis://127.0.0.1:6379/0 celery -A challenge.jobs.worker worker --concurrency 2
    JOBS_BROKER_URL=redis://127.0.0.1:6379/0 celery -A challenge.jobs.worker beat -s /var/lib/challenge/beat

A task is acknowledged only after it ran (acks_late) and given back to the queue when its worker dies
(reject_on_worker_lost), so delivery is at least once; the jobs are written to be run twice.
"""
from __future__ import annotations

import os
from functools import cache

from celery import Celery

from challenge import jobs
from challenge.jobs import tasks  # noqa: F401  (registers the jobs)


def _task(name: str):
    def run_job() -> list[str]:
        return jobs.run(name).lines
    run_job.__name__ = run_job.__qualname__ = name.replace(".", "_")
    return run_job


@cache
def celery_app(broker_url: str, queue: str = "challenge") -> Celery:
    app = Celery("challenge", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=queue,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_ignore_result=True, timezone="UTC", enable_utc=True, broker_connection_retry_on_startup=True,
        # An unacknowledged task (its worker died) is delivered again after this long (Redis transport).
        broker_transport_options={"visibility_timeout": int(os.environ.get("JOBS_VISIBILITY_TIMEOUT", "3600"))},
        beat_schedule={name: {"task": name, "schedule": every.total_seconds()}
                       for name, every in jobs.SCHEDULE.items()},
    )
    for name in jobs.JOBS:
        app.task(name=name)(_task(name))
    return app


# What `celery -A challenge.jobs.worker` finds: the app for the configured broker.
app = celery_app(os.environ.get("JOBS_BROKER_URL", "memory://"), os.environ.get("JOBS_QUEUE", "challenge"))
