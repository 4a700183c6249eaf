"""Published challenges: the catalogue as a list, one challenge (a token's owner sees what the page shows
them), its published winners."""
from __future__ import annotations

from flask import abort

from challenge import clock
from challenge.api import answers, schemas
from challenge.api.paging import links, page_of
from challenge.api.views import bp
from challenge.challenges.catalogue import CatalogueParams, search_challenges
from challenge.challenges.lookup import challenge_or_404
from challenge.judging.publication import public_winners


@bp.get("/challenges")
@bp.arguments(schemas.ChallengeQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.ChallengeList)
def challenges(cursor: str, **filters):
    """Published challenges, with the catalogue's search, filters and sorts; 12 a page."""
    page = page_of(cursor)
    found = search_challenges(CatalogueParams(**filters, page=page), clock.now())
    return {"data": [answers.challenge_summary(c) for c in found.items],
            "links": links(found.has_next, page)}


@bp.get("/challenges/<slug>")
@bp.response(200, schemas.ChallengeDetail)
def challenge(slug: str):
    """One challenge: prizes, rubric with weights, timeline, funders, entry questions. Without a token, one an
    anonymous visitor may see; with one, any its owner may see on the site (their organisation's drafts too)."""
    return answers.challenge_detail(challenge_or_404(slug))


@bp.get("/challenges/<slug>/winners")
@bp.response(200, schemas.WinnerList)
def winners(slug: str):
    """Its winners once the results are published (404 before): the entry and who won it only with consent."""
    found = _public(slug)
    if not answers.results_published(found):
        abort(404)
    return {"data": [answers.winner(w, found) for w in public_winners(found)]}


def _public(slug: str):
    found = challenge_or_404(slug, None)
    if not answers.is_public(found):
        abort(404)
    return found
