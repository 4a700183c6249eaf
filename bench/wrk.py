"""Running wrk and reading what it prints.

wrk's `--latency` table has the 50th, 75th, 90th and 99th percentiles but not the 95th, so every run
carries a small Lua script whose `done()` hook prints the percentiles we need (in microseconds) and
the error counts on one `bench:` line. The same script rotates through a list of paths, so a case can
spread its load over many challenges instead of one hot row.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "wrk is not installed. Install it with:  apt-get install -y wrk"

LUA = """
paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "bench: requests=%%d duration_us=%%d p50=%%d p90=%%d p95=%%d p99=%%d max=%%d " ..
    "connect=%%d read=%%d write=%%d status=%%d timeout=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class WrkResult:
    requests_per_second: float = 0.0
    requests: int = 0
    percentiles_ms: dict[int, float] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def p(self, n: int) -> float | None:
        return self.percentiles_ms.get(n)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def ensure_installed() -> str:
    """The path of wrk; exits non-zero, saying how to install it, when it is missing."""
    path = shutil.which("wrk")
    if path is None:
        print(INSTALL_HINT, file=sys.stderr)
        raise SystemExit(3)
    return path


def to_ms(text: str) -> float:
    """`6.12ms` → 6.12, `850.00us` → 0.85, `1.20s` → 1200.0."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(us|ms|s|m|h)\s*", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def _count(text: str) -> float:
    """wrk's counts: `2600.00`, `1.30k`, `2.1M`."""
    match = re.fullmatch(r"([\d.]+)([kMG]?)", text.strip())
    if not match:
        raise ValueError(f"not a wrk count: {text!r}")
    return float(match.group(1)) * {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}[match.group(2)]


def parse(output: str) -> WrkResult:
    """Read req/s, the latency distribution and the `bench:` line of the Lua hook from wrk's output."""
    result = WrkResult()
    rps = re.search(r"^Requests/sec:\s*([\d.]+[kMG]?)", output, re.M)
    if rps is None:
        raise ValueError("wrk printed no Requests/sec line:\n" + output)
    result.requests_per_second = _count(rps.group(1))
    total = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if total:
        result.requests = int(total.group(1))
    for pct, value in re.findall(r"^\s*(50|75|90|99)%\s+([\d.]+(?:us|ms|s|m|h))\s*$", output, re.M):
        result.percentiles_ms[int(pct)] = to_ms(value)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        for name, value in zip(("connect", "read", "write", "timeout"), socket_errors.groups()):
            result.errors[name] = int(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        result.errors["status"] = int(non_2xx.group(1))
    hook = re.search(r"^bench: (.*)$", output, re.M)
    if hook:
        values = {k: int(v) for k, v in (pair.split("=") for pair in hook.group(1).split())}
        for pct in (50, 90, 95, 99):
            result.percentiles_ms[pct] = values[f"p{pct}"] / 1000
        result.requests = values["requests"]
        for name in ("connect", "read", "write", "status", "timeout"):
            result.errors[name] = values[name]
    return result


def lua_script(paths: list[str]) -> str:
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    return LUA % {"paths": quoted}


def run(base_url: str, paths: list[str], *, duration: int, threads: int = 2, connections: int = 16,
        cookie: str | None = None, headers: dict[str, str] | None = None) -> WrkResult:
    """One wrk run over `paths` (rotated) for `duration` seconds; bounded by a hard timeout."""
    if not base_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError("the benchmark only ever targets the loopback interface")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(paths))
    command = [ensure_installed(), f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
               "--timeout", "10s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(base_url)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse(done.stdout)
