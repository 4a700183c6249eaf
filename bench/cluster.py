"""`python -m bench.cluster`: the platform on two app nodes behind nginx, as production runs it, on 127.0.0.1.

    python -m bench.cluster serve        # start it all, print the address, stop it all on Ctrl-C (`make cluster`)
    python -m bench.cluster rush         # the deadline rush through nginx across both nodes
    python -m bench.cluster kill-node    # the same rush, one node killed with SIGKILL half-way through
    python -m bench.cluster restart-db   # the same rush, PostgreSQL restarted half-way (root and pg_ctlcluster)
    python -m bench.cluster kill-worker  # the job worker killed with SIGKILL while sending the outbox
    python -m bench.cluster kill-worker-payouts  # ... and while releasing payouts to the fake Stripe
    python -m bench.cluster throughput   # the catalogue through nginx and two nodes, against one node alone
    python -m bench.cluster all          # every run above, the results written to docs/benchmarks.md

What runs: PostgreSQL (a database of its own on the machine's server), Redis (keys under a prefix of its
own: rate limits and kept pages), a local S3 server (moto, a bucket of its own) for the attachments, two
gunicorn nodes with separate instance folders on 127.0.0.1:8001 and :8002, and nginx with
`deploy/nginx.conf` on 127.0.0.1:8080, plus the job worker when the app has one. The nodes share those
services and nothing else: each node's instance folder is its own and holds nothing but its log.
Everything is stopped, and the database, the keys and the bucket removed, on the way out.
"""
from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

import requests
from sqlalchemy import create_engine

from bench import rush
from bench.server import ROOT, Gunicorn, app_env, fresh_database, kill_group, migrate, stop_group

NODE_PORTS = (8001, 8002)  # as deploy/nginx.conf's upstream lists them
BALANCER = "http://127.0.0.1:8080"  # deploy/nginx.conf's listen
REDIS_URL = "redis://127.0.0.1:6379/0"


class Node(Gunicorn):
    """One app node on the port deploy/nginx.conf expects it on."""

    def __init__(self, env: dict[str, str], port: int):
        super().__init__(env, workers=2, log=Path(env["INSTANCE_PATH"]) / "gunicorn.log")
        self.port = port

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: a node that dies without a goodbye."""
        kill_group(self.process)


class Process:
    """A helper process in its own process group, stopped with it (nginx, moto, the job worker)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str] | None, log: Path, ready=None):
        self.name, self.command, self.env, self.log, self.ready = name, command, env, log, ready
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Process:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True,
                                            stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while self.ready is not None and not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start; see {self.log}")
            time.sleep(0.2)
        return self

    def _ready(self) -> bool:
        try:
            return bool(self.ready())
        except requests.RequestException:
            return False

    def __exit__(self, *exc) -> None:
        self.stop()

    def kill(self) -> None:
        kill_group(self.process)

    def stop(self) -> None:
        stop_group(self.process)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn and nginx bind: TIME_WAIT is no obstacle
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def s3_bucket(workdir: Path):
    """A local S3 server (moto) with one bucket; yields the environment the app needs to use it."""
    import boto3

    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    keys = dict(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench-secret", AWS_DEFAULT_REGION="eu-west-2")
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with Process("moto S3 server", command, None, workdir / "moto.log",
                 ready=lambda: requests.get(endpoint, timeout=1).status_code < 500):
        client = boto3.client("s3", endpoint_url=endpoint, **{k.lower(): v for k, v in keys.items()
                                                               if k != "AWS_DEFAULT_REGION"},
                              region_name=keys["AWS_DEFAULT_REGION"])
        bucket = f"bench-cluster-{secrets.token_hex(3)}"
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield {"STORAGE_URL": f"s3://{bucket}/attachments", "STORAGE_ENDPOINT_URL": endpoint, **keys}, client, bucket


@contextmanager
def redis_prefix():
    """A key prefix of our own on the machine's Redis; our keys (and only ours) are deleted afterwards."""
    import redis

    prefix = f"cx-cluster-{secrets.token_hex(3)}:"
    try:
        yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "CACHE_TYPE": "RedisCache",
               "CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"*{prefix}*", count=1000):
            client.delete(key)
        client.close()


def nginx(workdir: Path) -> Process:
    prefix = workdir / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    command = [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(ROOT / "deploy" / "nginx.conf"),
               "-p", str(prefix), "-g", "daemon off;"]
    return Process("nginx", command, None, prefix / "stdout.log",
                   ready=lambda: requests.get(BALANCER + "/healthz", timeout=2).status_code == 200)


WORKER_COMMAND: list[str] | None = None  # the job worker's command line, when the app has a job queue


class Cluster:
    """Everything the cluster needs, started in order and stopped in reverse order."""

    def __init__(self, workdir: Path, **extra_env: str):
        self.workdir, self.extra_env = workdir, extra_env
        self.stack = ExitStack()
        self.nodes: list[Node] = []
        self.env: dict[str, str] = {}
        self.url = BALANCER

    def __enter__(self) -> Cluster:
        try:
            self.database_url = self.stack.enter_context(fresh_database("postgresql", "bench_cluster"))
            shared = self.stack.enter_context(redis_prefix())
            storage, self.s3, self.bucket = self.stack.enter_context(s3_bucket(self.workdir))
            self.env = app_env(self.database_url, self.workdir / "shared", **shared, **storage, **self.extra_env)
            migrate(self.env)
            return self
        except BaseException:
            self.stack.close()
            raise

    def start_serving(self) -> None:
        """The nodes, the worker and the balancer: after the data is loaded, as a deployment starts them.

        Only these need the fixed ports and nginx, so a run without them (the job worker's) can go beside
        another cluster."""
        missing = [p for p in (*NODE_PORTS, 8080) if not _port_free(p)]
        if missing:
            raise SystemExit(f"ports {missing} are in use on 127.0.0.1: stop what holds them first")
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            raise SystemExit("nginx is not installed: apt-get install -y nginx-light")
        for n, port in enumerate(NODE_PORTS, start=1):
            node_env = dict(self.env, INSTANCE_PATH=str(self.workdir / f"node-{n}"),
                            UPLOAD_FOLDER=str(self.workdir / f"node-{n}" / "uploads-unused"))
            self.nodes.append(self.stack.enter_context(Node(node_env, port)))
        if WORKER_COMMAND:
            self.worker = self.stack.enter_context(Process("job worker", WORKER_COMMAND, self.env,
                                                           self.workdir / "worker.log"))
        self.stack.enter_context(nginx(self.workdir))


    def __exit__(self, *exc) -> None:
        self.stack.close()


def serve(args) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp, Cluster(Path(tmp)) as cluster:
        engine = create_engine(cluster.database_url)
        rush.load(engine, 20, datetime.now(timezone.utc).replace(microsecond=0))
        engine.dispose()
        cluster.start_serving()
        print(f"Challenge Exchange on two nodes behind nginx: {cluster.url}  (Ctrl-C stops everything)")
        print(f"Sign in as creator0@bench.example.org with the benchmark's password; logs in {tmp}")
        try:
            while all(n.process.poll() is None for n in cluster.nodes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    from bench import cluster_runs

    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["serve", *cluster_runs.RUNS, "all"])
    parser.add_argument("--creators", type=int, default=200)
    parser.add_argument("--close-in", type=int, default=45)
    parser.add_argument("--payouts", type=int, default=150, help="payouts released in kill-worker-payouts")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    if args.what == "serve":
        return serve(args)
    return cluster_runs.main(args)


if __name__ == "__main__":
    sys.exit(main())
