"""The accessibility statement, and the health check the load balancer asks."""
from __future__ import annotations

from flask import render_template

from challenge.pages.blueprint import bp


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
