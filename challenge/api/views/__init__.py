"""The API's blueprint: /api/v1, public reads cached for a minute, a personal token for the rest (api/auth.py),
rate-limited per token (else per address), JSON errors, exempt from CSRF (cookies never authenticate here)."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from challenge.api import auth, errors, spec
from challenge.extensions import csrf, limiter

RATE_LIMIT = "120 per minute"
bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Public, read-only data")
errors.register(bp)
limiter.limit(RATE_LIMIT, key_func=auth.rate_limit_key)(bp)
csrf.exempt(bp)
bp.before_request(auth.identify)


@bp.after_request
def cacheable(response):
    """Public answers may be kept a minute; a matching If-None-Match gets 304 without the body."""
    if request.method in ("GET", "HEAD") and response.status_code == 200 and auth.request_token() is None:
        response.headers["Cache-Control"] = "public, max-age=60"
        response.add_etag()
        response.make_conditional(request)
    elif auth.request_token() is not None:
        response.headers["Cache-Control"] = "private, no-store"  # a token's answers are that person's
    return response


from challenge.api.views import challenges, library, meta, organisations  # noqa: E402,F401  the routes
# With a personal token: drafts, entries and results, partnerships and payouts, webhook endpoints.
from challenge.api.views import brokerage, drafts, entries, webhooks  # noqa: E402,F401
from challenge.api.views.meta import docs_bp  # noqa: E402,F401

bp.record_once(lambda state: spec.attach(state.app, bp))
bp.record_once(lambda state: errors.register_for_app(state.app))
