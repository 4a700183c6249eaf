"""A fresh database, its migrations, and gunicorn serving the app on the loopback interface."""
from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Fixed on purpose: the dataset seals the bench broker's authenticator secret with this key before the
# server starts. The bench runs on 127.0.0.1 only, on a database it creates and drops.
SECRET_KEY = "bench-secret-key-not-secret"
BROKER_TOTP_SECRET = "BENCHBROKERTOTPSECRETNOTSECRET22"

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PORTS = range(5200, 5211)


@contextmanager
def fresh_database(kind: str, label: str = "bench"):
    """Yield the URL of a new, empty database; remove it afterwards, whatever happened."""
    name = f"{label}_{secrets.token_hex(4)}"
    if kind == "sqlite":
        path = Path(f"/tmp/{name}.db")
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    # No pool: a run may restart the server (bench.cluster restart-db), and a kept connection would be dead.
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def app_env(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment the app runs with: its database, its own folders, the query-count header on."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url, QUERY_COUNT_HEADER="1", SECRET_KEY=SECRET_KEY,
        INSTANCE_PATH=str(workdir), UPLOAD_FOLDER=str(workdir / "uploads"), MAIL_FOLDER=str(workdir / "mail"),
        PYTHONPATH=str(ROOT), **extra,
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade`, exactly as a deployment runs it."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


class Gunicorn:
    """`gunicorn -w 2 -k sync` on 127.0.0.1, in its own process group so that it always dies with us."""

    def __init__(self, env: dict[str, str], workers: int = 2, log: Path | None = None, app: str = "wsgi:app",
                 health: str = "/healthz"):
        self.env, self.workers, self.port = env, workers, free_port()
        self.app, self.health = app, health  # the WSGI app to serve and a cheap path that answers 200
        self.log = log or Path(env["INSTANCE_PATH"]) / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-k", "sync",
                   "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--error-logfile", str(self.log),
                   self.app]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                if requests.get(self.url + self.health, timeout=2).status_code == 200 and \
                        len(self.worker_pids()) == self.workers:
                    return
            except requests.RequestException:  # not listening yet, or still booting its workers
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {self.health} within {timeout:.0f} s; see {self.log}")

    def wait_idle(self, timeout: float = 180) -> None:
        """Wait until the queue wrk left behind has drained: the health path answers at once again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                requests.get(self.url + self.health, timeout=timeout)
            except requests.RequestException:
                pass
            if time.monotonic() - started < 0.5:
                return
        raise RuntimeError(f"gunicorn still busy {timeout:.0f} s after the load stopped")

    def worker_pids(self) -> list[int]:
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(p) for p in children.read_text().split()]
        return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == master]

    def worker_memory(self) -> list[Memory]:
        """Each worker's memory now: resident, proportional and unique set sizes (see `Memory`)."""
        return [memory_of(pid) for pid in self.worker_pids()]

    def booted_memory(self, timeout: float = 30) -> list[Memory]:
        """Each worker's memory once it has finished importing the app: the health path answers when one
        worker is up, and the other may still be importing, so wait until no worker's RSS grows between two
        reads half a second apart."""
        deadline, before = time.monotonic() + timeout, self.worker_memory()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.worker_memory()
            if len(now) == len(before) and all(abs(a.rss - b.rss) < 0.5 for a, b in zip(now, before)):
                return now
            before = now
        return before

    def cpu_seconds(self) -> float:
        """The CPU time (user and system) the workers have used so far."""
        return cpu_seconds(self.worker_pids())

    def stop(self) -> None:
        stop_group(self.process)


@dataclass(frozen=True)
class Memory:
    """One process's memory in MB. `rss` counts every page it maps, shared or not (the issue's "resident"
    and the budget's measure); `pss` shares each page among the processes that map it, so the workers'
    `pss` add up to what they cost the machine; `uss` is what only this process holds, what ending it
    would give back. None where the kernel has no smaps_rollup."""

    rss: float
    pss: float | None = None
    uss: float | None = None


def memory_of(pid: int) -> Memory:
    """From /proc/<pid>/smaps_rollup (Linux 4.14+), or VmRSS from /proc/<pid>/status without it."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        status = Path(f"/proc/{pid}/status").read_text()
        return Memory(int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024)
    kb = {name: int(value) for name, value in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
    return Memory(kb["Rss"] / 1024, kb["Pss"] / 1024, (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024)


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system, from /proc/<pid>/stat) these processes have used so far; one that has
    ended counts nothing."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def postgresql_pids(database: str) -> list[int]:
    """The processes of this machine's PostgreSQL server that serve connections to `database` (the app's, and the
    bench's own): one per connection, named by the server "postgres: [<cluster>:] <user> <database> <client> <state>". The
    server's own processes (the checkpointer writing out what a bulk load left, say) are not the pages' cost."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().strip() != "postgres":
                    continue
                title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
            except OSError:
                continue
            words = title[1:] if title[:1] == ["postgres:"] else []
            if words and words[0].endswith(":"):  # the cluster's name ("15/main:"), when it has one
                words = words[1:]
            if len(words) > 1 and words[1] == database:
                found.append(int(proc.name))
    return found


def stop_group(process: subprocess.Popen | None) -> None:
    """SIGTERM to a process started with start_new_session and all its children; SIGKILL after 15 s."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the process and all its children at once: it dies without a goodbye."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def _ppid(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no csrf_token field in the form")
    return match.group(1) or match.group(2)


def sign_in(base_url: str, email: str, password: str) -> requests.Session:
    """A session signed in through the real login form (CSRF token and all)."""
    session = requests.Session()
    form = session.get(base_url + "/login", timeout=10)
    answer = session.post(base_url + "/login", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_token(form.text), "email": email, "password": password})
    if answer.status_code in (302, 303) and answer.headers["Location"].endswith("/login/code"):
        form = session.get(base_url + "/login/code", timeout=10)  # the bench broker's second factor
        answer = session.post(base_url + "/login/code", timeout=30, allow_redirects=False, data={
            "csrf_token": csrf_token(form.text), "code": pyotp.TOTP(BROKER_TOTP_SECRET).now()})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"could not sign in as {email}: HTTP {answer.status_code}")
    return session
