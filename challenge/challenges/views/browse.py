"""The public catalogue, a challenge's page, and the signed-in dashboard."""
from __future__ import annotations

from flask import render_template, request
from markupsafe import Markup
from flask_login import current_user, login_required

from challenge import clock
from challenge.challenges import dashboard as board
from challenge.challenges.blueprint import bp
from challenge.challenges.catalogue import (next_change, organisations_named, organisations_with_challenges,
                                            search_challenges)
from challenge.challenges.forms import CatalogueForm
from challenge.challenges.showpage import challenge_for_visitor, render_show
from challenge.platform.hygiene import page_arg
from challenge.platform.menu import site_part
from challenge.platform.pagecache import anonymous_page, filling, keep_until, shared_part


@bp.get("/")
@anonymous_page
def catalogue():
    form = CatalogueForm(request.args)
    params = form.params(page_arg(), organisations_named)

    def body() -> str:
        now = clock.now()
        if filling():
            keep_until(next_change(now))
        filtered = any(v for k, v in request.args.items() if k not in ("sort", "page"))
        return render_template("challenges/_catalogue.html", form=form, page=search_challenges(params, now, cards=True),
                               params=params, now=now, filtered=filtered, filters=blank_filters(form))

    return render_template("challenges/catalogue.html", form=form, params=params,
                           body=shared_part(f"catalogue:{request.full_path}", body))


FILTERS = "challenges/_catalogue_filters.html"


def blank_filters(form: CatalogueForm) -> Markup | None:
    """The catalogue's filter form when nothing is filled in (a page number aside, which the form does not show): the
    same for every visitor and every request, whatever the data, so rendered once per worker (a tenth of the first
    page's time), like the page's head and foot. None when something is: the page includes the form with it."""
    if all(name == "page" for name in request.args):
        return site_part(FILTERS, form=form, filtered=False)  # `form` has nothing in it: used only the first time
    return None


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


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("challenges/dashboard.html", board=board.for_user(current_user, clock.now()),
                           now=clock.now())
