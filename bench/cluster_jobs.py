"""The cluster's job worker killed with SIGKILL while it sends the outbox: after a restart every email has
been sent exactly once (each `.eml` in the mail folder carries its message's fixed Message-ID).

Runs with a Celery worker on the machine's Redis (a database number of its own, 13, whose keys are removed
afterwards) and the cluster's PostgreSQL; beat is played by this script, which hands the job to the queue
every few seconds as beat would every minute.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import redis
from sqlalchemy import create_engine, func, select

from bench.cluster import Cluster, Process
from bench.dataset import insert, table
from bench.server import ROOT

JOBS_REDIS = "redis://127.0.0.1:6379/13"
MESSAGES = 400
MESSAGE_ID = re.compile(rb"^Message-ID: (<outbox-(\d+)\.[^>]+>)", re.M)


def _queue_messages(engine, n: int) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    rows = [dict(id=i + 1, kind="bench", to_email=f"person{i}@bench.example.org", subject=f"Bench message {i}",
                 body=f"Message {i} of the worker-kill run.\n", state="pending", attempts=0, last_error="",
                 created_at=now, next_attempt_at=now, claim_id="") for i in range(n)]
    with engine.begin() as conn:
        insert(conn, "outbox_messages", rows)


def _sent_files(folder: Path) -> Counter:
    """How many .eml files carry each outbox message's id."""
    seen: Counter = Counter()
    for path in folder.glob("**/*.eml") if folder.exists() else []:
        match = MESSAGE_ID.search(path.read_bytes())
        if match:
            seen[int(match.group(2))] += 1
    return seen


def enqueue(env: dict[str, str], job: str = "outbox.send") -> None:
    """`flask jobs run JOB --queue`: what beat does at the job's interval."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", job, "--queue"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)


def worker_process(env: dict[str, str], log: Path) -> Process:
    """One Celery worker (one prefork child) on this run's queue; SIGKILL to its group kills both."""
    command = [sys.executable, "-m", "celery", "-A", "challenge.jobs.worker", "worker", "--concurrency", "1",
               "--pool", "prefork", "--loglevel", "info", "-Q", env["JOBS_QUEUE"]]
    return Process("job worker", command, env, log)


def kill_worker(args) -> tuple[str, bool]:
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp, Cluster(Path(tmp)) as cluster:
        mail = Path(tmp) / "shared" / "mail"
        env = dict(cluster.env, JOBS_BROKER_URL=JOBS_REDIS, JOBS_QUEUE=f"cx-bench-{int(time.time())}",
                   OUTBOX_CLAIM_SECONDS="5", MAIL_FOLDER=str(mail))
        engine = create_engine(cluster.database_url)
        try:
            _queue_messages(engine, MESSAGES)
            worker = worker_process(env, Path(tmp) / "worker-1.log").__enter__()
            enqueue(env)
            deadline = time.monotonic() + 120
            while sum(_sent_files(mail).values()) < MESSAGES // 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            worker.kill()  # SIGKILL, mid-send
            at_kill = sum(_sent_files(mail).values())
            with worker_process(env, Path(tmp) / "worker-2.log"):
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline:
                    enqueue(env)  # as beat would, at its interval
                    time.sleep(4)
                    with engine.connect() as conn:
                        left = conn.scalar(select(func.count()).select_from(table("outbox_messages"))
                                           .where(table("outbox_messages").c.state != "sent"))
                    if left == 0:
                        break
            seen = _sent_files(mail)
        finally:
            engine.dispose()
            forget_redis(env["JOBS_QUEUE"])
    twice = sorted(i for i, n in seen.items() if n > 1)
    missing = sorted(set(range(1, MESSAGES + 1)) - set(seen))
    ok = not twice and not missing
    text = "\n".join([
        f"Messages queued: {MESSAGES}; the worker was killed with SIGKILL after {at_kill} had been sent; a new "
        f"worker took over (claims older than 5 s are taken over, the mail folder asked for each Message-ID)",
        f"Sent once: {sum(1 for n in seen.values() if n == 1)}; sent twice: {len(twice)} {twice[:10]}; "
        f"never sent: {len(missing)} {missing[:10]}",
        f"Whole run {time.monotonic() - t0:.0f} s",
        "RESULT: " + ("every email sent exactly once" if ok else "FAILED"),
    ])
    return text, ok


def forget_redis(queue: str) -> None:
    """Remove this run's keys from the jobs database (13): the queue, its bindings and unacknowledged tasks."""
    client = redis.Redis.from_url(JOBS_REDIS)
    for key in client.scan_iter(count=1000):
        name = key.decode(errors="replace")
        if queue in name or name.startswith(("unacked", "_kombu")):
            client.delete(key)
    client.close()
