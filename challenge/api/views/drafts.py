"""A seeker's drafts through the API: create one for their organisation, change one (a write-scope token)."""
from __future__ import annotations

from challenge import clock
from challenge.api import auth, drafting
from challenge.api import member_answers as answers
from challenge.api import member_schemas as schemas
from challenge.api.views import bp
from challenge.challenges.lookup import challenge_or_404
from challenge.platform import tx


@bp.post("/challenges")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.arguments(schemas.DraftIn)
@bp.response(201, schemas.Draft)
def create_challenge(body: dict):
    """Draft a challenge for an organisation you belong to, checked as the "Post a challenge" form checks it."""
    with tx.unit_of_work():
        challenge = drafting.create(body, auth.actor(), clock.now())
    return answers.draft(challenge)


@bp.patch("/challenges/<slug>")
@auth.required
@bp.doc(security=auth.SECURITY)
@bp.arguments(schemas.DraftFields)
@bp.response(200, schemas.Draft)
def update_challenge(body: dict, slug: str):
    """Change a draft you manage: the fields sent change, the others keep their value (409 once not a draft)."""
    challenge = challenge_or_404(slug, "challenge.manage")
    with tx.unit_of_work():
        drafting.revise(challenge, body, auth.actor(), clock.now())
    return answers.draft(challenge)
