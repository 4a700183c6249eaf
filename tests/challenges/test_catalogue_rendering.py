"""The catalogue page's cheaper writing says what the plain way said: dates, deadlines, card links, form fields and
the organisation filter's rows, each compared with the way it was written before."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest


@pytest.fixture(autouse=True)
def fresh_on_asking(app, monkeypatch):
    """A request with the FRESH_HEADER is rendered in full (no kept page or shared part), as the benchmark asks:
    without this the suite's app (page cache on) would answer the second request for an address from its kept copy."""
    monkeypatch.setitem(app.config, "QUERY_COUNT_HEADER", True)


def _strftime_dt(d: datetime, with_year: bool = False) -> str:
    """format_dt as it was written with strftime (in the C locale)."""
    day = d.strftime("%a ") + str(d.day) + d.strftime(" %b")
    if with_year:
        day += d.strftime(" %Y")
    return f"{day}, {d:%H:%M}"


def test_dates_read_as_strftime_wrote_them(app):
    """Every day of the week and month, both sides of the clocks changing, with and without the year."""
    from challenge.dates import format_dt, local

    start = datetime(2026, 1, 1, 0, 7, tzinfo=timezone.utc)
    for hours in range(0, 24 * 400, 13):
        moment = start + timedelta(hours=hours, minutes=hours % 60)
        for with_year in (False, True):
            assert format_dt(moment, with_year) == _strftime_dt(local(moment), with_year)
    assert format_dt(None) == "not set"


_OLD_DEADLINE = """{% set phase = challenge.phase(now).value %}
  {% if phase == 'upcoming' %}Opens in {{ challenge.opens_at|time_left(now) }} ({{ challenge.opens_at|dt }})
  {% elif phase in ('open', 'draft', 'in_review') and challenge.closes_at and challenge.closes_at > now %}Closes in {{ challenge.closes_at|time_left(now) }} ({{ challenge.closes_at|dt }})
  {% elif challenge.closes_at %}Closed {{ challenge.closes_at|dt(with_year=True) }}
  {% else %}No closing date yet{% endif %}"""


@pytest.mark.parametrize("state", ["draft", "in_review", "published", "judging", "decided", "completed", "cancelled"])
def test_the_deadline_says_what_the_template_said(app, state):
    """The `deadline_at` filter (each card's, and the challenge page's) words a deadline as the Jinja it replaced did,
    for every state, before opening, while open, after closing, and without dates."""
    from flask import render_template_string

    from challenge.challenges.catalogue import Card

    now = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)
    moments = [None, now - timedelta(days=400), now - timedelta(minutes=1), now, now + timedelta(seconds=30),
               now + timedelta(hours=5), now + timedelta(days=1, hours=3), now + timedelta(days=9)]
    with app.test_request_context("/"):
        for opens in moments:
            for closes in moments:
                card = Card(1, "a-slug", "T", "S", "health", 100, "GBP", state, opens, closes, "Org")
                old = render_template_string(_OLD_DEADLINE, challenge=card, now=now)
                new = render_template_string("{{ challenge|deadline_at(challenge|phase_at(now), now) }}",
                                             challenge=card, now=now)
                assert " ".join(new.split()) == " ".join(old.split())


def test_card_links_are_url_for(app):
    """A card's link is what url_for builds, for plain slugs and for ones url_for has to quote."""
    from flask import url_for

    from challenge.platform.links import row_link

    with app.test_request_context("/", base_url="http://example.org/sub/"):
        link = row_link("challenges.show", "slug")
        for slug in ("hospital-discharge-2", "A.b_c~d", "x", "café", "a b", "50%", "a/b", "q?x=1", "<b>"):
            assert link(slug) == url_for("challenges.show", slug=slug)
        assert link("plain").startswith("/sub/")


@pytest.mark.parametrize("kwargs", [
    {},
    {"id": "q", "class_": "form-control", "name": "q", "value": ""},
    {"value": '<b>"quoted" & \'single\'</b>', "aria_describedby": "q-hint q-error", "data_x_y": 3},
    {"required": True, "readonly": False, "maxlength": 200, "for_": "x", "class__": "y", "data_on_off": True},
])
def test_attributes_are_html_params(kwargs):
    from markupsafe import Markup
    from wtforms.widgets import html_params

    from challenge.challenges.forms import attributes

    assert attributes(**kwargs) == html_params(**kwargs)
    assert attributes(title=Markup('<i>"kept"</i>')) == html_params(title=Markup('<i>"kept"</i>'))


@pytest.mark.parametrize("query", ["", "?q=%3Cscript%3E%22x%22&min_prize=12%2C000&max_prize=abc",
                                   "?q=" + "long+" * 60])
def test_the_filter_text_inputs_are_wtforms_own(app, query):
    """The search and prize inputs (FastTextInput) write WTForms' own <input>, errors and all."""
    from werkzeug.datastructures import MultiDict
    from wtforms.widgets import TextInput

    from challenge.challenges.forms import CatalogueForm, FastTextInput

    with app.test_request_context(f"/{query}"):
        from flask import request

        form = CatalogueForm(MultiDict(request.args))
        form.validate()
        fast = [f for f in form if isinstance(f.widget, FastTextInput)]
        assert {f.name for f in fast} == {"q", "min_prize", "max_prize", "organisation"}
        for f in fast:
            for attrs in ({"class_": "form-control"}, {"class_": "form-control is-invalid", "aria-describedby": "a b"}):
                assert f(**attrs) == TextInput()(f, **(f.render_kw or {}), **attrs)


def test_the_organisation_filter_reads_what_the_orm_read(world, make_org, make_user, make_challenge):
    """Plain rows, the same (slug, name) pairs in the same order as the ORM's, only organisations with a listed
    challenge."""
    from challenge.challenges.catalogue import _ORGANISATIONS, organisations_with_challenges
    from challenge.extensions import db

    for n, state in enumerate(("open", "draft", "closed", "decided", "cancelled")):
        make_challenge(make_org(make_user(), name=f"Org {n} <&>"), state)
    db.session.commit()
    found = organisations_with_challenges()
    assert found == [tuple(r) for r in db.session.execute(_ORGANISATIONS)]
    assert [name for _, name in found] == ["Org 0 <&>", "Org 2 <&>", "Org 3 <&>"]
    assert all(type(row) is tuple for row in found)


@pytest.mark.parametrize("args", [{}, {"q": "hospital"}, {"q": "a b & c", "sector": "health", "min_prize": "1,000"},
                                  {"q": "page=2000000011 ünï", "sort": "prize"}, {"q": "2000000011"}])
def test_page_links_are_url_for(app, args):
    """Each numbered page link is what url_for builds for that page, whatever the filters hold."""
    from flask import url_for

    from challenge.platform.links import row_link

    with app.test_request_context("/", base_url="http://example.org/sub/"):
        link = row_link("challenges.catalogue", "page", **args)
        for n in (1, 2, 9, 10, 566, 2000000011, "2 & 3", "ü"):
            assert link(n) == url_for("challenges.catalogue", page=n, **args)


def test_cards_read_on_the_connection_see_what_the_session_holds(world, make_challenge):
    """The cards and the organisation list are read on the session's connection, after the session's own flush: a
    challenge published in this transaction and not yet flushed is listed, as the ORM would have listed it."""
    from challenge import clock
    from challenge.challenges.catalogue import CatalogueParams, organisations_with_challenges, search_challenges
    from challenge.extensions import db

    make_challenge(world.other_org, "open", title="Listed before")
    db.session.commit()
    draft = make_challenge(world.org, "draft", title="Published just now")
    db.session.commit()
    draft.state = "published"  # pending, not flushed
    page = search_challenges(CatalogueParams(), clock.now(), cards=True)
    assert sorted(c.title for c in page.items) == ["Listed before", "Published just now"] and page.total == 2
    assert sorted(name for _, name in organisations_with_challenges()) == ["Camden Council", "Leeds City Council"]


def test_the_blank_filter_form_is_rendered_once_and_never_carries_a_visitors_values(app, client, world,
                                                                                      make_challenge):
    """With nothing filled in (a page number aside) the filter form is the same for everyone: rendered once per worker
    (browse.kept_filters) and equal to a form rendered afresh; a request with filters gets its own, and what it
    filled in never reaches the kept one."""
    import re

    from flask import render_template

    from challenge.challenges.forms import CatalogueForm
    from challenge.challenges.views.browse import FILTERS
    from challenge.diagnostics import FRESH_HEADER

    make_challenge(world.org, "open", title="Hospital discharge")
    form_of = lambda html: re.search(r'<form method="get".*?</form>', html, re.S).group(0)  # noqa: E731
    first = form_of(client.get("/").get_data(as_text=True))
    with app.test_request_context("/"):
        assert first == render_template(FILTERS, form=CatalogueForm(), filtered=False)
    kept, _ = app.extensions["site_parts"]
    assert ("", FILTERS, "blank:") in kept
    searched = form_of(client.get("/?q=%3Cb%3Ehospital&status=bogus&sort=prize").get_data(as_text=True))
    assert 'value="&lt;b&gt;hospital"' in searched and "Not a valid choice" in searched
    assert '<option value="prize" selected>' in searched and "Clear filters" in searched
    for path in ("/", "/?page=2", "/?page=nonsense"):
        again = form_of(client.get(path, headers={FRESH_HEADER: "1"}).get_data(as_text=True))
        assert again == first, path
        assert "hospital" not in again and "Clear filters" not in again


def test_the_first_page_without_arguments_reuses_one_blank_form_and_hands_out_copies_of_its_filters(
        app, client, world, make_challenge):
    """The first page with no arguments at all, and a search with words alone, build and check no filter form: each
    worker builds the blank one once (browse._form_and_params); the page is the page a form built afresh renders, a
    request with filters, or with values the form refuses, gets its own form, and nothing it filled in or changed
    reaches the blank one."""
    from dataclasses import replace

    from challenge.challenges.views import browse
    from challenge.diagnostics import FRESH_HEADER

    make_challenge(world.org, "open", title="Hospital discharge")
    fresh = {FRESH_HEADER: "1"}
    first = client.get("/", headers=fresh).get_data(as_text=True)
    form, params = app.extensions["blank_catalogue_form"]
    assert not form.errors and params.page == 1 and params.sort == "closing" and not params.filtered()
    refused = client.get("/?min_prize=lots&status=bogus&page=3", headers=fresh).get_data(as_text=True)
    assert "Not a valid choice" in refused
    with app.test_request_context("/"):
        mine, copied = browse._form_and_params()
        assert mine is form and copied == params and copied is not params
        copied.page, copied.q = 7, "changed"
    assert app.extensions["blank_catalogue_form"] == (form, params) and params.page == 1 and params.q == ""
    with app.test_request_context("/?q=%20hospital%20&sector=&page=4"):  # words alone: the same form, the words
        mine, copied = browse._form_and_params()
        assert mine is form and copied == replace(params, q="hospital", page=4)
    for other in ("q=hospital&sector=health", "q=hospital&sort=prize", "q=hospital&sort=", "q=%20", "q=" + "x" * 201):
        with app.test_request_context(f"/?{other}"):
            assert browse._form_and_params()[0] is not form, other
    assert client.get("/", headers=fresh).get_data(as_text=True) == first
    assert "Not a valid choice" not in first and not form.errors


@pytest.mark.parametrize("words", ["hospital", '"hospital discharge" -carers', "<b>&amp;</b>", "a'b\"c", "cx-words-slot",
                                   "  ünï   code  ", "x" * 200])
def test_the_kept_form_with_words_alone_is_the_form_rendered_for_them(app, client, world, make_challenge, words):
    """With only words filled in, the filter form is kept once per worker with a slot where the words go: what it
    gives is, byte for byte, the form rendered for those words (escaped once), and it never keeps anyone's words."""
    import re

    from flask import render_template
    from werkzeug.datastructures import MultiDict

    from challenge.challenges.forms import CatalogueForm
    from challenge.challenges.views.browse import FILTERS, WORDS_SLOT
    from challenge.diagnostics import FRESH_HEADER

    make_challenge(world.org, "open", title="Hospital discharge")
    form_of = lambda html: re.search(r'<form method="get".*?</form>', html, re.S).group(0)  # noqa: E731
    client.get("/?q=warm-up", headers={FRESH_HEADER: "1"})  # the kept copy is made here
    page = client.get("/", query_string={"q": words}, headers={FRESH_HEADER: "1"}).get_data(as_text=True)
    with app.test_request_context("/", query_string={"q": words}):
        form = CatalogueForm(MultiDict({"q": words}))
        form.validate()
        expected = render_template(FILTERS, form=form, filtered=True)
    assert form_of(page) == form_of(expected)
    kept, _ = app.extensions["site_parts"]
    [copy] = [html for key, html in kept.items() if key[1:] == (FILTERS, "words:")]
    assert copy.count(WORDS_SLOT) == 1 and "warm-up" not in copy


def test_every_kept_filter_form_is_the_form_the_request_would_render_in_any_order(app, client, world, make_challenge):
    """Whatever came before (links with no fields, the form sent with its empty fields, words alone or with empty
    fields, junk arguments), the filter form a page shows is the one rendered for that request's own form."""
    import random
    import re

    from flask import render_template

    from challenge.challenges.forms import CatalogueForm
    from challenge.challenges.views.browse import FILTERS
    from challenge.diagnostics import FRESH_HEADER

    make_challenge(world.org, "open", title="Hospital discharge")
    empty = "status=&sector=&type=&organisation=&min_prize=&max_prize="
    queries = ["", "page=2", "sort=closing", f"q=&{empty}&sort=closing", f"q=hospital&{empty}&sort=closing",
               "q=hospital", "q=carers&page=2", "q=hospital&utm_source=x&a1=", "status=&q=%22a%27b%22", "sector=&type=",
               f"q=&{empty}&sort=prize", "q=hospital&status=open", "status=%20", "q=x&sort=newest"]
    form_of = lambda html: re.search(r'<form method="get".*?</form>', html, re.S).group(0)  # noqa: E731
    for order in range(3):
        random.Random(order).shuffle(queries)
        for query in queries:
            page = client.get(f"/?{query}", headers={FRESH_HEADER: "1"}).get_data(as_text=True)
            with app.test_request_context(f"/?{query}"):
                from flask import request
                form = CatalogueForm(request.args)
                form.validate()
                filtered = any(v for k, v in request.args.items() if k not in ("sort", "page"))
                expected = render_template(FILTERS, form=form, filtered=filtered)
            assert form_of(page) == form_of(expected), query


WORDS_ALONE = ["", "page=2", "page=nonsense", "sort=closing", "q=hospital", "q=%20%20hospital%20%20", "q=carers&page=3",
               "q=hospital&q=carers", "q=hospital&utm_source=&a1=", "q=%22hospital%20discharge%22%20-carers",
               "q=%3Cb%3E%26amp%3B%3C%2Fb%3E", "q=a%27b%22c", "q=cx-words-slot", "q=%C3%BCn%C3%AF%20code",
               "q=" + "x" * 200, "q=hospital&status=&sector=&type=&organisation=&min_prize=&max_prize=&sort=closing",
               "q=&status=&sector=&type=&organisation=&min_prize=&max_prize=&sort=closing", "sector=&type=&page=2"]
FORM_READS_THEM = ["q=" + "x" * 201, "q=hospital&utm_source=x", "q=%20", "q=hospital&sort=", "q=hospital&sort=prize", "q=hospital&status=open",
                   "q=hospital&min_prize=lots", "q=hospital&organisation=camden-council", "status=%20", "sort="]

PAGED = {"", "page=2", "q=hospital", "q=%20%20hospital%20%20", "q=carers&page=3", "q=hospital&q=carers",
         "q=hospital&utm_source=x", "q=hospital&sort=prize"}


@pytest.mark.parametrize("query", WORDS_ALONE + FORM_READS_THEM)
def test_a_search_read_without_its_form_is_the_page_its_form_renders(app, client, world, make_challenge,
                                                                     monkeypatch, query):
    """Words alone (CatalogueForm.words_alone) are read without building the filter form: the whole page, its title,
    filter form, cards, count and pager's links, is byte for byte the page the form built for that request renders;
    the queries it does not take are read by the form as before."""
    import html
    import re

    from flask import request, url_for

    from challenge.challenges.catalogue import organisations_named
    from challenge.challenges.forms import CatalogueForm
    from challenge.diagnostics import FRESH_HEADER

    for n in range(30):  # enough for a pager
        make_challenge(world.org if n % 2 else world.other_org, "open",
                       title=f"Hospital discharge {n}: carers, a'b\"c <b>&amp;</b> ünï code")
    fresh = {FRESH_HEADER: "1"}
    with app.test_request_context(f"/?{query}"):
        taken = CatalogueForm().words_alone(request.args) is not None
    assert taken == (query in WORDS_ALONE)
    client.get("/?q=warm-up", headers=fresh)  # the blank form and the kept filter forms are made first
    client.get("/?sector=&type=", headers=fresh)
    page = client.get(f"/?{query}", headers=fresh)
    monkeypatch.setattr(CatalogueForm, "words_alone", lambda self, args: None)
    formed = client.get(f"/?{query}", headers=fresh)
    assert page.status_code == formed.status_code == 200
    assert page.get_data(as_text=True) == formed.get_data(as_text=True)
    with app.test_request_context(f"/?{query}"):  # the pager's links carry what the form accepted, as they did
        form = CatalogueForm(request.args)
        form.params(1, organisations_named)
        carried = {f.name: f.data for f in form if f.data and not f.errors}
        pages = re.findall(r'class="page-link" href="([^"]*)"', page.get_data(as_text=True))
        assert all(html.unescape(link) == url_for("challenges.catalogue", page=int(re.search(r"page=(\d+)", link)[1]),
                                                  **carried) for link in pages)
    assert pages or query not in PAGED, query
