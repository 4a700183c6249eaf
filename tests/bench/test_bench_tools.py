"""The benchmark's own tools: wrk's output parser, the case table's helpers, the query-count header."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from bench import report, wrk
from bench.cases import Case, Facts, Target
from bench.dataset import PHASE_CYCLE, Plan, first_creator_id, submission_rows
from bench.measure import UNCACHED_COOKIE, Result, judge, route_present
from bench.server import Memory, memory_of
from challenge import create_app
from challenge.extensions import db
from tests.factories import counted_statements

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:5200
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.12ms    1.23ms  30.00ms   90.00%
    Req/Sec     1.31k   100.00     1.50k    70.00%
  Latency Distribution
     50%  850.00us
     75%    6.50ms
     90%    7.20ms
     99%    1.05s
  26112 requests in 10.00s, 5.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   2611.20
Transfer/sec:    512.00KB
"""


def test_parser_reads_rate_percentiles_and_errors():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(2611.2)
    assert result.requests == 26112
    assert result.percentiles_ms == {50: pytest.approx(0.85), 75: 6.5, 90: 7.2, 99: 1050.0}
    assert result.p(95) is None
    assert result.errors == {"connect": 0, "read": 2, "write": 0, "timeout": 3, "status": 7}
    assert result.error_count == 12


def test_parser_takes_p95_and_exact_figures_from_the_lua_hook():
    hook = ("bench: requests=26100 duration_us=10000000 p50=5900 p90=7250 p95=8125 p99=10500 max=30000 "
            "connect=0 read=0 write=0 status=1 timeout=0\n")
    result = wrk.parse(WRK_OUTPUT + hook)
    assert result.p(95) == pytest.approx(8.125)
    assert result.p(50) == pytest.approx(5.9)
    assert result.requests == 26100
    assert result.error_count == 1


@pytest.mark.parametrize("text, ms", [("850.00us", 0.85), ("6.12ms", 6.12), ("1.20s", 1200.0), ("2.00m", 120000.0)])
def test_durations_convert_to_milliseconds(text, ms):
    assert wrk.to_ms(text) == pytest.approx(ms)


def test_parser_refuses_output_without_a_rate():
    with pytest.raises(ValueError):
        wrk.parse("unable to connect to 127.0.0.1:5200 Connection refused")


def test_lua_script_quotes_paths_safely():
    script = wrk.lua_script(['/?q="x"', "/challenges/a"])
    assert 'paths = {"/?q=\\"x\\"", "/challenges/a"}' in script
    assert "latency:percentile(95)" in script


def test_wrk_runs_only_against_loopback():
    with pytest.raises(ValueError):
        wrk.run("http://10.0.0.1:80", ["/"], duration=1)


def test_route_presence_comes_from_the_url_map(app):
    assert route_present(app, "/healthz")
    assert route_present(app, "/?page=3")
    assert route_present(app, "/challenges/anything")
    assert not route_present(app, "/no/such/page")


def test_deep_pages_stay_inside_the_catalogue():
    facts = Facts(open_slugs=[], public_count=8_500, per_page=12)
    pages = facts.deep_pages()
    assert max(pages) <= 709 and min(pages) >= 2 and 560 <= pages[2] <= 570
    assert Facts(open_slugs=[], public_count=5, per_page=12).deep_pages() == [2]


def test_plan_spreads_exactly_the_planned_submissions():
    counts = Plan(challenges=1_000, submissions=10_000).entries_per_challenge()
    assert sum(counts) == 10_000 and len(counts) == 1_000
    assert counts[0] > 0 and 0 in counts  # drafts and upcoming ones take none


def test_the_bench_creator_has_a_decided_entry_among_the_first_100_challenges_however_big_the_plan():
    """"my submissions" then runs its outcome statements at both sizes, so the query counts compare."""
    for plan in (Plan(challenges=100, submissions=1_000), Plan()):
        counts = plan.entries_per_challenge()
        creator = first_creator_id(plan)
        decided = []
        for i in range(100):
            phase = PHASE_CYCLE[i % len(PHASE_CYCLE)]
            rows = submission_rows(i, i + 1, counts[i], 1, plan, phase, datetime(2026, 1, 1))
            assert len({r["owner_id"] for r in rows}) == len(rows)  # one entry per creator per challenge
            decided += [r for r in rows if r["owner_id"] == creator and phase == "decided"]
        assert [r["state"] for r in decided] == ["not_selected"]


def test_judge_compares_with_the_baseline_and_the_small_query_count():
    base = Result(Case("baseline", lambda f: ["/healthz"], baseline=True), rps=1000.0, queries=0)
    fast = Result(Case("fast", lambda f: ["/"], target=Target(min_fraction=0.4)), rps=500.0, queries=3,
                  queries_small=3)
    grows = Result(Case("grows", lambda f: ["/"], target=Target(min_fraction=0.4)), rps=500.0, queries=9,
                   queries_small=3)
    slow = Result(Case("slow", lambda f: ["/"], target=Target(max_p95_ms=150)), rps=10.0, p95=200.0)
    judge([base, fast, grows, slow])
    assert fast.verdict == "met" and fast.fraction == pytest.approx(0.5)
    assert grows.verdict == "not met (queries 3 → 9)"
    assert slow.verdict == "not met (p95 200 ms)"


def test_a_page_is_judged_against_the_ceiling_measured_beside_it():
    """The host's speed drifts within a run: a page's fraction is of the ceiling read just before it, where there is
    one, not of the first reading (which would judge a slow minute's page against a fast minute's ceiling)."""
    base = Result(Case("ceiling", lambda f: ["/"], baseline=True), rps=5000.0, queries=0)
    slow_minute = Result(Case("rendered", lambda f: ["/"], target=Target(min_fraction=0.12)), rps=500.0,
                         ceiling_rps=3500.0)
    unpaired = Result(Case("rendered too", lambda f: ["/"], target=Target(min_fraction=0.12)), rps=500.0)
    judge([base, slow_minute, unpaired])
    assert slow_minute.fraction == pytest.approx(500 / 3500) and slow_minute.verdict == "met"
    assert unpaired.fraction == pytest.approx(0.1) and unpaired.verdict == "not met (10% of bare Flask)"


def test_report_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    report.write_section("sqlite", "## SQLite\nfirst", doc)
    report.write_section("postgresql", "## PostgreSQL\nnumbers", doc)
    report.write_section("sqlite", "## SQLite\nsecond", doc)
    text = doc.read_text()
    assert "second" in text and "first" not in text and "numbers" in text
    assert text.startswith("# Benchmarks")


def test_each_databases_rush_keeps_its_own_section_after_the_pages(tmp_path):
    doc = tmp_path / "benchmarks.md"
    report.write_section("rush-sqlite", "## Deadline rush: SQLite\nheld", doc)
    report.write_section("rush-postgresql", "## Deadline rush: PostgreSQL\nheld too", doc)
    report.write_section("sqlite", "## SQLite\npages", doc)
    report.write_section("rush-sqlite", "## Deadline rush: SQLite\nheld again", doc)
    text = doc.read_text()
    assert "held again" in text and "held too" in text and "\nheld\n" not in text
    assert text.index("## SQLite") < text.index("Deadline rush: SQLite") < text.index("Deadline rush: PostgreSQL")


def _run(memory, at_start=()):
    return report.Run(database="SQLite 3", command="python -m bench.run", started="now", plan="plan", small=1,
                      rows={}, load_seconds=0, duration=1, results=[], memory=memory, memory_at_start=list(at_start))


def test_memory_is_judged_on_each_workers_rss_and_shows_pss_and_uss():
    line = report.memory_line(_run([Memory(120.4, 90.2, 80.9), Memory(149.6, 100, 95)], [Memory(85, 60, 50)]))
    assert "worker 1: RSS 120 MB (at start 85), PSS 90 MB, USS 81 MB" in line
    assert "worker 2: RSS 150 MB, PSS 100 MB, USS 95 MB" in line and line.endswith("RSS each: met")
    assert report.memory_line(_run([Memory(120), Memory(151)])).endswith("not met")
    assert "not measured" in report.memory_line(_run([]))


def test_a_process_memory_is_read_from_proc():
    import os

    mine = memory_of(os.getpid())
    assert 10 < mine.rss < 2000
    assert mine.pss is None or 0 < mine.uss <= mine.pss <= mine.rss


@pytest.fixture()
def counting_client(app):
    counting = create_app({**app.config, "QUERY_COUNT_HEADER": True})
    yield counting.test_client()
    with counting.app_context():
        db.session.remove()
        db.engine.dispose()


def test_query_count_header_is_off_by_default(client):
    assert "X-Query-Count" not in client.get("/healthz").headers
    assert "X-Query-Count" not in client.get("/").headers


def test_query_count_header_counts_statements_when_on(counting_client, make_user, make_org, make_challenge):
    make_challenge(make_org(owner=make_user()))
    assert counting_client.get("/healthz").headers["X-Query-Count"] == "0"
    catalogue = counting_client.get("/")
    assert catalogue.status_code == 200
    assert int(catalogue.headers["X-Query-Count"]) > 0
    assert counting_client.get("/healthz").headers["X-Query-Count"] == "0"  # reset per request


def test_query_count_header_counts_loading_the_signed_in_user(counting_client, make_user):
    user = make_user()
    with counting_client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
    seen = []
    with counting_client.application.app_context():
        engine = db.engine
    listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        answer = counting_client.get("/my/payouts")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert answer.status_code == 200 and any("FROM users" in s for s in seen)
    assert int(answer.headers["X-Query-Count"]) == len(seen)  # the user's statement, before any view, counts


def test_the_benchmarks_uncached_cookie_keeps_the_page_cache_out(client, make_user, make_org, make_challenge):
    challenge = make_challenge(make_org(make_user()), "open")
    url = f"/challenges/{challenge.slug}"
    client.get(url)
    with counted_statements() as kept:
        assert client.get(url).status_code == 200
    client.set_cookie("session", UNCACHED_COOKIE)
    with counted_statements() as rendered:
        response = client.get(url)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert len(kept) == 0 < len(rendered)


def test_an_older_target_is_judged_against_the_case_it_names():
    base = Result(Case("ceiling", lambda f: ["/"], baseline=True), rps=6000.0, queries=0)
    healthz = Result(Case("/healthz", lambda f: ["/healthz"]), rps=3000.0, queries=0)
    kept = Result(Case("kept", lambda f: ["/"], target=Target(min_fraction=0.4, of="/healthz")), rps=1500.0)
    short = Result(Case("short", lambda f: ["/"], target=Target(min_fraction=0.4, of="/healthz")), rps=900.0)
    judge([base, healthz, kept, short])
    assert kept.verdict == "met" and kept.fraction == pytest.approx(0.25)  # the column stays of bare Flask
    assert short.verdict == "not met (30% of /healthz)"
    assert kept.case.target.describe() == "≥ 40% of /healthz"


def test_the_render_fresh_header_keeps_kept_parts_out_of_the_count(counting_client, make_user, make_org,
                                                                   make_challenge, login):
    from challenge.diagnostics import FRESH_HEADER

    make_challenge(make_org(make_user()), "open")
    login(make_user(), client=counting_client)
    counting_client.get("/")
    kept = int(counting_client.get("/").headers["X-Query-Count"])
    rendered = int(counting_client.get("/", headers={FRESH_HEADER: "1"}).headers["X-Query-Count"])
    assert kept == 1 < rendered  # the signed-in person, then everything the page reads


def test_the_bench_challenges_can_be_found_by_the_words_the_search_cases_ask_for(app, make_user, make_org):
    """The loader bypasses the ORM that keeps search_text (and through it SQLite's FTS table): each row carries its
    own, so "catalogue, search" finds challenges instead of timing an empty page."""
    from bench.cases import SEARCH_WORDS
    from bench.dataset import challenge_row, organisation_name
    from challenge.challenges.catalogue import CatalogueParams, search_challenges
    from challenge.challenges.models import Challenge, search_text_of

    plan, now = Plan(challenges=60, submissions=0, scores=0), datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
    rows = [challenge_row(i, plan, now, 10_000 + i)[0] for i in range(plan.challenges)]
    for row in rows:
        assert row["search_text"] == search_text_of(Challenge(**{k: v for k, v in row.items() if k != "search_text"}),
                                                    organisation_name(row["organisation_id"] - 1))
    seeker = make_user()
    org = make_org(seeker)
    for row in rows[:12]:  # through the database too: stored as the loader stores it, found by the catalogue
        row.update(organisation_id=org.id, created_by_id=seeker.id, state="published",
                   opens_at=None, closes_at=None)
        db.session.execute(Challenge.__table__.insert().values(**row))
    db.session.commit()
    for word in SEARCH_WORDS:
        assert any(word in row["search_text"].lower() for row in rows), word
    found = {w: search_challenges(CatalogueParams(q=w), now).total for w in SEARCH_WORDS}
    assert sum(found.values()) > 0 and found == {
        w: sum(w in r["search_text"].lower() for r in rows[:12]) for w in SEARCH_WORDS}


def test_a_processes_cpu_time_is_read_from_proc_and_grows_with_its_work():
    """bench.measure reads the workers' (and PostgreSQL's) CPU around each wrk run from /proc; an ended process
    counts nothing."""
    import os
    import time

    from bench.server import cpu_seconds

    before = cpu_seconds([os.getpid()])
    started = time.process_time()
    while time.process_time() - started < 0.1:
        sum(range(1000))
    assert cpu_seconds([os.getpid()]) - before >= 0.05
    assert cpu_seconds([2 ** 22 + 7]) == 0  # no such process


def test_the_table_shows_the_cpu_of_a_request_for_the_app_and_the_database():
    shown = Result(Case("page", lambda f: ["/"]), rps=800.0, app_cpu_ms=2.156, db_cpu_ms=0.4)
    alone = Result(Case("page", lambda f: ["/"]), rps=800.0, app_cpu_ms=1.5)
    assert report.cpu(shown) == "2.16 + 0.40" and report.cpu(alone) == "1.50"
    assert report.cpu(Result(Case("page", lambda f: ["/"]))) == "—"
    assert len(report.row(shown)) == len(report.HEAD) == len(report.row(Result(Case("x", lambda f: []),
                                                                             status="skipped: no data")))


def test_the_database_servers_cpu_counts_only_the_connections_to_the_benchs_database(app):
    """On PostgreSQL the CPU beside the app's is that of the server processes connected to the bench's database:
    not the checkpointer's or another database's."""
    from sqlalchemy import text

    from bench.server import postgresql_pids
    from challenge.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's processes")
    with db.engine.connect() as conn:
        mine = conn.scalar(text("SELECT pg_backend_pid()"))
        assert mine in postgresql_pids(db.engine.url.database)
        assert mine not in postgresql_pids(db.engine.url.database + "_other")
