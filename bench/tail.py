"""`python -m bench.tail`: the distribution of one signed-in page's CPU time, and what its slow requests did.

    python -m bench.tail [--db /tmp/bench-profile.db | --postgresql bench_profile] [--cases "panel view"]
                         [--requests 500] [--slowest 10] [--gc-freeze-after "1,200"]

A p50 far below the p95 means some requests do much more work than the others. This runs the page
--requests times in-process (the data set and sign-in of bench/profile.py) and prints the CPU ms at p50,
p95, p99 and max, then the slowest requests with what they did besides rendering: the cyclic garbage
collector's collections (by generation, with their CPU ms, timed with gc.callbacks), the panel results
cache's misses (challenge/judging/results.py) and the statements run. CPU time (`time.process_time`), not
wall-clock, because the machine is shared.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from dataclasses import dataclass, field

from bench.profile import loaded, signed_in_cases
from bench.server import SECRET_KEY
from challenge import create_app
from challenge.judging import results


@dataclass
class Request:
    ms: float = 0.0
    statements: int = 0
    misses: int = 0
    collections: list[tuple[int, float]] = field(default_factory=list)  # (generation, CPU ms)

    @property
    def gc_ms(self) -> float:
        return sum(ms for _, ms in self.collections)

    def words(self) -> str:
        by_gen = {g: [ms for gen, ms in self.collections if gen == g] for g in (0, 1, 2)}
        gcs = ", ".join(f"gen{g} ×{len(v)} {sum(v):.1f} ms" for g, v in by_gen.items() if v) or "no collection"
        miss = f"; results cache missed ×{self.misses}" if self.misses else ""
        return f"{self.ms:7.1f} ms CPU, {self.statements} statements; gc: {gcs}{miss}"


class Watch:
    """Times each gc collection and counts results-cache misses, into the request being measured."""

    def __init__(self):
        self.now: Request | None = None
        self._started = 0.0
        self._load = results._load

    def __enter__(self) -> Watch:
        gc.callbacks.append(self._gc)

        def counted(round_):
            if self.now is not None:
                self.now.misses += 1
            return self._load(round_)
        results._load = counted
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._gc)
        results._load = self._load

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.process_time()
        elif self.now is not None:
            self.now.collections.append((info["generation"], (time.process_time() - self._started) * 1000))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def run(client, path: str, requests: int) -> list[Request]:
    for _ in range(3):
        answer = client.get(path)
        answer.close()
        assert answer.status_code == 200
    done = []
    with Watch() as watch:
        for _ in range(requests):
            watch.now = request = Request()
            started = time.process_time()
            answer = client.get(path)
            answer.close()  # as a WSGI server does once it has sent the body (challenge/platform/heap.py)
            request.ms = (time.process_time() - started) * 1000
            request.statements = int(answer.headers.get("X-Query-Count", -1))
            watch.now = None
            done.append(request)
    return done


def report(done: list[Request], slowest: int) -> str:
    ms = [r.ms for r in done]
    lines = [f"  CPU ms: p50 {percentile(ms, 50):.1f}  p95 {percentile(ms, 95):.1f}  p99 {percentile(ms, 99):.1f}"
             f"  max {max(ms):.1f}  (n={len(ms)})"]
    gens = {g: [ms for r in done for gen, ms in r.collections if gen == g] for g in (0, 1, 2)}
    lines.append("  gc over all requests: " + ", ".join(
        f"gen{g} ×{len(v)} (max {max(v, default=0):.1f} ms)" for g, v in gens.items()))
    lines.append(f"  results cache misses: {sum(r.misses for r in done)}; with the gc time taken out, p95 "
                 f"{percentile([r.ms - r.gc_ms for r in done], 95):.1f}, max {max(r.ms - r.gc_ms for r in done):.1f}")
    lines.append(f"  slowest {slowest}:")
    lines += [f"    {r.words()}" for r in sorted(done, key=lambda r: -r.ms)[:slowest]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m bench.tail", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-profile.db"))
    parser.add_argument("--postgresql", metavar="NAME", default="")
    parser.add_argument("--challenges", type=int, default=10_000)
    parser.add_argument("--cases", default="panel view", help="only cases whose name contains this")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--gc-freeze-after", metavar="N,M", default=None,
                        help="the app's GC_FREEZE_AFTER for this run (\"\" turns the freeze off; default: the config's)")
    args = parser.parse_args(argv)
    url, facts = loaded(args.db, args.postgresql, args.challenges)
    config = {"SQLALCHEMY_DATABASE_URI": url, "QUERY_COUNT_HEADER": True, "SECRET_KEY": SECRET_KEY,
              "WTF_CSRF_ENABLED": True}
    if args.gc_freeze_after is not None:
        config["GC_FREEZE_AFTER"] = tuple(int(n) for n in args.gc_freeze_after.split(",") if n.strip())
    app = create_app(config)
    for case, client, paths in signed_in_cases(app, facts, args.cases):
        print(f"{case.name}  {paths[0]}", flush=True)
        print(report(run(client, paths[0], args.requests), args.slowest), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
