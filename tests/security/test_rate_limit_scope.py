"""The limiter looks at a request before its view only where a limit can apply there (platform/ratelimits.py): on
the API's requests, limited as a whole. Each form's own limit is checked by its view's wrapper, and still refuses
(test_headers_everywhere.test_the_login_rate_limit_answers_429); the API's limit still answers 429
(tests/api/test_api_authenticated.test_rate_limits_are_per_token_with_a_json_429)."""
from __future__ import annotations

from types import SimpleNamespace

from challenge.extensions import limiter
from challenge.platform.ratelimits import check_only_where_limited


def _is_the_limiters(f) -> bool:
    return getattr(f, "__self__", None) is limiter


def test_the_check_runs_on_the_apis_requests_first_and_on_no_others(strict_app):
    app = strict_app(RATELIMIT_ENABLED=True)  # (with limits off, Flask-Limiter adds no check at all)
    assert not any(_is_the_limiters(f) for f in app.before_request_funcs[None])
    assert _is_the_limiters(app.before_request_funcs["api"][0])
    others = [name for name, funcs in app.before_request_funcs.items() if name not in ("api", None)]
    assert not any(_is_the_limiters(f) for name in others for f in app.before_request_funcs[name])


def test_a_limit_on_every_request_keeps_the_check_on_every_request():
    for setting in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META"):
        every = [lambda: None, limiter._check_request_limit]
        stub = SimpleNamespace(before_request_funcs={None: every}, config={setting: "2 per minute"}, blueprints={})
        assert check_only_where_limited(stub) == []
        assert any(_is_the_limiters(f) for f in stub.before_request_funcs[None]), setting


def test_a_blocked_api_client_is_refused_while_pages_are_not(strict_app):
    limited = strict_app(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    codes = [client.get("/api/v1/challenges").status_code for _ in range(125)]
    assert codes.count(429) == 5 and codes[:120].count(200) == 120
    assert client.get("/").status_code == 200 and client.get("/healthz").status_code == 200


def test_a_nested_blueprint_is_checked_once_through_its_parent(monkeypatch):
    from flask import Flask

    from challenge.platform import ratelimits

    app = Flask(__name__)
    every = [limiter._check_request_limit]
    app.before_request_funcs = {None: every}
    app.blueprints.update({"outer": object(), "outer.inner": object(), "plain": object()})
    limits = {"outer": ["60/minute"], "outer.inner": ["60/minute"]}  # the inner one inherits the outer's
    monkeypatch.setattr(limiter.limit_manager, "blueprint_limits", lambda app, name: limits.get(name, []))
    monkeypatch.setattr(ratelimits, "_limits_everything", lambda app: False)
    assert check_only_where_limited(app) == ["outer"]
    assert app.before_request_funcs == {None: [], "outer": [limiter._check_request_limit]}
