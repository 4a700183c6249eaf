"""The application class keeps what Flask would work out again on every request (platform/application.py), and a
request that never used the database leaves the session alone at its end (errors.close_session_...)."""
from __future__ import annotations

import gc
from collections import ChainMap
from datetime import timedelta

import flask.app
import pytest
from itsdangerous import BadSignature

from challenge import errors
from challenge.platform.application import App, KeptSerializerSessions


def test_the_app_is_the_keeping_class(app):
    assert isinstance(app, App)
    assert isinstance(app.session_interface, KeptSerializerSessions)


def test_ensure_sync_inspects_each_function_once_and_still_wraps_a_coroutine(monkeypatch):
    app, inspected = _bare_app(), []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda f: inspected.append(f) or real(f))

    def plain():
        return "plain"

    async def coroutine():
        return "async"

    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(plain) is plain
    assert inspected == [plain]
    monkeypatch.setattr(app, "async_to_sync", lambda f: ("wrapped", f))
    assert app.ensure_sync(coroutine) == ("wrapped", coroutine)
    assert app.ensure_sync(coroutine) == ("wrapped", coroutine)
    assert inspected == [plain, coroutine]


def _bare_app() -> App:
    """The class alone, with a route and hooks of the test's own (the suite's app is shared and already serving)."""
    bare = App(__name__)
    bare.secret_key = "a-secret-key-for-this-test"
    return bare


def test_every_hook_still_runs_on_every_request():
    bare, ran = _bare_app(), []
    bare.before_request(lambda: ran.append("before"))
    bare.after_request(lambda response: ran.append("after") or response)
    bare.get("/")(lambda: "ok")
    client = bare.test_client()
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert ran == ["before", "after"] * 3


def test_the_session_serializer_is_kept_until_the_secret_key_changes():
    bare = _bare_app()
    sessions = bare.session_interface
    first = sessions.get_signing_serializer(bare)
    assert sessions.get_signing_serializer(bare) is first
    cookie = first.dumps({"_user_id": "7"})

    bare.config["SECRET_KEY_FALLBACKS"] = ["an-older-key"]
    with_fallback = sessions.get_signing_serializer(bare)
    assert with_fallback is not first
    assert with_fallback.loads(cookie) == {"_user_id": "7"}  # the current key still signs and reads

    old_key, bare.secret_key = bare.secret_key, "a-new-secret-key-for-this-test"
    bare.config["SECRET_KEY_FALLBACKS"] = []
    with pytest.raises(BadSignature):  # a cookie signed with the old key, once the key changed
        sessions.get_signing_serializer(bare).loads(cookie)
    bare.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert sessions.get_signing_serializer(bare).loads(cookie) == {"_user_id": "7"}


def test_a_signed_cookie_session_survives_requests_and_a_forged_one_is_dropped():
    bare = _bare_app()

    @bare.get("/")
    def counter():
        flask.session["n"] = flask.session.get("n", 0) + 1
        return str(flask.session["n"])

    client = bare.test_client()
    assert [client.get("/").get_data(as_text=True) for _ in range(3)] == ["1", "2", "3"]
    forged = App(__name__)
    forged.secret_key = "somebody-else's-key"
    forged.get("/")(counter)
    cookie = forged.test_client().get("/").headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    stranger = bare.test_client()
    stranger.set_cookie("session", cookie)
    assert stranger.get("/").get_data(as_text=True) == "1"  # the forged session was not read


@pytest.mark.parametrize("cookie", ["not-a-signed-value", "forged"])
def test_a_refused_session_cookie_keeps_nothing_of_its_request_alive(cookie):
    """itsdangerous keeps its refusal in a local of a frame its traceback holds: left alone, that cycle kept the whole
    request (context, request, every frame's locals) for the collector. Here nothing of the request outlives it."""
    bare = _bare_app()
    bare.get("/")(lambda: "yes" if "n" in flask.session else "no")
    if cookie == "forged":
        other = App(__name__)
        other.secret_key = "somebody-else's-key"
        cookie = other.session_interface.get_signing_serializer(other).dumps({"n": 1})
    client = bare.test_client()
    client.set_cookie("session", cookie)
    assert _left_for_the_collector(lambda: client.get("/").get_data(as_text=True) == "no") == []


def test_an_expired_session_cookie_is_dropped_and_keeps_nothing_alive():
    bare = _bare_app()
    bare.get("/")(lambda: "yes" if "n" in flask.session else "no")
    cookie = bare.session_interface.get_signing_serializer(bare).dumps({"n": 1})
    client = bare.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/").get_data(as_text=True) == "yes"
    bare.permanent_session_lifetime = timedelta(seconds=-1)  # every signature is now older than the lifetime
    assert _left_for_the_collector(lambda: client.get("/").get_data(as_text=True) == "no") == []


def _left_for_the_collector(request) -> list[str]:
    """The request-scoped objects that `request()` (which must return True) left in reference cycles."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert request()
        gc.collect()
        return sorted({type(o).__name__ for o in gc.garbage
                       if isinstance(o, (flask.ctx.RequestContext, flask.Request, flask.Response, BadSignature))})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_a_request_that_never_used_the_database_ends_without_session_work(app, monkeypatch):
    ended = []
    real = errors.readonly.end
    monkeypatch.setattr(errors.readonly, "end", lambda session: ended.append(session) or real(session))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert ended == []
    assert client.get("/").status_code == 200  # the catalogue reads the database
    assert len(ended) == 1


def test_a_template_reads_the_environment_globals_directly_and_still_sees_later_ones():
    bare = _bare_app()
    env = bare.jinja_env
    template = env.from_string("{{ greeting }}, {{ name }}")
    assert not isinstance(template.globals, ChainMap)  # no ChainMap to walk on every include and import
    env.globals["greeting"] = "Hello"  # added after the template was loaded: seen, as through Jinja's ChainMap
    assert template.render(name="Ada") == "Hello, Ada"
    with pytest.raises(TypeError):  # one template cannot reach every other template's globals
        template.globals["greeting"] = "Bye"


def test_a_template_with_globals_of_its_own_keeps_them_over_the_environments():
    env = _bare_app().jinja_env
    env.globals.update(greeting="Hello", name="world")
    own = env.from_string("{{ greeting }}, {{ name }}", globals={"name": "Ada"})
    assert own.render() == "Hello, Ada"
    assert env.from_string("{{ greeting }}, {{ name }}").render() == "Hello, world"


def test_includes_and_imports_render_as_before(app):
    with app.test_request_context("/"):
        env = app.jinja_env
        page = env.from_string('{% from "macros/forms.html" import submit %}{{ submit("Go") }}'
                               '{% include "_site_foot.html" %}{{ url_for("challenges.catalogue") }}')
        html = page.render()
    assert "Go" in html and "</footer>" in html and html.endswith("/")
