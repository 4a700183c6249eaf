"""The API described: its OpenAPI 3.1 document and a page that reads it, both served here (no CDN)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

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
    """The documentation page, rendered from the OpenAPI document by our own template."""
    return render_template("api/docs.html", doc=spec.document(current_app))
