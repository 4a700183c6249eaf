"""The public catalogue, a challenge's page, and the signed-in dashboard."""
from __future__ import annotations

from dataclasses import replace

from flask import current_app, render_template, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import dashboard as board
from challenge.challenges.blueprint import bp
from challenge.challenges.catalogue import (CatalogueParams, next_change, organisations_named,
                                            organisations_with_challenges, search_challenges)
from challenge.challenges.forms import CatalogueForm, attribute_value
from challenge.challenges.showpage import challenge_for_visitor, render_show, visitor_values, with_the_user
from challenge.platform.hygiene import page_arg
from challenge.platform.menu import site_part
from challenge.platform.pagecache import anonymous_page, filling, keep_until, shared_part
from challenge.platform.withuser import read_with_the_user


@bp.get("/")
@anonymous_page
def catalogue():
    form, params = _form_and_params()

    def body() -> str:
        now = clock.now()
        if filling():
            keep_until(next_change(now))
        filled = _filled()
        return render_template("challenges/_catalogue.html", form=form, page=search_challenges(params, now, cards=True),
                               params=params, now=now, filtered=bool(filled - {"sort"}),
                               filters=kept_filters(form, filled, params.q), pager_args=form.link_args(params.q))

    return render_template("challenges/catalogue.html", form=form, params=params,
                           body=shared_part(f"catalogue:{request.full_path}", body))


FILTERS = "challenges/_catalogue_filters.html"


def _form_and_params() -> tuple[CatalogueForm, CatalogueParams]:
    """The catalogue's filter form as sent and the valid filters. The form not filled in is the same every time:
    each worker builds and checks it once (building and checking a form was ~5 % of the first page's Python calls,
    and a tenth of a search's) and hands out copies of its filters, with the page number and, for words alone
    (CatalogueForm.words_alone: what the search box sends), the words. The page only reads the form, so one
    instance serves every such request; anything else filled in builds its own."""
    kept = current_app.extensions.get("blank_catalogue_form")
    if kept is None:
        form = CatalogueForm(MultiDict())
        kept = current_app.extensions["blank_catalogue_form"] = (form, form.params(1, organisations_named))
    if not request.args:
        return kept[0], replace(kept[1])
    words = kept[0].words_alone(request.args)
    if words is None:
        form = CatalogueForm(request.args)
        return form, form.params(page_arg(), organisations_named)
    return kept[0], replace(kept[1], q=words, page=page_arg())


def _filled() -> set[str]:
    """The names of the catalogue's arguments filled in: the form sends every field, most of them empty; the page
    number is not the form's, and "closing soonest" is the default order."""
    return {name for name, value in request.args.items(multi=True)
            if value and name != "page" and (name, value) != ("sort", "closing")}


def kept_filters(form: CatalogueForm, filled: set[str], words: str) -> Markup | None:
    """The catalogue's filter form when it is the same for everyone, rendered once per worker like the page's head
    and foot (a tenth of the catalogue's time): with nothing `filled` in (see _filled), or with only `words` to
    search for (the valid words: CatalogueParams.q), whose kept copy holds WORDS_SLOT where the words go. None
    otherwise (other filters, or a value the form refused): the page renders the form itself.

    A field sent empty (the form sends every field) marks its "any" option as chosen and one not sent does not, so
    each set of fields sent is its own copy (at most one per set of the form's fields), rendered from a form sent
    just those fields empty (and the slot)."""
    if form.errors:
        return None
    sent = sorted(name for name in set(request.args) & form._fields.keys() if name not in ("sort", "q"))
    empty = [(name, "") for name in sent]
    if not filled:
        return site_part(FILTERS, f"blank:{','.join(sent)}", lambda: {
            "form": CatalogueForm(MultiDict(empty)), "filtered": False})
    if filled == {"q"} and words:
        html = site_part(FILTERS, f"words:{','.join(sent)}", lambda: {
            "form": CatalogueForm(MultiDict([*empty, ("q", WORDS_SLOT)])), "filtered": True})
        return Markup(str(html).replace(WORDS_SLOT, attribute_value(words), 1))
    return None


# Stands for the words in the kept filter form (no label, hint or address the form writes holds it).
WORDS_SLOT = "cx-words-slot"


@bp.get("/catalogue/organisations.json")
@anonymous_page
def catalogue_organisations():
    """The organisation filter's suggestions: every organisation with a listed challenge, by name. The catalogue's
    script (static/catalogue.js) asks without cookies, so every visitor is answered from the one kept copy."""
    return {"data": [{"slug": slug, "name": name} for slug, name in organisations_with_challenges()]}


@bp.get("/challenges/<slug>")
@anonymous_page
def show(slug: str):
    challenge = challenge_for_visitor(slug)
    keep_until(challenge.opens_at, challenge.closes_at)
    return render_show(challenge)


read_with_the_user("challenges.show", with_the_user, visitor_values)


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("challenges/dashboard.html", board=board.for_user(current_user, clock.now()),
                           now=clock.now())
