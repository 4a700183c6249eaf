"""`{% from … import … %}` hands over the imported template's module made once (platform/application.Templates),
as Jinja means it to, without Jinja's key-by-key subtraction of a ChainMap on every import; and a template
with globals of its own still hands them to what it imports."""
from __future__ import annotations

import sys

from jinja2 import DictLoader

from challenge.platform.application import Templates

MACROS = "{% macro greet() %}{{ greeting|default('hello') }}{% endmacro %}"
PAGE = '{% from "macros.html" import greet %}{{ greet() }}'


def _environment(app):
    env = app.jinja_env.overlay(loader=DictLoader({"macros.html": MACROS, "page.html": PAGE}))
    assert isinstance(env, Templates)
    return env


def test_the_apps_templates_are_made_by_templates(app):
    assert isinstance(app.jinja_env, Templates)


def test_an_import_hands_over_the_module_made_once(app):
    env = _environment(app)
    macros, page = env.get_template("macros.html"), env.get_template("page.html")
    context = page.new_context({})
    assert macros._get_default_module(context) is macros._get_default_module(context) is macros.module
    assert page.render() == "hello"


def test_a_template_with_globals_of_its_own_hands_them_to_what_it_imports(app):
    env = _environment(app)
    page = env.get_template("page.html", globals={"greeting": "good evening"})
    assert page.render() == "good evening"
    assert env.get_template("macros.html").module.greet() == "hello"  # the kept module never saw them


def test_an_import_asks_no_key_of_the_globals_one_at_a_time(app):
    env = _environment(app)
    macros, page = env.get_template("macros.html"), env.get_template("page.html")
    context = page.new_context({})
    macros._get_default_module(context)
    calls = []
    sys.setprofile(lambda frame, event, arg: calls.append(event) if event in ("call", "c_call") else None)
    try:
        macros._get_default_module(context)
    finally:
        sys.setprofile(None)
    assert len(calls) < 10, f"{len(calls)} calls (Jinja's own subtraction makes about 180)"
