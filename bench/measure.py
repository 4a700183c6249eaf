"""Measuring one case: is its route there, how many queries one request runs, then wrk."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from flask import Flask
from sqlalchemy.engine import make_url
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from bench import wrk
from bench.cases import Case, Facts
from bench.dataset import PASSWORD
from bench.server import Gunicorn, cpu_seconds, postgresql_pids, sign_in
from challenge.diagnostics import FRESH_HEADER

PROBE_TIMEOUT = 60
TOO_SLOW = 5.0  # seconds for one request: beyond this the page is not put under load
UNCACHED_COOKIE = "bench-uncached"  # not a valid session: the app treats the visitor as anonymous


@dataclass
class Result:
    case: Case
    status: str = "ok"  # "ok", "skipped: …" or "error: …"
    rps: float | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    errors: int = 0
    queries: int | None = None
    queries_small: int | None = None
    fraction: float | None = None
    # The ceiling (bare Flask) measured just before this case, for a target that is a fraction of it: the host's
    # speed drifts within minutes, and a ceiling read minutes earlier measured the drift as much as the page.
    ceiling_rps: float | None = None
    # CPU ms a request: the gunicorn workers' (the app, and SQLite inside it) and the PostgreSQL server's. Unlike
    # the fraction, these do not move with how cheap the machine makes a bare request (its kernel and gunicorn).
    app_cpu_ms: float | None = None
    db_cpu_ms: float | None = None
    verdict: str = "—"
    probe_seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def ran(self) -> bool:
        return self.status == "ok"


def route_present(app: Flask, path: str, method: str = "GET") -> bool:
    adapter = app.url_map.bind("127.0.0.1")
    try:
        adapter.match(urlsplit(path).path, method=method)
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


class Sessions:
    """Signed-in HTTP sessions, one per account, reused across cases."""

    def __init__(self, server: Gunicorn):
        self.server, self._by_email = server, {}

    def get(self, email: str | None) -> requests.Session:
        if email is None:
            return requests.Session()
        if email not in self._by_email:
            self._by_email[email] = sign_in(self.server.url, email, PASSWORD)
        return self._by_email[email]


def cookie_header(session: requests.Session) -> str | None:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies) or None


def probe(case: Case, facts: Facts, app: Flask, server: Gunicorn, sessions: Sessions) -> tuple[Result, list[str]]:
    """One plain request: the route's presence, its status and its X-Query-Count."""
    result = Result(case)
    paths = case.paths(facts)
    if not route_present(app, case.route or (paths or ["/"])[0]):
        result.status = "skipped: route not present"
        return result, []
    if not paths:
        result.status = "skipped: its data is not loaded"
        return result, []
    try:
        session = sessions.get(case.login(facts))
    except RuntimeError as exc:
        result.status = f"error: {exc}"
        return result, []
    started = time.monotonic()
    try:
        # A cookie keeps the anonymous page cache (challenge/platform/pagecache.py) out of the probe, and
        # X-Render-Fresh its shared parts, so the queries counted are those of rendering the page,
        # whichever worker answers and whenever.
        answer = session.get(server.url + paths[0], allow_redirects=False, timeout=PROBE_TIMEOUT,
                             cookies=None if session.cookies else {"session": UNCACHED_COOKIE},
                             headers={FRESH_HEADER: "1"})
    except requests.RequestException:
        result.status = f"error: no answer within {PROBE_TIMEOUT} s"
        return result, []
    result.probe_seconds = time.monotonic() - started
    if answer.status_code != 200:
        result.status = f"error: HTTP {answer.status_code} for {paths[0]}"
        return result, []
    count = answer.headers.get("X-Query-Count")
    result.queries = int(count) if count is not None else None
    return result, paths


def run_case(case: Case, facts: Facts, app: Flask, server: Gunicorn, sessions: Sessions, duration: int) -> Result:
    result, paths = probe(case, facts, app, server, sessions)
    if not result.ran:
        return result
    if result.probe_seconds > TOO_SLOW:
        # Sixteen connections on a page this slow would only build a queue that outlives the run.
        result.status = f"error: one request took {result.probe_seconds:.1f} s; not loaded further"
        return result
    session = sessions.get(case.login(facts))
    cookie = cookie_header(session)
    headers = {} if case.page_cache else {FRESH_HEADER: "1"}  # "rendered": no kept page, no shared part
    if cookie is not None:
        # A browser sends the User-Agent it signed in with. wrk sends none, and Flask-Login, seeing another browser
        # than the one that signed in, marks the session not fresh: a change to the session, which each request
        # (carrying the cookie unchanged) made again and was answered with a new cookie, signed and compressed.
        headers["User-Agent"] = session.headers["User-Agent"]
    elif not case.page_cache:
        cookie = f"session={UNCACHED_COOKIE}"
    url = make_url(server.env.get("DATABASE_URL") or "sqlite://")
    database = postgresql_pids(url.database) if url.get_backend_name() == "postgresql" else []
    app_before, db_before = server.cpu_seconds(), cpu_seconds(database)
    measured = wrk.run(server.url, paths, duration=duration, cookie=cookie, connections=case.connections,
                       headers=headers)
    server.wait_idle()  # the requests still queued when wrk stopped are served, and counted, before reading
    served = measured.requests or measured.requests_per_second * duration
    if served:
        result.app_cpu_ms = (server.cpu_seconds() - app_before) * 1000 / served
        if database:
            result.db_cpu_ms = (cpu_seconds(sorted(set(database + postgresql_pids(url.database)))) - db_before) \
                * 1000 / served
    result.rps, result.errors = measured.requests_per_second, measured.error_count
    result.p50, result.p95, result.p99 = measured.p(50), measured.p(95), measured.p(99)
    return result


def judge(results: list[Result]) -> None:
    """Fill in each case's fraction of the baseline (of the ceiling measured beside it, when it was) and whether it
    met its targets."""
    base = next((r for r in results if r.case.baseline and r.ran), None)
    by_name = {r.case.name: r for r in results if r.ran}
    for r in results:
        if r.status.startswith("error"):
            grew = r.queries_small is not None and r.queries is not None and r.queries != r.queries_small
            r.verdict = "not met" + (f" (queries {r.queries_small} → {r.queries})" if grew else "")
        if not r.ran:
            continue
        ceiling = r.ceiling_rps or (base.rps if base else None)
        if ceiling:
            r.fraction = r.rps / ceiling
        target = r.case.target
        if target.min_fraction is not None:
            if target.of is None:
                fraction, of = r.fraction, "bare Flask"
            else:  # an older target, quoted against another case (the app's /healthz)
                other = by_name.get(target.of)
                fraction, of = (r.rps / other.rps if other and other.rps else None), target.of
            if fraction is None or fraction < target.min_fraction:
                r.reasons.append(f"{fraction or 0:.0%} of {of}")
        if target.max_p95_ms is not None and (r.p95 is None or r.p95 > target.max_p95_ms):
            r.reasons.append(f"p95 {r.p95:.0f} ms")
        if r.queries_small is not None and r.queries is not None and r.queries != r.queries_small:
            r.reasons.append(f"queries {r.queries_small} → {r.queries}")
        if r.errors:
            r.reasons.append(f"{r.errors} failed requests")
        has_target = target.min_fraction is not None or target.max_p95_ms is not None or r.queries_small is not None
        if r.case.baseline and not r.reasons:
            r.verdict = "—"
        elif r.reasons:
            r.verdict = "not met (" + "; ".join(r.reasons) + ")"
        else:
            r.verdict = "met" if has_target else "—"
