"""`python -m bench.memory`: where a worker's resident memory goes while it serves the benchmark's cases.

    python -m bench.memory [--db /tmp/bench-memory.db | --postgresql bench_memory] [--cases judge]
                           [--rounds 3] [--trace] [--top 15]

Issue 13 asks each gunicorn worker to stay under 150 MB resident after `bench.run`'s load. This builds the
app in this process exactly as a worker does (`create_app()` from the environment `bench.run` gives
gunicorn), on the data set `bench.profile` loads and keeps, then serves every case of bench/cases.py
through Flask's test client the way wrk sends them: anonymous (kept pages), anonymous with a cookie and
X-Render-Fresh ("rendered"), or signed in through the login form (the broker with its second factor).
Each path of each case is asked --rounds times. After each case it prints the process's RSS
(/proc/self/status), what the case added, and the packages it imported first; at the end the per-process
caches with their entries and sizes, and how much memory malloc holds without using it.

With --trace, tracemalloc follows the allocations (it costs memory and time itself, so RSS is then higher
than a worker's) and each case prints the lines whose live allocations grew most, and the end the lines
holding most of what the cases added.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import re
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bench.cases import CASES
from bench.dataset import PASSWORD
from bench.profile import loaded
from bench.server import BROKER_TOTP_SECRET, SECRET_KEY
from challenge import create_app
from challenge.diagnostics import FRESH_HEADER

UNCACHED_COOKIE = "bench-uncached"  # as bench.measure: not a valid session, so the visitor is anonymous
MB = 1024 * 1024


def rss() -> float:
    """This process's resident set, MB."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


def mappings() -> dict[str, float]:
    """RSS (MB) by what is mapped, from /proc/self/smaps: each shared library or file by its path, and
    anonymous memory (malloc's heap, Python's arenas, mmap'd buffers) as "[anonymous]"."""
    found: dict[str, float] = {}
    name = "[anonymous]"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            name = fields[5] if len(fields) > 5 else "[anonymous]"
            name = "[anonymous]" if name == "[heap]" else name
        elif fields[0] == "Rss:":
            found[name] = found.get(name, 0.0) + int(fields[1]) / 1024
    return found


def malloc_idle() -> tuple[float, float] | None:
    """(MB malloc has in use, MB it holds free) from glibc's mallinfo2, or None elsewhere. Free memory
    inside malloc's heaps still counts in RSS once touched: it is what fragmentation costs."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None

    class Mallinfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
            "keepcost")]

    if not hasattr(libc, "mallinfo2"):
        return None
    libc.mallinfo2.restype = Mallinfo2
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / MB, info.fordblks / MB


def sign_in(app, email: str):
    """A test client signed in through the login form, as bench.server.sign_in does over HTTP."""
    import pyotp

    from bench.server import csrf_token

    client = app.test_client()
    form = client.get("/login")
    answer = client.post("/login", data={"csrf_token": csrf_token(form.text), "email": email,
                                         "password": PASSWORD})
    if answer.status_code in (302, 303) and answer.headers["Location"].endswith("/login/code"):
        form = client.get("/login/code")
        answer = client.post("/login/code", data={"csrf_token": csrf_token(form.text),
                                                  "code": pyotp.TOTP(BROKER_TOTP_SECRET).now()})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"could not sign in as {email}: HTTP {answer.status_code}")
    return client


def holders(app) -> list[tuple[str, Callable[[], int], Callable[[], None]]]:
    """(name, its number of entries, how to empty it) for each per-process cache a request can fill."""
    from challenge import markdown
    from challenge.dashboards import charts
    from challenge.extensions import cache, db
    from challenge.judging import comparisons, results
    from challenge.platform import sealed

    with app.app_context():
        compiled = db.engine._compiled_cache
    parts = app.extensions["page_cache"]["parts"][0]
    menus = app.extensions["site_menu"][0]
    pages = getattr(cache.cache, "_cache", {})  # Flask-Caching's SimpleCache: key -> (expires, pickled page)

    def lru(function) -> tuple[Callable[[], int], Callable[[], None]]:
        return (lambda: function.cache_info().currsize), function.cache_clear

    return [
        ("kept pages (Flask-Caching)", lambda: len(pages), pages.clear),
        ("shared parts and values (pagecache)", lambda: len(parts), parts.clear),
        ("menus (platform.menu)", lambda: len(menus), menus.clear),
        ("panel results (judging.results)", lambda: len(results._CACHE), results._CACHE.clear),
        ("pairwise fits (judging.comparisons)", lambda: len(comparisons._FITS), comparisons._FITS.clear),
        ("Markdown texts (markdown._render)", *lru(markdown._render)),
        ("charts (dashboards.charts._drawn)", *lru(charts._drawn)),
        ("sealing keys (platform.sealed._fernet)", *lru(sealed._fernet)),
        ("SQLAlchemy compiled statements", lambda: len(compiled), compiled.clear),
        ("Jinja compiled templates", lambda: len(app.jinja_env.cache), app.jinja_env.cache.clear),
    ]


def report_holders(app, traced: bool) -> None:
    """Each cache's entries and, when tracemalloc followed their filling, the memory emptying it frees (so
    what its entries hold alone, not what they share with the rest of the process)."""
    print("\nper-process caches: entries" + (", MB freed when emptied (tracemalloc)" if traced else ""))
    for name, entries, empty in holders(app):
        line = f"  {name:42} {entries():5d}"
        if traced:
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            empty()
            gc.collect()
            line += f"  {(before - tracemalloc.get_traced_memory()[0]) / MB:6.2f}"
        print(line)


def top_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, top: int) -> list[str]:
    lines = []
    for stat in after.compare_to(before, "lineno")[:top]:
        if stat.size_diff <= 0:
            break
        frame = stat.traceback[0]
        lines.append(f"      {stat.size_diff / 1024:8.0f} KiB  {stat.count_diff:+7d} blocks  "
                     f"{_short(frame.filename)}:{frame.lineno}")
    return lines


def _short(filename: str) -> str:
    for mark in ("site-packages/", "/challenge/", "/lib/python"):
        if mark in filename:
            return (mark.strip("/") + "/" if mark == "/challenge/" else "") + filename.split(mark, 1)[1]
    return filename


def _packages() -> set[str]:
    return {name.split(".")[0] for name in sys.modules}


def client_for(app, case, email: str | None, clients: dict):
    """The test client and headers wrk would send for `case`: one signed-in client per person, reused
    across cases (as bench.measure.Sessions), or an anonymous one, with a cookie and X-Render-Fresh for the
    "rendered" cases."""
    if email:
        if email not in clients:
            clients[email] = sign_in(app, email)
        return clients[email], {}
    client = app.test_client()
    if case.page_cache:
        return client, {}
    client.set_cookie("session", UNCACHED_COOKIE)
    return client, {FRESH_HEADER: "1"}


def serve(app, case, facts, clients: dict, rounds: int, trace: int | None) -> None:
    """Ask each path of `case` `rounds` times; print RSS, what the case added and imported, and with
    tracemalloc (`trace`: lines to print) the case's peak above what was live and the lines that grew."""
    paths, email = case.paths(facts), case.login(facts)
    if not paths:
        print(f"{case.name:40} skipped: its data is not loaded")
        return
    packages, before = _packages(), rss()
    if trace is not None:
        shot = tracemalloc.take_snapshot()
        tracemalloc.reset_peak()
        live = tracemalloc.get_traced_memory()[0]
    client, headers = client_for(app, case, email, clients)
    for _ in range(rounds):
        for path in paths:
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, f"{case.name}: {path}: HTTP {answer.status_code}"
    now, new = rss(), sorted(_packages() - packages)
    peak = f"  peak +{(tracemalloc.get_traced_memory()[1] - live) / MB:.1f}" if trace is not None else ""
    print(f"{case.name:40} RSS {now:6.1f} MB ({now - before:+5.1f}){peak}  {len(paths)} paths"
          + (f"  imported: {', '.join(new)}" if new else ""), flush=True)
    if trace:
        print("\n".join(top_growth(shot, tracemalloc.take_snapshot(), trace)))


def summary(app, start: float, at_start: dict[str, float], traced: tracemalloc.Snapshot | None, top: int) -> None:
    """What the cases added in all, by mapping, malloc's idle memory, the lines holding it (with
    tracemalloc), then the caches (which this empties)."""
    gc.collect()
    end, mapped = rss(), mappings()
    print("\nRSS added by each mapping since create_app() (MB):")
    for added, name in sorted(((mapped[k] - at_start.get(k, 0.0), k) for k in mapped), reverse=True):
        if added >= 0.25:
            print(f"  {added:6.1f}  {_short(name)}")
    print(f"\nafter every case: RSS {end:.1f} MB ({end - start:+.1f} since create_app()), {len(sys.modules)} modules")
    idle = malloc_idle()
    if idle:
        print(f"malloc: {idle[0]:.1f} MB in use, {idle[1]:.1f} MB free inside its heaps")
    if traced is not None:
        print(f"\ntracemalloc: {tracemalloc.get_traced_memory()[0] / MB:.1f} MB live since create_app(); "
              f"the lines holding most of it:")
        print("\n".join(top_growth(traced, tracemalloc.take_snapshot(), top)))
    report_holders(app, traced is not None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-memory.db"))
    parser.add_argument("--postgresql", metavar="NAME", default="",
                        help="a PostgreSQL database of this name on the bench's server instead of SQLite")
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--cases", default="", help="only cases whose name contains this")
    parser.add_argument("--rounds", type=int, default=3, help="times each path of each case is asked")
    parser.add_argument("--trace", action="store_true", help="follow allocations with tracemalloc")
    parser.add_argument("--top", type=int, default=12, help="lines printed per case with --trace")
    args = parser.parse_args(argv)
    url, facts = loaded(args.db, args.postgresql, args.challenges)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as workdir:
        # What bench.run's environment gives gunicorn's workers (challenge.config read the environment when
        # bench.cases imported it, so it is handed over as settings).
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "QUERY_COUNT_HEADER": True,
                          "RATELIMIT_AUTH": "1000 per minute", "UPLOAD_FOLDER": f"{workdir}/uploads",
                          "MAIL_FOLDER": f"{workdir}/mail"})
        serve_all(app, facts, args)
    return 0


def serve_all(app, facts, args) -> None:
    """Every case in turn, then the summary."""
    gc.collect()
    start, at_start = rss(), mappings()
    print(f"after create_app(): RSS {start:.1f} MB, {len(sys.modules)} modules", flush=True)
    if args.trace:
        tracemalloc.start(1)
    first = tracemalloc.take_snapshot() if args.trace else None
    clients: dict[str, object] = {}
    for case in CASES:
        if not case.baseline and args.cases in case.name:
            serve(app, case, facts, clients, args.rounds, args.top if args.trace else None)
    summary(app, start, at_start, first, 3 * args.top)


if __name__ == "__main__":
    sys.exit(main())
