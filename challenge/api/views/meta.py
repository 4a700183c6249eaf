"""The API described: its OpenAPI 3.1 document and a page that reads it, both served here (no CDN)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user

from challenge import clock
from challenge.accounts.services import organisations_of

from challenge.api import spec
from challenge.api.views import bp

# The page is HTML, so it lives outside /api/ (where every answer is JSON).
docs_bp = Blueprint("api_docs", __name__)


@bp.get("/openapi.json")
@bp.doc(summary="This document: OpenAPI 3.1", responses={"200": {"description": "The OpenAPI document"}})
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(spec.document(current_app))


@docs_bp.get("/developers/api")
def docs():
    """The documentation page, rendered from the OpenAPI document by our own template. Its examples run as
    written: dates a month and three months ahead, and a signed-in reader's own organisation's slug."""
    today = clock.now().date()
    mine = organisations_of(current_user) if current_user.is_authenticated else []
    return render_template("api/docs.html", doc=spec.document(current_app), organisations=mine,
                           opens=today + timedelta(days=30), closes=today + timedelta(days=90))
