"""The benchmark's table, printed and written to docs/benchmarks.md (one section per database)."""
from __future__ import annotations

import platform
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import Result
from bench.server import Memory

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
MEMORY_LIMIT_MB = 150
HEAD = ["case", "req/s", "p50 ms", "p95 ms", "p99 ms", "queries/req (small → full)", "of bare Flask",
        "CPU ms/req (app + database)", "target", "result"]
INTRO = """# Benchmarks

Measured by `python -m bench.run` (see `bench/`): a fresh database loaded in bulk, the app served by
`gunicorn -w 2 -k sync` on 127.0.0.1, and `wrk -t2 -c16 --latency` for each page (`-c2`, one connection
per worker, where the target is a latency: then p95 is what one person waits, not the length of a
queue). Each page's throughput is quoted as a fraction of the ceiling, a bare Flask hello-world
(`bench/hello.py`) served by the same gunicorn in the same run (the app's own `/healthz` is measured
beside it), because the machine is shared and absolute numbers drift from run to run; a page whose target is
such a fraction is judged against the ceiling measured again just before it, because they drift within a run
too. Signed-in cases
sign in through the login form as the role that uses the page (bench/cases.py); every request of theirs
renders the page. The CPU a request costs the app's workers (and, on PostgreSQL, the database server) is read
from /proc around each wrk run: the fraction of bare Flask moves with the machine, because a bare request is mostly
the kernel's and gunicorn's work, whose cost differs between machines more than Python's (a host where the ceiling
read 10,600 req/s against another's 7,600 served the rendered challenge page at the same ~750), while the CPU a
request costs is the code's own. Queries per request come from the app's opt-in `X-Query-Count` header
(challenge/diagnostics.py), read once with the small data set and once with the full one: they must be
equal. A page whose single request takes more than 5 s is not put under load (it would only build a
queue) and is reported as not met. To measure another page, add a row to `CASES` in `bench/cases.py`; a
case whose route is absent is skipped. After the last case each worker's memory is read from
`/proc/<pid>/smaps_rollup`: its RSS (the budget, < 150 MB each, is on RSS: the issue's "resident", and
the figure a per-process limit sees) beside its RSS before any request, its PSS (its share of the pages
the workers share: the workers' PSS add up to what they cost the machine) and its USS (what only it
holds). The deadline rush (`python -m bench.rush`) is reported at the end.
"""


@dataclass
class Run:
    database: str
    command: str
    started: str
    plan: str
    small: int
    rows: dict[str, int]
    load_seconds: float
    duration: int
    results: list[Result]
    memory: list[Memory] = field(default_factory=list)  # each worker's, after the load
    memory_at_start: list[Memory] = field(default_factory=list)  # each worker's, before its first request
    total_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _n(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def row(r: Result) -> list[str]:
    small = "—" if r.queries_small is None else str(r.queries_small)
    queries = f"{small} → {'—' if r.queries is None else r.queries}"
    target = r.case.target.describe(r.case.connections)
    if not r.ran:
        error = r.status.startswith("error")
        return [r.case.name, r.status, "", "", "", queries if error else "", "", "", target,
                r.verdict if error else ""]
    fraction = "—" if r.fraction is None or r.case.baseline else f"{r.fraction:.0%}"
    return [r.case.name, _n(r.rps, 0), _n(r.p50), _n(r.p95), _n(r.p99), queries, fraction, cpu(r), target, r.verdict]


def cpu(r: Result) -> str:
    """The CPU a request cost the app's workers, and the database server beside them when it is PostgreSQL."""
    if r.app_cpu_ms is None:
        return "—"
    return _n(r.app_cpu_ms, 2) + ("" if r.db_cpu_ms is None else f" + {r.db_cpu_ms:.2f}")


def memory_line(run: Run) -> str:
    """Each worker's memory after the load against the budget, which is on RSS (the issue's "resident"):
    RSS counts the pages a worker shares with the others in full, so it is the figure a per-process limit
    sees and the safe one. PSS, the worker's fair share of those pages, is what the workers add up to."""
    if not run.memory:
        return f"Worker memory after the load: not measured (budget < {MEMORY_LIMIT_MB} MB RSS each)"
    start = {i: m for i, m in enumerate(run.memory_at_start)}
    each = []
    for i, m in enumerate(run.memory):
        before = f" (at start {start[i].rss:.0f})" if i in start else ""
        shares = "" if m.pss is None else f", PSS {m.pss:.0f} MB, USS {m.uss:.0f} MB"
        each.append(f"worker {i + 1}: RSS {m.rss:.0f} MB{before}{shares}")
    ok = all(m.rss < MEMORY_LIMIT_MB for m in run.memory)
    return f"Worker memory after the load: {'; '.join(each)}. Budget < {MEMORY_LIMIT_MB} MB RSS each: " \
           f"{'met' if ok else 'not met'}"


def facts(run: Run) -> list[str]:
    return [
        f"Date: {run.started}",
        f"Command: `{run.command}`",
        f"Machine: {_nproc()} cores, {_cpu()}, Python {platform.python_version()}, {_wrk_version()}",
        f"Database: {run.database}",
        f"Data: {run.plan}; rows loaded: " + ", ".join(f"{k} {v:,}" for k, v in run.rows.items()),
        f"Bulk load: {run.load_seconds:.1f} s; each wrk run {run.duration} s; whole run {run.total_seconds:.0f} s",
        f"Queries per request measured at {run.small:,} challenges (the panel view with a tenth of its entries), "
        "then at the full size",
    ] + run.notes


def text_table(run: Run) -> str:
    rows = [HEAD] + [row(r) for r in run.results]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEAD))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + ["", memory_line(run), ""] + facts(run))


def markdown(run: Run) -> str:
    lines = [f"## {run.database.split()[0]}", ""] + [f"- {fact}" for fact in facts(run)] + [""]
    lines += ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row(r)) + " |" for r in run.results]
    return "\n".join(lines + ["", memory_line(run), ""])


def write_section(key: str, body: str, path: Path = DOC) -> None:
    """Replace this database's section of the document, keeping the others."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    current = path.read_text() if path.exists() else INTRO
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(current):
        current = pattern.sub(lambda _: block, current)
    else:
        rush = current.find("<!-- bench:rush")
        current = (current[:rush] + block + "\n\n" + current[rush:]) if rush >= 0 and not key.startswith("rush") \
            else current.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current)


def _nproc() -> str:
    return _output(["nproc"]) or "?"


def _cpu() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return match.group(1).strip() if match else "unknown CPU"


def _wrk_version() -> str:
    first = (_output(["wrk", "--version"]) or "wrk").splitlines()[0]
    return " ".join(first.split()[:2])


def _output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip()
