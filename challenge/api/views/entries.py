"""Entries through the API (a token): a challenge's entries and its panel's results for those the pages show
them to, and a creator's own entries."""
from __future__ import annotations

from challenge.api import auth
from challenge.api import member_answers as answers
from challenge.api import member_schemas as schemas
from challenge.api.views import bp
from challenge.challenges.lookup import challenge_or_404
from challenge.extensions import db
from challenge.judging import results as panel_results
from challenge.permissions import ensure
from challenge.submissions import queries


@bp.get("/challenges/<slug>/submissions")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.SubmissionList)
def challenge_submissions(slug: str):
    """A challenge's entries, as its submissions page lists them to you (after the close, for its seeker)."""
    challenge = challenge_or_404(slug, "challenge.view_submissions")
    rows = db.session.scalars(queries.for_challenge(challenge, auth.actor())).all()
    return {"data": [answers.submission_row(s) for s in rows]}


@bp.get("/challenges/<slug>/results")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.arguments(schemas.ResultsQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.Results)
def challenge_results(slug: str, round: int | None):
    """A judging round's results as the panel's CSV holds them (the open round, else the latest started)."""
    challenge = challenge_or_404(slug, action=None)
    chosen = answers.round_or_404(challenge, round)
    ensure("judging.panel_view", chosen)
    return answers.results(panel_results.load(chosen))


@bp.get("/my/submissions")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.response(200, schemas.MySubmissionList)
def my_submissions():
    """Your own entries and those you are on the team of, as "Your submissions" lists them."""
    rows = queries.mine(auth.actor())
    return {"data": [answers.my_submission(s) for s in rows]}
