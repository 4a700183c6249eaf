"""Organisations that run published challenges, and one organisation."""
from __future__ import annotations

from challenge.accounts import organisations as orgs
from challenge.accounts.blueprint import org_or_404
from challenge.api import answers, schemas
from challenge.api.views import bp
from challenge.challenges.catalogue import organisations_with_challenges


@bp.get("/organisations")
@bp.response(200, schemas.OrganisationList)
def organisations():
    """Every organisation with a published challenge, by name."""
    return {"data": [{"slug": slug, "name": name} for slug, name in organisations_with_challenges()]}


@bp.get("/organisations/<slug>")
@bp.response(200, schemas.OrganisationDetail)
def organisation(slug: str):
    """One organisation and its published challenges."""
    org = org_or_404(slug)
    answers.ensure_public("organisation.view", org)
    return answers.organisation(org, orgs.public_challenges(org))
