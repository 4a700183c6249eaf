"""The privacy notice, built from configuration and the records of processing (platform/processing.py)."""
from __future__ import annotations

from itertools import groupby

from flask import current_app, render_template

from challenge.pages.blueprint import bp
from challenge.platform import processing


@bp.get("/privacy")
def privacy():
    records = processing.register()
    areas = [(area, list(rows)) for area, rows in groupby(records, key=lambda r: r.area)]
    config = current_app.config
    bases = sorted({r.basis for r in records}, key=list(processing.Basis).index)
    return render_template("pages/privacy.html", areas=areas, bases=bases,
                           special=[r for r in records if r.special_category],
                           session_cookie=config["SESSION_COOKIE_NAME"], remember_cookie=config["REMEMBER_COOKIE_NAME"])
