"""Where Flask-Limiter looks at a request before its view: only where a limit can apply there.

Flask-Limiter checks every request before its view for the limits that apply to it as a whole: default,
application and meta limits, and those of its blueprint. A limit put on one view with `@limiter.limit` is checked
by that view's own wrapper, not there. This app has no default, application or meta limit: each form that needs a
limit (signing in, codes, password resets) decorates its view, and one blueprint, the API, is limited as a whole.
So the check before the view can only ever find something on the API's requests, yet it cost every other request
~0.05 ms: a quarter of the health check, and more than a kept page's lookup (issue 13).

`check_only_where_limited` moves the limiter's own check from the whole app to the blueprints that have limits of
their own, first among their hooks (where it ran before any of theirs). Should a default, application or meta
limit ever be configured, it leaves the check on every request, as Flask-Limiter set it.
"""
from __future__ import annotations

from flask import Flask

from challenge.extensions import limiter


def check_only_where_limited(app: Flask) -> list[str]:
    """Run the limiter's before-view check only on the requests of blueprints with limits of their own (after the
    blueprints are registered); the names of those blueprints, or [] when it stays on every request."""
    every_request = app.before_request_funcs.get(None, [])
    check = next((f for f in every_request if getattr(f, "__self__", None) is limiter), None)
    if check is None or _limits_everything(app):
        return []
    with app.app_context():
        limited = [name for name in app.blueprints if limiter.limit_manager.blueprint_limits(app, name)]
    # A nested blueprint's requests run its parents' hooks too (and the check reads their limits): once, at the top.
    limited = [name for name in limited if not any(name.startswith(f"{other}.") for other in limited)]
    every_request.remove(check)
    for name in limited:
        app.before_request_funcs.setdefault(name, []).insert(0, check)
    return limited


def _limits_everything(app: Flask) -> bool:
    manager = limiter.limit_manager
    return bool(manager.default_limits or manager.application_limits or getattr(limiter, "_meta_limits", None)
                or app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION")
                or app.config.get("RATELIMIT_META"))
