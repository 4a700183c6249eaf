"""What the benchmark measures: one row per case in CASES.

A case names its page, builds its URL(s) from `Facts` about the loaded data, says who must be signed in
and what its target is. To add a page, add a row. A case whose data is missing (its `paths` returns
None) or whose route the app does not have is printed as skipped, not failed.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func, select

from bench.dataset import BROKER_EMAIL, CREATOR_EMAIL, SEEKER_EMAIL, SEEKER_SLUG, table
from challenge.config import Config

SEARCH_WORDS = ["loneliness", "hospital", "school", "carers"]


@dataclass
class Facts:
    """What the URL builders need to know about the data that was loaded."""

    open_slugs: list[str]
    public_count: int
    per_page: int = Config.PER_PAGE
    broker_email: str = BROKER_EMAIL
    panel_slug: str | None = None
    panel_login: str | None = None
    judge_login: str | None = None
    score_sheet: int | None = None
    creator_email: str = CREATOR_EMAIL
    seeker_email: str = SEEKER_EMAIL
    seeker_slug: str = SEEKER_SLUG
    notes: dict = field(default_factory=dict)

    def deep_pages(self) -> list[int]:
        """Pages about four-fifths of the way through the public catalogue."""
        last = max(1, -(-self.public_count // self.per_page))
        deep = max(2, last * 4 // 5)
        return sorted({max(2, min(last, deep + k)) for k in range(-2, 3)})


@dataclass(frozen=True)
class Target:
    min_fraction: float | None = None  # of the baseline's requests per second
    max_p95_ms: float | None = None
    of: str | None = None  # the case min_fraction is of, when not the baseline (bare Flask)

    def describe(self, connections: int = 16) -> str:
        parts = []
        if self.min_fraction is not None:
            parts.append(f"≥ {self.min_fraction:.0%} of {self.of or 'bare Flask'}")
        if self.max_p95_ms is not None:
            parts.append(f"p95 ≤ {self.max_p95_ms:.0f} ms at {connections} connections")
        return ", ".join(parts) or "—"


@dataclass(frozen=True)
class Case:
    name: str
    paths: Callable[[Facts], list[str] | None]
    login: Callable[[Facts], str | None] = lambda facts: None
    target: Target = Target()
    baseline: bool = False  # the ceiling every fraction is quoted against (served by bench.hello, not the app)
    route: str | None = None  # a sample path, to tell "route not present" from "data not loaded"
    # wrk connections. Throughput cases queue 16 on the 2 workers; a latency target is measured with one
    # connection per worker, so p95 is the time one person waits rather than the length of a queue.
    connections: int = 16
    # False: every request carries a cookie, so the anonymous page cache never answers and each request
    # renders the page (what a visitor gets after a change, or on a page nobody asked for in a minute).
    page_cache: bool = True


KEPT = Target(min_fraction=0.40, of="/healthz")
SIGNED_IN_THROUGHPUT = Target(min_fraction=0.12)  # issue 13: the catalogue, search and challenge page
LIST = Target(max_p95_ms=10)  # a signed-in list or page, one request without queueing (issue 13)
DASHBOARD = Target(max_p95_ms=40)  # dashboards and the panel view
ONE_PER_WORKER = 2  # wrk connections for a latency budget: one per gunicorn worker


def _signed_in(name: str, paths, login, target: Target = LIST, route: str | None = None) -> Case:
    return Case(name, paths, login=login, target=target, route=route, connections=ONE_PER_WORKER)


def _creator(f: Facts) -> str:
    return f.creator_email


def _seeker(f: Facts) -> str:
    return f.seeker_email


def _broker(f: Facts) -> str:
    return f.broker_email


CASES: list[Case] = [
    Case("ceiling: bare Flask hello-world", lambda f: ["/"], baseline=True),
    Case("/healthz", lambda f: ["/healthz"]),
    # Anonymous visitors, served kept copies: the 30 November target, ≥ 40 % of the app's own /healthz.
    Case("catalogue, first page", lambda f: ["/"], target=KEPT),
    Case("catalogue, deep page", lambda f: [f"/?page={p}" for p in f.deep_pages()], target=KEPT),
    Case("catalogue, search", lambda f: [f"/?q={w}" for w in SEARCH_WORDS], target=KEPT),
    Case("challenge page", lambda f: [f"/challenges/{s}" for s in f.open_slugs] or None, target=KEPT),
    # What the first visitor after a change waits for: no kept page or shared part (issue 13 asks the
    # signed-in budget of these too).
    Case("catalogue, first page, rendered", lambda f: ["/"], page_cache=False, target=SIGNED_IN_THROUGHPUT),
    Case("catalogue, search, rendered", lambda f: [f"/?q={w}" for w in SEARCH_WORDS], page_cache=False,
         target=SIGNED_IN_THROUGHPUT),
    Case("challenge page, rendered", lambda f: [f"/challenges/{s}" for s in f.open_slugs] or None,
         page_cache=False, target=SIGNED_IN_THROUGHPUT),
    # Signed in (issue 13): every request renders. Throughput as a fraction of the ceiling for the three
    # pages everyone opens; a latency budget with one connection per worker for the daily pages.
    Case("creator: catalogue, first page", lambda f: ["/"], login=_creator, target=SIGNED_IN_THROUGHPUT),
    Case("creator: catalogue, deep page", lambda f: [f"/?page={p}" for p in f.deep_pages()], login=_creator,
         target=SIGNED_IN_THROUGHPUT),
    Case("creator: catalogue, search", lambda f: [f"/?q={w}" for w in SEARCH_WORDS], login=_creator,
         target=SIGNED_IN_THROUGHPUT),
    Case("creator: challenge page", lambda f: [f"/challenges/{s}" for s in f.open_slugs] or None, login=_creator,
         target=SIGNED_IN_THROUGHPUT),
    _signed_in("creator: my submissions", lambda f: ["/my/submissions"], _creator),
    _signed_in("creator: my payouts", lambda f: ["/my/payouts"], _creator),
    _signed_in("judge: queue", lambda f: [f"/judging/{f.panel_slug}/queue"] if f.panel_slug else None,
               lambda f: f.judge_login, route="/judging/x/queue"),
    _signed_in("judge: score sheet",
               lambda f: [f"/judging/{f.panel_slug}/entries/{f.score_sheet}"] if f.score_sheet else None,
               lambda f: f.judge_login, route="/judging/x/entries/1"),
    _signed_in("seeker: challenge list", lambda f: ["/dashboard"], _seeker),
    _signed_in("seeker: submissions list", lambda f: [f"/challenges/{f.seeker_slug}/submissions"], _seeker),
    _signed_in("panel view (500 × 8 × 5)",
               lambda f: [f"/judging/{f.panel_slug}/panel?round=1"] if f.panel_slug else None,
               lambda f: f.panel_login, target=DASHBOARD, route="/judging/x/panel"),
    _signed_in("broker: finance page", lambda f: ["/finance"], _broker),
    _signed_in("broker: partnership board", lambda f: ["/partnerships/"], _broker),
    _signed_in("broker: review queue", lambda f: ["/admin/review"], _broker),
    _signed_in("broker: dashboard", lambda f: ["/dashboards/broker"], _broker, target=DASHBOARD),
]


def discover(engine: Engine, now: datetime, extra: dict | None = None) -> Facts:
    """Facts about what is in the database now: a hundred open challenges, how many are public."""
    challenges = table("challenges")
    with engine.connect() as conn:
        slugs = conn.scalars(
            select(challenges.c.slug).where(challenges.c.state == "published", challenges.c.opens_at <= now,
                                            challenges.c.closes_at > now)
            .order_by(challenges.c.id).limit(100)).all()
        public = conn.scalar(select(func.count()).select_from(challenges)
                             .where(challenges.c.state.not_in(("draft", "in_review", "cancelled"))))
    facts = Facts(open_slugs=list(slugs), public_count=public)
    for key, value in (extra or {}).items():
        if hasattr(facts, key):
            setattr(facts, key, value)
        else:
            facts.notes[key] = value
    return facts
