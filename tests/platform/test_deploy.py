"""The deployment files in deploy/ are the ones bench/cluster.py runs, and nginx accepts them."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench import cluster

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CONF = ROOT / "deploy" / "nginx.conf"


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light); .ci/run installs it")
def test_nginx_accepts_the_configuration(tmp_path):
    done = subprocess.run([NGINX, "-t", "-c", str(CONF), "-p", str(tmp_path)], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr


def test_the_balancer_lists_the_nodes_the_cluster_starts():
    text = CONF.read_text()
    assert sorted(int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+)", text)) == sorted(cluster.NODE_PORTS)
    assert f"listen {cluster.BALANCER.removeprefix('http://')};" in text


def test_a_post_is_never_sent_to_a_second_node_and_a_failure_is_a_retry_page():
    text = CONF.read_text()
    tries = re.findall(r"^\s*proxy_next_upstream\s+([^;]*);", text, re.M)
    assert tries and all("non_idempotent" not in t for t in tries)  # so nginx never repeats a POST elsewhere
    assert "error_page 502 504 =503 /unavailable.html;" in text and "Retry-After" in text


def test_each_unit_starts_what_exists():
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        body = unit.read_text()
        assert "EnvironmentFile=/etc/challenge-exchange/env" in body, unit.name
        for module in re.findall(r"(\w+):app\b", body):
            assert (ROOT / f"{module}.py").exists(), f"{unit.name} starts {module}:app, which does not exist"
