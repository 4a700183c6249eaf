"""Each web worker stays under 150 MB resident (issue 13): the heavy libraries that only some requests or
only the command line need are imported when first used, never by `create_app()`.

What each one costs a worker that imports it (RSS, measured beside the app's own imports, December 2026):
fpdf2 with numpy, Pillow and fontTools ~50 MB (a funder's invoice PDF); numpy ~20 MB (the joint fit of
the panel view, the pairwise rounds: numpy only, scipy would add ~60 MB); Flask-Migrate with Alembic, Mako and Pygments ~11 MB (`flask
db`); cryptography ~10 MB (a sealed value); schwifty with pycountry ~1 MB (an IBAN checked or shown); pygal ~7 MB (a dashboard's charts; lxml, which pygal would use,
~4 MB more: charts are drawn with xml.etree); stripe ~20 MB and boto3
~24 MB (a Stripe payment, an s3:// STORAGE_URL); celery (JOBS_BROKER_URL); schemathesis (tests only).
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"fpdf", "numpy", "scipy", "PIL", "fontTools", "lxml", "pygal", "stripe", "boto3", "botocore", "celery",
         "kombu", "pandas", "schemathesis", "alembic", "flask_migrate", "mako", "pygments", "cryptography",
         "schwifty", "pycountry"}
# Variables that would rightly bring one of them in: a worker configured for Stripe, S3 or a job broker.
CONFIGURES_HEAVY = ("STORAGE_URL", "JOBS_BROKER_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")

PROBE = """
import json, sys
import wsgi
exec(sys.argv[2])
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[1])))))
"""
USES = """
from challenge.dashboards import charts
from challenge.payouts.invoices import Invoice, pdf_bytes
from challenge import markdown
from challenge.payouts import payees
from challenge.platform import sealed

assert markdown.render("```python\\nx = 1\\n```") == "<pre><code>x = 1\\n</code></pre>"

assert payees._international("DE89 3704 0044 0532 0130 00", "DEUTDEFF") == {"iban": "DE89370400440532013000",
                                                                            "bic": "DEUTDEFF"}
assert str(charts.bar("Entries", [("A", 1), ("B", 2)])).startswith("<svg")
assert pdf_bytes(Invoice(number="CX-1", reference="R", po_number="", issued="1 Dec", due="31 Dec",
                         seller=["Broker Ltd"], vat_number="GB1", buyer="Council", description="Prize pool",
                         amount="£1,000", vat_line="No VAT", bank=[("Sort code", "00-00-00")], paid="")).startswith(b"%PDF")
with wsgi.app.app_context():
    assert sealed.SPECIAL_CATEGORY.unseal(sealed.SPECIAL_CATEGORY.seal("kept")) == "kept"
"""


def imported_by_the_app(tmp_path: Path, then: str = "") -> list[str]:
    """The HEAVY packages in sys.modules after `import wsgi` (create_app() with the environment's config)
    and the code `then`, in a fresh interpreter: this test process has imported most of them already."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURES_HEAVY and not k.startswith("AWS_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}", INSTANCE_PATH=str(tmp_path), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(sorted(HEAVY)), then], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_create_app_imports_no_heavy_library(tmp_path):
    assert imported_by_the_app(tmp_path) == []


def test_each_is_imported_when_its_feature_runs(tmp_path):
    """The other half of the bargain: a lazy import is a real import, at the first use, and works."""
    loaded = imported_by_the_app(tmp_path, USES)
    assert {"pygal", "fpdf", "cryptography", "schwifty"} <= set(loaded)
    assert not {"stripe", "boto3", "celery", "alembic", "scipy", "pygments"} & set(loaded)


def test_each_bank_details_message_names_an_exception_of_schwifty():
    """The messages are filed by the exception's name, so that schwifty stays lazy: a name that schwifty does
    not have (a typo, a rename) would silently give the general message."""
    from schwifty import exceptions

    from challenge.payouts.payees import BIC_PROBLEMS, IBAN_PROBLEMS

    for name in {*IBAN_PROBLEMS, *BIC_PROBLEMS}:
        assert issubclass(getattr(exceptions, name), exceptions.SchwiftyException), name


def test_charts_are_drawn_without_lxml(tmp_path):
    """pygal draws with the standard library's xml.etree: lxml stays out of a worker that drew a dashboard's
    charts (~4 MB), unless something else needs it."""
    loaded = imported_by_the_app(tmp_path, CHART)
    assert "pygal" in loaded
    assert "lxml" not in loaded


CHART = """
from challenge.dashboards import charts

svg = str(charts.bar("Entries", [("A", 1), ("B", 2)], horizontal=True))
from pygal.etree import etree
assert svg.startswith('<svg role="img"') and svg.count("<rect") > 2 and not etree.lxml
"""


def test_a_hidden_package_cannot_be_imported_until_the_block_ends(tmp_path, monkeypatch):
    import importlib

    from challenge.platform.imports import hidden

    (tmp_path / "cx_hidden_probe.py").write_text("ANSWER = 42\n")  # a module nothing else imports
    monkeypatch.syspath_prepend(str(tmp_path))
    with hidden("cx_hidden_probe"):
        with pytest.raises(ImportError):
            importlib.import_module("cx_hidden_probe")
    assert importlib.import_module("cx_hidden_probe").ANSWER == 42
    monkeypatch.delitem(sys.modules, "cx_hidden_probe")
    with hidden("json"):  # already imported: left alone
        assert importlib.import_module("json") is json


def test_a_chart_is_written_the_same_after_lxml_was_imported():
    """Whether or not lxml was imported first (an invoice's PDF), charts are written by xml.etree."""
    import lxml.etree  # noqa: F401  (as fpdf2 would)

    from pygal.etree import etree

    from challenge.dashboards import charts

    charts._drawn.cache_clear()
    svg = str(charts.bar("Written by xml.etree", [("A", 1), ("B", 2)]))
    assert not etree.lxml
    assert 'class="background" />' in svg  # xml.etree's way of closing an empty element; lxml writes "/>"


# What a panel's results page and a pairwise round compute (results._compute and _intervals, comparisons._fit,
# next_offer and load_results), on a design big enough to use every branch: several judges per entry, a
# judge with a stretch, two groups.
PANEL_AND_PAIRWISE = """
import random
from challenge.judging import comparisons, results, scoring
from challenge.judging.scoring import pairwise

rng = random.Random(1)
raw = {j: {e: rng.randint(0, 40) / 4 for e in range(60) if (e + j) % 8 < 5} for j in range(8)}
raw[8] = {100: 3.0, 101: 4.0}
raw[9] = {100: 5.0, 101: 6.0}
assert scoring.joint_fit(raw, stretch=False).groups == 2
assert max(scoring.joint_fit(raw).stretch.values()) != 1.0
scoring.normalise(raw, 0, 10), scoring.mean_z(raw), scoring.calibration(raw)
intervals = scoring.bootstrap_intervals(raw)
scoring.too_close(sorted(intervals), intervals)
entries = list(range(30))
judged = [tuple(rng.sample(entries, 2)) for _ in range(200)]
fit = pairwise.fit(entries, judged)
assert fit.intervals()[0][0] < fit.strength[0] < fit.intervals()[0][1]
pairwise.agreement(fit, judged)
assert pairwise.next_pair(fit, entries, set(), seed=3) is not None
"""


def test_panel_results_and_pairwise_ranking_import_no_scipy(tmp_path):
    """Issue 13: the panel view's joint fit and a pairwise round's Bradley–Terry fit use numpy alone; scipy
    (~60 MB more in each worker that drew one) stays a tool of the tests and the benchmarks."""
    loaded = imported_by_the_app(tmp_path, PANEL_AND_PAIRWISE)
    assert "numpy" in loaded  # the fits ran (numpy is imported lazily by them)
    assert "scipy" not in loaded


# Caches without a maxsize whose keys come from a small fixed set, so that they are bounded by the code: a new
# one belongs here only with the reason.
BOUNDED_BY_THEIR_KEYS = {
    "challenge.notifications.feed._read_statement",  # a subset of feed._KINDS' names: a few statements
    "challenge.notifications.board._first_read",  # two booleans: four statements
    "challenge.jobs.worker.celery_app",  # the configured broker's URL and queue: one app
}


def test_every_per_process_cache_has_a_bound(app):
    """What a worker keeps between requests grows to a limit, never with the traffic: each cache of the app,
    and those of Flask-Caching, SQLAlchemy and Jinja it relies on, has a finite size (bench/memory.py prints
    how full each is after the benchmark's cases)."""
    import importlib
    import pkgutil

    from cachetools import Cache

    import challenge
    from challenge.extensions import cache, db

    for module in pkgutil.walk_packages(challenge.__path__, "challenge."):
        importlib.import_module(module.name)
    LRU_WRAPPER = type(functools.lru_cache(maxsize=1)(len))  # what @lru_cache and @cache make
    unbounded = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("challenge."):
            continue
        for attribute, value in vars(module).items():
            if isinstance(value, LRU_WRAPPER) and value.cache_parameters()["maxsize"] is None \
                    and f"{name}.{attribute}" not in BOUNDED_BY_THEIR_KEYS:
                unbounded.append(f"{name}.{attribute}: functools cache without maxsize")
            if isinstance(value, Cache) and value.maxsize == float("inf"):
                unbounded.append(f"{name}.{attribute}: cachetools cache without maxsize")
    assert not unbounded
    parts = app.extensions["page_cache"]["parts"][0]
    assert parts.maxsize == app.config["SHARED_PARTS_KEPT"] == 256
    assert cache.cache._threshold == app.config["CACHE_THRESHOLD"] == 300  # kept pages (SimpleCache)
    assert 0 < app.jinja_env.cache.capacity <= 400
    with app.app_context():
        assert 0 < db.engine._compiled_cache.capacity <= 500


def test_the_kept_parts_evict_the_least_recently_used_beyond_their_bound(app):
    """The shared parts' LRU at its bound: a new part pushes out the one asked for least recently."""
    parts, _ = app.extensions["page_cache"]["parts"]
    parts.clear()
    for i in range(parts.maxsize + 5):
        parts[f"part:in:test:{i}"] = "x"
    assert len(parts) == parts.maxsize
    assert "part:in:test:0" not in parts and f"part:in:test:{parts.maxsize + 4}" in parts
    parts.clear()


def _results(entries: int, judges: int, criteria: int):
    """Results shaped like a round of `entries` × `judges` × `criteria`, every judge scoring every entry."""
    from challenge.judging.results import Agreement, Entry, Results

    rows = [Entry(i, f"R{i}", "t", None, "submitted", cells={j: ("submitted", 1.0) for j in range(judges)})
            for i in range(entries)]
    scores = {i: {c: {j: 1 for j in range(judges)} for c in range(criteria)} for i in range(entries)}
    return Results(None, [], [], rows, (0, 4), Agreement("none", None, ""), {}, scores)


def test_panel_results_are_kept_by_their_size_not_their_number():
    """Issue 13: a worker keeps rounds' results up to RESULTS_KEPT_BYTES (estimated), so eight large rounds
    cannot fill it (eight rounds of 500 × 8 × 5 were ~22 MB), while small rounds, the usual ones, are kept
    by the dozen; a round over the whole budget is still kept, alone."""
    from cachetools import LRUCache

    from challenge.judging import results

    assert results._CACHE.maxsize == results.RESULTS_KEPT_BYTES <= 12 * 1024 * 1024
    large = results.kept_bytes(("v", _results(500, 8, 5)))
    assert 2.5 * 1024 * 1024 < large < 3.5 * 1024 * 1024  # tracemalloc measured ~2.8 MB for the bench's round
    cache = LRUCache(maxsize=results.RESULTS_KEPT_BYTES, getsizeof=results.kept_bytes)  # as results._CACHE
    for round_id in range(8):
        cache[round_id] = ("v", _results(500, 8, 5))
    assert len(cache) == 4 and cache.currsize <= cache.maxsize and 7 in cache and 3 not in cache
    for round_id in range(100, 140):
        cache[round_id] = ("v", _results(30, 5, 4))
    assert len(cache) >= 40 and cache.currsize <= cache.maxsize
    cache[999] = ("v", _results(5000, 8, 5))
    assert list(cache) == [999]
