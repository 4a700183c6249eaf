"""The cluster's runs: the deadline rush across two nodes, with a node killed, with the database restarted,
and the throughput of two nodes against one. Each is bounded in time and uses 127.0.0.1 only.

The rush and its rules are bench/rush.py's and bench/rush_check.py's. What changes here: the creators talk
to nginx, their files go to the bucket (checked by sha256 in the bucket, not on a disk), and in a fault run
a creator who gets the clear "please try again" page (503) does what the page says: waits a moment and
presses the button again, up to five times. An answer that says the entry "was already submitted" (its
first press was saved before the node died) is the receipt that creator needed.
"""
from __future__ import annotations

import hashlib
import os
import random
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine

from bench import cluster_jobs, cluster_payouts, report, rush, wrk
from bench.cluster import Cluster
from bench.rush_check import check, summary
from bench.rush_client import Step, SubmissionClient

RETRY_WORDS = ("please try again", "Please try again")
RUNS = ("rush", "kill-node", "restart-db", "kill-worker", "kill-worker-payouts", "throughput")


class RetryingClient(SubmissionClient):
    """A creator who follows the retry page's advice."""

    def _send(self, name: str, method: str, path: str, **kwargs):
        for attempt in range(6):
            answer = super()._send(name, method, path, **kwargs)
            if answer is None or answer.status_code != 503 or not any(w in answer.text for w in RETRY_WORDS):
                return answer
            self.outcome.steps[-1].note = "retry page"
            time.sleep(1.0 + attempt)
        return answer

    def submit(self) -> bool:
        if super().submit():
            return True
        if "was already submitted" in self.outcome.refused:
            self.outcome.submitted, self.outcome.refused = True, ""
            return True
        return False


def _retry_page(step: Step) -> bool:
    return step.status == 503 and step.note == "retry page"


def _bucket_sha(cluster: Cluster):
    """sha256 of each stored file in the bucket, found by the stored name its key ends with."""
    keys: dict[str, str] = {}
    for page in cluster.s3.get_paginator("list_objects_v2").paginate(Bucket=cluster.bucket):
        for item in page.get("Contents", []):
            keys[item["Key"].rsplit("/", 1)[-1]] = item["Key"]

    def sha_of(stored_name: str) -> str | None:
        key = keys.get(stored_name.rsplit("/", 1)[-1])
        if key is None:
            return None
        body = cluster.s3.get_object(Bucket=cluster.bucket, Key=key)["Body"].read()
        return hashlib.sha256(body).hexdigest()
    return sha_of


def _restart_postgresql() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   capture_output=True, timeout=120)


def _nodes_recovered(cluster: Cluster) -> list[str]:
    """Each node, asked directly, answers a page that reads the database: no restart was needed."""
    problems = []
    for node in cluster.nodes:
        for _ in range(30):
            try:
                if node.process.poll() is None and requests.get(node.url + "/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(1)
        else:
            if node.process.poll() is None:
                problems.append(f"node {node.port} did not answer the catalogue after the fault")
    return problems


def rush_run(kind: str, args) -> tuple[str, bool]:
    """One rush through the cluster; `kind` is rush, kill-node or restart-db."""
    rng, t0 = random.Random(2026), time.monotonic()
    args.db, args.late, args.seed = "postgresql", 0.15, 2026
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp, \
            Cluster(Path(tmp), RATELIMIT_AUTH="100000 per minute") as cluster:
        engine = create_engine(cluster.database_url, pool_pre_ping=True)  # lives through restart-db
        rush.load(engine, args.creators, datetime.now(timezone.utc).replace(microsecond=0))
        cluster.start_serving()
        midway = {"kill-node": lambda: cluster.nodes[1].kill(), "restart-db": _restart_postgresql}.get(kind)
        outcomes, closes_at, stuck, signing = rush.rush(cluster, engine, args, rng, kind=RetryingClient,
                                                        midway=midway)
        recovered = _nodes_recovered(cluster) if kind == "restart-db" else []
        violations, facts = check(engine, outcomes, closes_at, Path(tmp), stuck, sha_of=_bucket_sha(cluster),
                                  retry_page=_retry_page if kind != "rush" else None)
        engine.dispose()
    violations += recovered
    facts["signing"] = signing
    retried = sum(1 for o in outcomes for s in o.steps if s.note == "retry page")
    text = summary(outcomes, violations, facts, args, time.monotonic() - t0)
    head = {"rush": "two nodes behind nginx, files in the bucket",
            "kill-node": "node 2 killed with SIGKILL half-way to the close",
            "restart-db": "PostgreSQL restarted half-way to the close"}[kind]
    return f"{head}; retry pages answered: {retried}\n{text}", not violations


def throughput(args) -> tuple[str, bool]:
    """The anonymous catalogue (kept copies in Redis) and a rendered page, through nginx to two nodes and
    to one node directly, in the same run."""
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp, Cluster(Path(tmp)) as cluster:
        engine = create_engine(cluster.database_url)
        rush.load(engine, 20, datetime.now(timezone.utc).replace(microsecond=0))
        engine.dispose()
        cluster.start_serving()
        for label, paths in (("/healthz", ["/healthz"]), ("catalogue", ["/"]),
                             (f"challenge page", [f"/challenges/{rush.SLUG}"])):
            one = wrk.run(cluster.nodes[0].url, paths, duration=10, connections=16)
            two = wrk.run(cluster.url, paths, duration=10, connections=16)
            ratio = two.requests_per_second / one.requests_per_second if one.requests_per_second else 0
            lines.append(f"{label}: one node {one.requests_per_second:,.0f} req/s, two nodes behind nginx "
                         f"{two.requests_per_second:,.0f} req/s ({ratio:.2f}×); errors {two.error_count}")
    lines.append(f"Why not 2×: this machine has {os.cpu_count()} cores in all, and both nodes, nginx, PostgreSQL, Redis "
                 "and wrk share them; one node's workers already keep them busy, so the second node adds "
                 "failover, not throughput, here, and nginx's extra hop costs CPU of its own (below 1×). On separate machines each node brings its own cores "
                 "(docs/scaling.md).")
    return "\n".join(lines), True


def main(args) -> int:
    runs = RUNS if args.what == "all" else (args.what,)
    ok_all = True
    for what in runs:
        if what == "throughput":
            text, ok = throughput(args)
        elif what == "kill-worker":
            text, ok = cluster_jobs.kill_worker(args)
        elif what == "kill-worker-payouts":
            text, ok = cluster_payouts.kill_worker_payouts(args)
        else:
            text, ok = rush_run(what, args)
        ok_all &= ok
        print(f"== {what}\n{text}\n", flush=True)
        if not args.no_write:
            report.write_section(f"cluster-{what}", f"## Cluster: {what}\n\nCommand: `python -m bench.cluster "
                                                     f"{what}`\n\n```\n{text}\n```\n")
    return 0 if ok_all else 1
