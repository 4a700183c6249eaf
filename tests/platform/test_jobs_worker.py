"""A real Celery worker on Redis, started by the test as a subprocess: the outbox job sent to the queue twice
(at-least-once delivery) sends its email once. Redis database 11, a queue of this run's own; the keys the run
made are deleted afterwards."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from challenge import clock, jobs
from challenge.extensions import db
from challenge.platform import outbox
from challenge.platform.models import OutboxMessage, OutboxState

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/11"


@pytest.fixture()
def broker():
    """Redis database 11 with a queue name of this run's own; deletes only the keys that appeared meanwhile."""
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run at 127.0.0.1:6379 for the job worker test (see docs/operations.md)")
    before = set(client.keys("*"))
    yield f"challenge-test-{uuid.uuid4().hex[:8]}"
    made = set(client.keys("*")) - before
    if made:
        client.delete(*made)


def start_worker(database_url: str, mail_folder: Path, queue: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_FOLDER": str(mail_folder), "JOBS_BROKER_URL": REDIS,
           "JOBS_QUEUE": queue, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "challenge.jobs.worker", "worker", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_sends_the_outbox_once_when_the_job_is_delivered_twice(app, database_url, broker, tmp_path,
                                                                       monkeypatch):
    message = outbox.queue("test", "sam@example.org", "password_reset", clock.now(),
                           user=type("U", (), {"name": "Sam"})(), link="https://example.org/reset/x")
    db.session.commit()
    outbox.discard_queued()
    monkeypatch.setitem(app.config, "JOBS_BROKER_URL", REDIS)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", broker)
    assert jobs.enqueue("outbox.send") is None and jobs.enqueue("outbox.send") is None  # queued, not run here
    queue = redis.Redis.from_url(REDIS)
    assert queue.llen(broker) == 2
    worker = start_worker(database_url, tmp_path, broker)
    try:
        def sent():
            db.session.expire_all()
            return db.session.get(OutboxMessage, message.id).state == OutboxState.SENT
        assert wait_for(sent, 90), "the worker did not send the email within 90 s"
        assert wait_for(lambda: queue.llen(broker) == 0, 15)
        time.sleep(1)  # the second delivery, taken from the queue, finishes
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1, output
    assert f"Message-ID: {outbox.message_id(db.session.get(OutboxMessage, message.id))}" in files[0].read_text()
