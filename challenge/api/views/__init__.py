"""The API's blueprint: /api/v1, GET only, public, cached for a minute, rate-limited, JSON errors."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from challenge.api import errors, spec
from challenge.extensions import limiter

RATE_LIMIT = "120 per minute"
bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Public, read-only data")
errors.register(bp)
limiter.limit(RATE_LIMIT)(bp)


@bp.after_request
def cacheable(response):
    """Public answers may be kept a minute; a matching If-None-Match gets 304 without the body."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=60"
        response.add_etag()
        response.make_conditional(request)
    return response


from challenge.api.views import challenges, library, meta, organisations  # noqa: E402,F401  the routes
from challenge.api.views.meta import docs_bp  # noqa: E402,F401

bp.record_once(lambda state: spec.attach(state.app, bp))
bp.record_once(lambda state: errors.register_for_app(state.app))
